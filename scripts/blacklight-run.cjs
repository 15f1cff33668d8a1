// Runs The Markup's Blacklight collector on URLs, one after the other, with
// Debian's chromium and the given host rules, and prints one JSON line per
// site: {url, status, seconds, hosts, third_party_trackers, tests}.
// Usage: node scripts/blacklight-run.cjs BLACKLIGHT_DIR CHROMIUM RULES SPKI OUTDIR URL...
const path = require('path');
const [dir, chromium, rules, spki, outDir, ...urls] = process.argv.slice(2);
const { collect } = require(path.join(dir, 'node_modules/@themarkup/blacklight-collector'));
(async () => {
  for (const [i, url] of urls.entries()) {
    const t0 = Date.now();
    let line = { url };
    try {
      const r = await collect(url, {
        outDir: path.join(outDir, String(i)),
        numPages: 1,
        headless: true,
        captureHar: false,
        saveScreenshots: false,
        defaultTimeout: 30000,
        puppeteerExecutablePath: chromium,
        extraChromiumArgs: ['--disable-features=TrackingProtection3pcd', '--host-resolver-rules=' + rules, '--ignore-certificate-errors-spki-list=' + spki,
          '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--headless=new'],
      });
      line.status = r.status;
      if (r.status !== 'success') line.error = String(r.page_response);
      const rep = r.reports || {};
      line.hosts = r.hosts && r.hosts.requests ? r.hosts.requests.third_party : [];
      line.third_party_trackers = [...new Set((rep.third_party_trackers || []).map(t => { try { return new URL(t.url).hostname; } catch (e) { return t.url; } }))].sort();
      const keys = v => (v && typeof v === 'object' ? Object.keys(v) : []);
      const len = v => (Array.isArray(v) ? v.length : keys(v).length);
      // what each Blacklight test found, by the shape of its report
      line.found = {
        canvas_fingerprinters: (rep.canvas_fingerprinters && rep.canvas_fingerprinters.fingerprinters) || [],
        canvas_font_fingerprinters: keys(rep.canvas_font_fingerprinters && rep.canvas_font_fingerprinters.canvas_font),
        behaviour_event_listeners: keys(rep.behaviour_event_listeners),
        key_logging: keys(rep.key_logging),
        session_recorders: keys(rep.session_recorders),
        fb_pixel_events: len(rep.fb_pixel_events),
        tiktok_pixel_events: len(rep.tiktok_pixel_events),
        twitter_pixel_events: len(rep.twitter_pixel_events),
        google_analytics_events: len(rep.google_analytics_events),
        cookies: (rep.cookies || []).filter(c => c.third_party).map(c => c.name + '@' + c.domain),
      };
    } catch (e) {
      line.status = 'error';
      line.error = String(e && e.message || e);
    }
    line.seconds = (Date.now() - t0) / 1000;
    process.stdout.write(JSON.stringify(line) + '\n');
  }
  process.exit(0);
})();
