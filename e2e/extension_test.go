//go:build e2e

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// gaHosts are reached when analytics is granted (GTM loads gtag.js, which
// sends to Google Analytics).
var gaHosts = []string{"www.googletagmanager.com", "www.google-analytics.com", "region1.google-analytics.com"}

// extBlockedHosts must never be reached without consent; adHosts (shared)
// are never reached with analytics alone either.
func extAdHits(w *extWorld) []Hit {
	return append(w.HitsTo(adHosts...), w.extraHits()...)
}

func hasExtCookie(t *testing.T, b *Browser, name, domain string) bool {
	for _, c := range b.Cookies(t) {
		if c.Name == name && strings.TrimPrefix(c.Domain, ".") == domain {
			return true
		}
	}
	return false
}

// poll evaluates cond until true or the timeout.
func poll(timeout time.Duration, cond func() bool) bool {
	end := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// clickAndSave clicks an element of the popup and waits for the popup to
// have saved the change (the background has applied it when save returns).
func clickAndSave(t *testing.T, p *Browser, sel string) {
	t.Helper()
	Eval[bool](t, p, fmt.Sprintf(`(async () => {
		const before = document.body.dataset.saved;
		const el = document.querySelector(%q);
		if (!el) throw new Error('no element %s');
		el.click();
		for (let i = 0; i < 100 && document.body.dataset.saved === before; i++) await new Promise(r => setTimeout(r, 50));
		if (document.body.dataset.saved === before) throw new Error('not saved');
		return true;
	})()`, sel, sel))
}

// selectAndSave picks an option of a popup select and waits for the save.
func selectAndSave(t *testing.T, p *Browser, sel, value string) {
	t.Helper()
	Eval[bool](t, p, fmt.Sprintf(`(async () => {
		const before = document.body.dataset.saved;
		const el = document.querySelector(%q);
		el.value = %q;
		el.dispatchEvent(new Event('change'));
		for (let i = 0; i < 100 && document.body.dataset.saved === before; i++) await new Promise(r => setTimeout(r, 50));
		if (document.body.dataset.saved === before) throw new Error('not saved');
		return true;
	})()`, sel, value))
}

func TestExtensionChromium(t *testing.T) {
	w, b, id, opt := startExtension(t)
	page := "https://" + extSite + "/"

	t.Run("default consent", func(t *testing.T) {
		w.reset()
		b.Navigate(t, w.World, page+"?utm_source=news&gclid=abc123&id=7&fbclid=x")
		if h := append(w.HitsTo(gaHosts...), extAdHits(w)...); len(h) > 0 {
			t.Errorf("trackers reached without consent:%s", hitList(h))
		}
		for _, path := range []string{"/g/collect", "/metrics/g/collect"} {
			if n := w.siteLoads(path); n > 0 {
				t.Errorf("first-party Google Analytics path %s reached %d times without consent", path, n)
			}
		}
		if got := Eval[string](t, b, `location.href`); got != page+"?id=7" {
			t.Errorf("final URL %s, want tracking parameters removed: %s?id=7", got, page)
		}
		if !Eval[bool](t, b, `window.__appLoaded === true && document.getElementById('text').textContent === "Today's news"`) {
			t.Error("the page's own script or content did not load")
		}
		if !Eval[bool](t, b, `window.__gpcFirst`) {
			t.Error("navigator.globalPrivacyControl was not true in the first inline script")
		}
		res := Eval[map[string]any](t, b, `(async () => { for (let i = 0; i < 50 && Object.keys(window.__results).length < 4; i++) await new Promise(r => setTimeout(r, 100)); return window.__results; })()`)
		for _, k := range []string{"frame", "srcdoc", "worker"} {
			if res[k] != true {
				t.Errorf("navigator.globalPrivacyControl in %s = %v, want true (all: %v)", k, res[k], res)
			}
		}
		if res["workerRelative"] != true {
			t.Errorf("the worker's relative importScripts and fetch failed (all: %v)", res)
		}
		if got := w.siteHeaders("/").Get("Sec-GPC"); got != "1" {
			t.Errorf("origin saw Sec-GPC %q, want 1", got)
		}
		if !poll(5*time.Second, func() bool { return !hasExtCookie(t, b, "_ga", extSite) }) {
			t.Errorf("the JS-set _ga survived: %v", cookieNames(t, b))
		}
		if !hasExtCookie(t, b, "site_pref", extSite) {
			t.Errorf("the site's own cookie was removed: %v", cookieNames(t, b))
		}
		if !poll(10*time.Second, func() bool { return Eval[bool](t, b, `window.__rejected === true`) }) {
			t.Error("the OneTrust-like banner was not answered")
		}
		if Eval[bool](t, b, `window.__accepted === true`) {
			t.Error("the banner was accepted")
		}
	})

	tabID := Eval[int](t, opt, `chrome.tabs.query({url: 'https://`+extSite+`/*'}).then(ts => ts[0].id)`)

	t.Run("popup report", func(t *testing.T) {
		p := openExtPage(t, b, id, fmt.Sprintf("popup.html?tab=%d", tabID))
		if !poll(10*time.Second, func() bool { return Eval[bool](t, p, `document.body.dataset.ready === 'true'`) }) {
			t.Fatal("popup not ready")
		}
		text := Eval[string](t, p, `document.body.innerText`)
		for _, want := range []string{extSite, "advertising", "analytics", "GPC sent", "Onetrust"} {
			if !strings.Contains(text, want) {
				t.Errorf("popup does not show %q:\n%s", want, text)
			}
		}
		if n := Eval[int](t, p, `Number(document.getElementById('total').textContent)`); n < 5 {
			t.Errorf("popup counts %d blocked requests, want >= 5", n)
		}
		// Phone width: nothing wider than the viewport.
		if err := chromedp.Do(p.Ctx, chromedp.EmulateViewport(360, 640)); err != nil {
			t.Fatal(err)
		}
		if Eval[bool](t, p, `document.documentElement.scrollWidth > 360`) {
			t.Errorf("popup wider than a 360 px phone: %v", Eval[int](t, p, `document.documentElement.scrollWidth`))
		}
	})

	t.Run("analytics granted", func(t *testing.T) {
		sendExt[map[string]any](t, opt, `{cmd: 'save', settings: {granted: ['analytics']}}`)
		w.reset()
		b.Navigate(t, w.World, page)
		if len(w.HitsTo("www.google-analytics.com", "region1.google-analytics.com")) == 0 {
			t.Errorf("Google Analytics not reached with analytics granted:%s", hitList(w.Hits()))
		}
		if w.siteLoads("/g/collect") == 0 || w.siteLoads("/metrics/g/collect") == 0 {
			t.Error("first-party Google Analytics paths not reached with analytics granted")
		}
		if h := extAdHits(w); len(h) > 0 {
			t.Errorf("more than analytics reached:%s", hitList(h))
		}
	})

	t.Run("popup toggles", func(t *testing.T) {
		p := openExtPage(t, b, id, fmt.Sprintf("popup.html?tab=%d", tabID))
		poll(10*time.Second, func() bool { return Eval[bool](t, p, `document.body.dataset.ready === 'true'`) })
		clickAndSave(t, p, `input[data-global="analytics"]`)
		w.reset()
		b.Navigate(t, w.World, page)
		if h := w.HitsTo(gaHosts...); len(h) > 0 {
			t.Errorf("analytics revoked in the popup, still reached:%s", hitList(h))
		}
		// Analytics allowed for this site alone (global still off).
		selectAndSave(t, p, `select[data-site="analytics"]`, "allow")
		w.reset()
		b.Navigate(t, w.World, page)
		if len(w.HitsTo("www.google-analytics.com", "region1.google-analytics.com")) == 0 {
			t.Errorf("analytics allowed for the site in the popup, Google Analytics not reached:%s", hitList(w.Hits()))
		}
		if h := extAdHits(w); len(h) > 0 {
			t.Errorf("analytics allowed for the site, more reached:%s", hitList(h))
		}
		// The choice covers the site's pages, third-party frames included.
		w.reset()
		b.Navigate(t, w.World, page+"embedded.html")
		if len(w.HitsTo("www.google-analytics.com", "region1.google-analytics.com")) == 0 {
			t.Errorf("analytics allowed for the site, a partner's frame on it did not reach Google Analytics:%s", hitList(w.Hits()))
		}
		selectAndSave(t, p, `select[data-site="analytics"]`, "default")
		w.reset()
		b.Navigate(t, w.World, page)
		if h := w.HitsTo(gaHosts...); len(h) > 0 {
			t.Errorf("site choice back to the global one (off), analytics reached:%s", hitList(h))
		}
		w.reset()
		b.Navigate(t, w.World, page+"embedded.html")
		if h := w.HitsTo(gaHosts...); len(h) > 0 {
			t.Errorf("site choice back to the global one (off), the partner's frame reached analytics:%s", hitList(h))
		}
		clickAndSave(t, p, `#pause`)
		w.reset()
		b.Navigate(t, w.World, page)
		if len(w.HitsTo("connect.facebook.net")) == 0 || len(w.extraHits()) == 0 {
			t.Errorf("paused site: trackers still blocked:%s", hitList(w.Hits()))
		}
		clickAndSave(t, p, `#pause`)
		w.reset()
		b.Navigate(t, w.World, page)
		if h := extAdHits(w); len(h) > 0 {
			t.Errorf("unpaused, trackers reached:%s", hitList(h))
		}
		// GPC off for this site: no header, the property reads false in
		// the page and its worker; back on afterwards.
		clickAndSave(t, p, `#sitegpc`)
		b.Navigate(t, w.World, page)
		if got := w.siteHeaders("/").Get("Sec-GPC"); got != "" {
			t.Errorf("GPC off for the site, origin saw Sec-GPC %q", got)
		}
		res := Eval[map[string]any](t, b, `(async () => { for (let i = 0; i < 50 && Object.keys(window.__results).length < 4; i++) await new Promise(r => setTimeout(r, 100)); return Object.assign({first: window.__gpcFirst}, window.__results); })()`)
		for _, k := range []string{"first", "frame", "worker"} {
			if res[k] != false {
				t.Errorf("GPC off for the site: globalPrivacyControl in %s = %v, want false (all: %v)", k, res[k], res)
			}
		}
		clickAndSave(t, p, `#sitegpc`)
		b.Navigate(t, w.World, page)
		if got := w.siteHeaders("/").Get("Sec-GPC"); got != "1" || !Eval[bool](t, b, `window.__gpcFirst`) {
			t.Errorf("GPC back on for the site: header %q, first script %v", got, Eval[bool](t, b, `window.__gpcFirst`))
		}
		// DNT on for this site alone (off globally): the origin sees DNT: 1
		// on the page and the requests it makes; then back to the global
		// choice.
		if got := w.siteHeaders("/").Get("DNT"); got != "" {
			t.Errorf("DNT off globally, origin saw DNT %q", got)
		}
		clickAndSave(t, p, `#sitednt`)
		b.Navigate(t, w.World, page)
		if got, app := w.siteHeaders("/").Get("DNT"), w.siteHeaders("/app.js").Get("DNT"); got != "1" || app != "1" {
			t.Errorf("DNT on for the site: origin saw DNT %q on the page, %q on its script", got, app)
		}
		clickAndSave(t, p, `#sitednt`)
		b.Navigate(t, w.World, page)
		if got := w.siteHeaders("/").Get("DNT"); got != "" {
			t.Errorf("DNT back off for the site, origin saw DNT %q", got)
		}
		// Switched back to the global value, the site follows it again.
		if got := jsonString(sendExt[map[string]any](t, opt, `{cmd: 'settings'}`)["sites"]); strings.Contains(got, `"dnt"`) {
			t.Errorf("the site's DNT, switched back to the global value, is still its own: %s", got)
		}
		clickAndSave(t, p, `input[data-global="analytics"]`) // granted again for the next part
		// Analytics granted everywhere but blocked on this site: blocked in
		// the partner's frame on its pages too.
		w.reset()
		b.Navigate(t, w.World, page+"embedded.html")
		if len(w.HitsTo("www.google-analytics.com", "region1.google-analytics.com")) == 0 {
			t.Errorf("analytics granted, the partner's frame did not reach Google Analytics:%s", hitList(w.Hits()))
		}
		selectAndSave(t, p, `select[data-site="analytics"]`, "block")
		w.reset()
		b.Navigate(t, w.World, page+"embedded.html")
		if h := w.HitsTo(gaHosts...); len(h) > 0 {
			t.Errorf("analytics blocked for the site, the partner's frame on it reached analytics:%s", hitList(h))
		}
		selectAndSave(t, p, `select[data-site="analytics"]`, "default")
	})

	t.Run("options export import", func(t *testing.T) {
		// Export, switch DNT on in the JSON, import: the next load carries
		// DNT: 1; then the exported settings back.
		exported := Eval[string](t, opt, `(async () => {
			document.getElementById('export').click();
			for (let i = 0; i < 50 && !document.getElementById('json').value; i++) await new Promise(r => setTimeout(r, 50));
			return document.getElementById('json').value;
		})()`)
		if !strings.Contains(exported, `"granted"`) || !strings.Contains(exported, `"analytics"`) {
			t.Fatalf("export: %s", exported)
		}
		importJSON := func(js string) string {
			return Eval[string](t, opt, fmt.Sprintf(`(async () => {
				const m = document.getElementById('msg');
				m.textContent = '';
				document.getElementById('json').value = %s;
				document.getElementById('import').click();
				for (let i = 0; i < 100 && !m.textContent; i++) await new Promise(r => setTimeout(r, 50));
				return m.textContent;
			})()`, js))
		}
		if msg := importJSON(`'{not json'`); !strings.Contains(msg, "Not valid JSON") {
			t.Errorf("importing bad JSON said %q", msg)
		}
		var set map[string]any
		if err := json.Unmarshal([]byte(exported), &set); err != nil {
			t.Fatal(err)
		}
		set["dnt"] = true
		withDNT, _ := json.Marshal(set)
		if msg := importJSON(fmt.Sprintf("%q", withDNT)); msg != "Imported." {
			t.Fatalf("import said %q", msg)
		}
		b.Navigate(t, w.World, page)
		if got := w.siteHeaders("/").Get("DNT"); got != "1" {
			t.Errorf("DNT imported on, origin saw DNT %q", got)
		}
		if msg := importJSON(fmt.Sprintf("%q", exported)); msg != "Imported." {
			t.Fatalf("import said %q", msg)
		}
		b.Navigate(t, w.World, page)
		if got := w.siteHeaders("/").Get("DNT"); got != "" {
			t.Errorf("DNT back off, origin saw DNT %q", got)
		}
	})

	t.Run("service worker restart", func(t *testing.T) {
		stopServiceWorker(t, b, id)
		// Set while the worker is down: an advertising cookie.
		_, err := chromedp.CallBrowser(b.Ctx, storage.SetCookies, storage.SetCookiesParams{Cookies: []*network.CookieParam{
			{Name: "_fbp", Value: "fb.1.1700000000.9", Domain: extSite, Path: "/", Secure: true, Expires: cdp.TimeSinceEpoch(float64(time.Now().Add(time.Hour).Unix()))},
			// A third-party advertising cookie in the site's partition (CHIPS).
			{Name: "IDE", Value: "ad-id", Domain: ".doubleclick.net", Path: "/", Secure: true, SameSite: network.CookieSameSiteNone,
				Expires:      cdp.TimeSinceEpoch(float64(time.Now().Add(time.Hour).Unix())),
				PartitionKey: &network.CookiePartitionKey{TopLevelSite: "https://" + extSite, HasCrossSiteAncestor: false}}}})
		if err != nil {
			t.Fatal(err)
		}
		w.reset()
		b.Navigate(t, w.World, page)
		if h := extAdHits(w); len(h) > 0 {
			t.Errorf("after the restart, trackers reached:%s", hitList(h))
		}
		if len(w.HitsTo("www.google-analytics.com", "region1.google-analytics.com")) == 0 {
			t.Errorf("after the restart, the stored analytics consent was lost:%s", hitList(w.Hits()))
		}
		if got := w.siteHeaders("/").Get("Sec-GPC"); got != "1" {
			t.Errorf("after the restart, origin saw Sec-GPC %q", got)
		}
		if !Eval[bool](t, b, `window.__gpcFirst`) {
			t.Error("after the restart, no GPC in the first inline script")
		}
		if !poll(15*time.Second, func() bool { return !hasExtCookie(t, b, "_fbp", extSite) }) {
			t.Errorf("the cookie set while the worker was down was not removed: %v", cookieNames(t, b))
		}
		if !poll(15*time.Second, func() bool { return !hasExtCookie(t, b, "IDE", "doubleclick.net") }) {
			t.Errorf("the partitioned cookie set while the worker was down was not removed: %v", cookieNames(t, b))
		}
	})

	t.Run("core kept in Cache Storage", func(t *testing.T) {
		// The first start read the packaged core and kept one copy, under
		// its digest; every later start reads that copy.
		wasm, err := os.ReadFile(filepath.Join(builtExtension(t, false), "guard.wasm"))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(wasm)
		key := "https://core.consentguard.invalid/" + hex.EncodeToString(sum[:8]) + "/guard.wasm"
		cached := func() map[string]float64 {
			return Eval[map[string]float64](t, opt, `(async () => { const c = await caches.open('consentguard-core'); const out = {};
			  for (const k of await c.keys()) out[k.url] = (await (await c.match(k)).arrayBuffer()).byteLength; return out; })()`)
		}
		if got := cached(); len(got) != 1 || got[key] != float64(len(wasm)) {
			t.Errorf("cached cores %v, want only %s of %d bytes", got, key, len(wasm))
		}
		stopServiceWorker(t, b, id)
		if src := coreSourceOf(t, opt); src != "cache" {
			t.Errorf("after a restart the core came from %q, want the cache", src)
		}
		// A damaged copy: the worker drops it, reads the package, still
		// blocks, and keeps a good copy again.
		// Also a copy an earlier build left (another digest, another cache
		// name): both go once the package has been read again.
		Eval[bool](t, opt, `(async () => { const c = await caches.open('consentguard-core');
		  for (const k of await c.keys()) await c.put(k, new Response(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 9, 9]), { headers: { 'content-type': 'application/wasm' } }));
		  await c.put('https://core.consentguard.invalid/0123456789abcdef/guard.wasm', new Response('old build'));
		  await (await caches.open('consentguard-core-old')).put('https://core.consentguard.invalid/x/guard.wasm', new Response('older'));
		  return true; })()`)
		stopServiceWorker(t, b, id)
		if src := coreSourceOf(t, opt); src != "package" {
			t.Errorf("with a damaged cached core the core came from %q, want the package", src)
		}
		w.reset()
		b.Navigate(t, w.World, page)
		if h := extAdHits(w); len(h) > 0 {
			t.Errorf("with the core read from the package, trackers reached:%s", hitList(h))
		}
		if !poll(10*time.Second, func() bool { g := cached(); return len(g) == 1 && g[key] == float64(len(wasm)) }) {
			t.Errorf("the damaged copy was not replaced, or an earlier build's copy kept: %v", cached())
		}
		if names := Eval[[]string](t, opt, `caches.keys()`); len(names) != 1 || names[0] != "consentguard-core" {
			t.Errorf("caches after the repair: %v, want only consentguard-core", names)
		}
		stopServiceWorker(t, b, id)
		if src := coreSourceOf(t, opt); src != "cache" {
			t.Errorf("after the repair the core came from %q, want the cache", src)
		}
	})

	t.Run("strict CSP worker", func(t *testing.T) {
		// worker-src 'self' forbids the blob the GPC wrapper starts workers
		// from: the page's worker must still run (without the property).
		b.Navigate(t, w.World, page+"csp.html")
		res := Eval[map[string]any](t, b, `(async () => { for (let i = 0; i < 50 && Object.keys(window.__results).length < 2; i++) await new Promise(r => setTimeout(r, 100)); return window.__results; })()`)
		if res["workerRelative"] != true || res["workerError"] != nil {
			t.Errorf("the worker of a page with a strict CSP did not run: %v", res)
		}
	})
}

// coreSourceOf wakes the worker if needed and returns where its core came
// from ('cache' or 'package').
func coreSourceOf(t testing.TB, opt *Browser) string {
	t.Helper()
	r := sendExt[map[string]any](t, opt, `{cmd: 'ready'}`)
	tm, _ := r["timing"].(map[string]any)
	s, _ := tm["source"].(string)
	return s
}

// stopServiceWorker stops the extension's worker through CDP and waits
// until its target is gone.
func stopServiceWorker(t testing.TB, b *Browser, id string) {
	t.Helper()
	if _, err := chromedp.Call(b.Ctx, serviceworker.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	chromedp.Call(b.Ctx, serviceworker.StopAllWorkers, cdp.Empty{})
	swURL := "chrome-extension://" + id + "/background.js"
	gone := func() bool {
		ts, err := chromedp.Targets(b.Ctx)
		if err != nil {
			return false
		}
		for _, ti := range ts {
			if ti.Type == "service_worker" && ti.URL == swURL {
				return false
			}
		}
		return true
	}
	if poll(2*time.Second, gone) {
		return
	}
	ts, _ := chromedp.Targets(b.Ctx)
	for _, ti := range ts {
		if ti.Type == "service_worker" && ti.URL == swURL {
			chromedp.CallBrowser(b.Ctx, target.CloseTarget, target.CloseTargetParams{TargetID: ti.TargetID})
		}
	}
	if !poll(5*time.Second, gone) {
		t.Fatal("the service worker did not stop")
	}
}

// TestExtensionBannerLoop: a site that re-shows its banner after every
// answer is answered twice, then left alone (no reload loop) and reported
// in the popup.
func TestExtensionBannerLoop(t *testing.T) {
	w, b, id, opt := startExtension(t)
	b.Navigate(t, w.World, "https://"+extSite+"/loop.html")
	// Wait until the page stops reloading (4 s without a new load), at most 30 s.
	last, since := w.siteLoads("/loop.html"), time.Now()
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end) && time.Since(since) < 4*time.Second; time.Sleep(200 * time.Millisecond) {
		if n := w.siteLoads("/loop.html"); n != last {
			last, since = n, time.Now()
		}
	}
	if n := w.siteLoads("/loop.html"); n < 2 || n > 4 {
		t.Errorf("the page loaded %d times; want the banner answered twice, then left alone (3 loads)", n)
	}
	if time.Since(since) < 4*time.Second {
		t.Fatalf("still reloading after 30 s: %d loads", w.siteLoads("/loop.html"))
	}
	if !Eval[bool](t, b, `getComputedStyle(document.getElementById('onetrust-banner-sdk')).display !== 'none'`) {
		t.Error("the banner is hidden on the page left alone")
	}
	tabID := Eval[int](t, opt, `chrome.tabs.query({url: 'https://`+extSite+`/*'}).then(ts => ts[0].id)`)
	p := openExtPage(t, b, id, fmt.Sprintf("popup.html?tab=%d", tabID))
	if !poll(10*time.Second, func() bool {
		return strings.Contains(Eval[string](t, p, `document.getElementById('cmp').textContent`), "left alone")
	}) {
		t.Errorf("popup does not report the loop: %q", Eval[string](t, p, `document.getElementById('cmp').textContent`))
	}
}

// TestExtensionRegexesSupported asks Chromium (isRegexSupported, case
// sensitive and not) about every regexFilter of every static ruleset:
// Chromium skips, with only a console warning, a regex over its 2 KB limit.
func TestExtensionRegexesSupported(t *testing.T) {
	_, _, _, opt := startExtension(t)
	res := Eval[map[string]any](t, opt, `(async () => {
	  const bad = [];
	  let n = 0;
	  for (const rs of chrome.runtime.getManifest().declarative_net_request.rule_resources) {
	    const rules = await (await fetch(rs.path)).json();
	    for (const r of rules) if (r.condition.regexFilter) {
	      n++;
	      for (const cs of [false, true]) {
	        const s = await chrome.declarativeNetRequest.isRegexSupported({regex: r.condition.regexFilter, isCaseSensitive: cs});
	        if (!s.isSupported) bad.push(rs.id + ' #' + r.id + ': ' + s.reason + ': ' + r.condition.regexFilter);
	      }
	    }
	  }
	  return {n, bad};
	})()`)
	if n, _ := res["n"].(float64); n < 50 {
		t.Errorf("only %v regex rules found", res["n"])
	}
	for _, x := range res["bad"].([]any) {
		t.Errorf("Chromium refuses %v", x)
	}
}
