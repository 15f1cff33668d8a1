// consentguard background: the Chromium service worker and the Firefox event
// page. Every listener is registered synchronously at the top level; all
// state lives in chrome.storage (local: settings; session: per-tab reports),
// so a worker killed after 30 s idle loses nothing. What needs judgement
// (cookies, why a request was blocked, rulesets for a consent state) goes to
// the Go core (guard.wasm); events that arrive before it is ready wait in a
// queue and are never dropped.
'use strict';

const startedAt = performance.now();
// The core's bytes: the packaged guard.wasm is read once per build (the
// extension's own files load at about 37 MB/s in Chromium) and then kept in
// Cache Storage under a key carrying its SHA-256 (written by the build),
// which reads it about twice as fast on every later start. The read starts
// first of all; wasm_exec.js and autoconsent.js are evaluated meanwhile.
const CORE_FILE = 'guard.wasm';
const CORE_DIGEST = '@CORE_DIGEST@';
const CORE_CACHE = 'consentguard-core';
const CORE_KEY = 'https://core.consentguard.invalid/' + CORE_DIGEST + '/' + CORE_FILE;
const coreSource = openCore();
if (typeof importScripts === 'function' && typeof Go === 'undefined') {
  importScripts('wasm_exec.js');
}

// ---------------------------------------------------------------- core
let core = null;
const coreTiming = { start: startedAt, source: '', opened: 0, instantiated: 0, ready: 0 };
const coreWaiters = [];
function whenCore() {
  return core ? Promise.resolve(core) : new Promise((resolve) => coreWaiters.push(resolve));
}
globalThis.consentguardReady = () => {
  core = globalThis.consentguard;
  coreTiming.ready = performance.now();
  // Read by the start-up benchmark (e2e) through the 'ready' command.
  globalThis.consentguardTiming = coreTiming;
  coreWaiters.splice(0).forEach((f) => f(core));
};

// openCore resolves to {response, source}: the cached copy when there is
// one (source 'cache'), else the packaged file ('package').
async function openCore() {
  try {
    const hit = await (await caches.open(CORE_CACHE)).match(CORE_KEY);
    if (hit) return { response: hit, source: 'cache' };
  } catch (e) { /* no Cache Storage here: read the package */ }
  return { response: await fetch(chrome.runtime.getURL(CORE_FILE)), source: 'package' };
}

async function instantiate(response, go) {
  if (WebAssembly.instantiateStreaming) return WebAssembly.instantiateStreaming(response, go.importObject);
  return WebAssembly.instantiate(await response.arrayBuffer(), go.importObject);
}

// keepCore stores the packaged core in Cache Storage for the next start and
// drops the copies of other builds. It runs once the core is ready.
async function keepCore() {
  try {
    for (const name of await caches.keys()) if (name !== CORE_CACHE && name.startsWith('consentguard-core')) await caches.delete(name);
    const c = await caches.open(CORE_CACHE);
    for (const req of await c.keys()) if (req.url !== CORE_KEY) await c.delete(req);
    if (await c.match(CORE_KEY)) return;
    const bytes = await (await fetch(chrome.runtime.getURL(CORE_FILE))).arrayBuffer();
    await c.put(CORE_KEY, new Response(bytes, { headers: { 'content-type': 'application/wasm' } }));
  } catch (e) {
    console.warn('consentguard: core not cached', e);
  }
}

(async function loadCore() {
  if (typeof Go === 'undefined') { console.error('consentguard: wasm_exec.js missing'); return; }
  let go = new Go();
  let { response, source } = await coreSource;
  coreTiming.opened = performance.now();
  let inst;
  try {
    inst = await instantiate(response, go);
  } catch (e) {
    if (source !== 'cache') { console.error('consentguard: core failed to load', e); return; }
    // A damaged cached copy: drop it, use the package.
    console.warn('consentguard: cached core unusable, reading the package', e);
    await caches.delete(CORE_CACHE).catch(() => {});
    go = new Go();
    source = 'package';
    try {
      inst = await instantiate(await fetch(chrome.runtime.getURL(CORE_FILE)), go);
    } catch (e2) { console.error('consentguard: core failed to load', e2); return; }
  }
  coreTiming.source = source;
  coreTiming.instantiated = performance.now();
  go.run(inst.instance);
  if (source === 'package') whenCore().then(keepCore);
})();
if (typeof importScripts === 'function' && typeof AutoConsentLib === 'undefined') {
  importScripts('autoconsent.js');
}

// ---------------------------------------------------------------- settings
const CATEGORIES = ['functional', 'analytics', 'advertising', 'social', 'session-replay', 'tag-manager', 'fingerprinting'];
// The DNR resource types Chromium and Firefox share (dnr.AllTypes): header
// rules cover navigations (main_frame), which a condition without
// resourceTypes leaves out.
const ALL_TYPES = ['main_frame', 'sub_frame', 'stylesheet', 'script', 'image', 'font', 'object', 'xmlhttprequest',
  'ping', 'csp_report', 'media', 'websocket', 'other'];
// Rule priorities (dnr.PrioritySite, dnr.PriorityPause): above the static
// rulesets (upstream lists 1-3, our categories and headers 4).
const PRIORITY_SITE = 5;
const PRIORITY_PAUSE = 6;
const HAS_UPSTREAM = ((chrome.runtime.getManifest().declarative_net_request || {}).rule_resources || [])
  .some((r) => r.id === 'upstream');
const DEFAULTS = {
  version: 1,
  granted: [],        // categories granted everywhere (default: none)
  gpc: true,          // Sec-GPC: 1 and navigator.globalPrivacyControl
  dnt: false,         // DNT: 1
  params: true,       // strip tracking parameters from navigations
  banners: true,      // answer cookie banners
  sites: {},          // registrable domain -> {allow?: [...], block?: [...], paused?: bool, gpc?: bool, dnt?: bool}
};

// The settings are read from chrome.storage.local once per worker life and
// kept, until they change (putSettings here, storage.onChanged for writes
// from elsewhere); callers get their own copy.
let settingsCache = null;
async function getSettings() {
  if (!settingsCache) {
    const { settings } = await chrome.storage.local.get('settings');
    settingsCache = normalise(settings);
  }
  return structuredClone(settingsCache);
}

async function putSettings(s) {
  settingsCache = null;
  await chrome.storage.local.set({ settings: normalise(s) });
  settingsCache = null;
}

function normalise(s) {
  const out = Object.assign({}, DEFAULTS, { sites: {} }, s && typeof s === 'object' ? s : {});
  out.granted = Array.isArray(out.granted) ? out.granted.filter((c) => CATEGORIES.includes(c)) : [];
  out.sites = out.sites && typeof out.sites === 'object' ? out.sites : {};
  for (const k of ['gpc', 'dnt', 'params', 'banners']) out[k] = !!out[k];
  return out;
}

// siteGranted is what a site grants: the global choice plus the site's
// own allow list minus its block list (or, in imported settings, a site's
// complete granted list).
function siteGranted(settings, o) {
  if (Array.isArray(o.granted)) return o.granted.filter((c) => CATEGORIES.includes(c));
  const allow = Array.isArray(o.allow) ? o.allow : [];
  const block = Array.isArray(o.block) ? o.block : [];
  return CATEGORIES.filter((c) => (settings.granted.includes(c) || allow.includes(c)) && !block.includes(c));
}

function hasSiteChoice(o) {
  return Array.isArray(o.granted) || (Array.isArray(o.allow) && o.allow.length > 0) || (Array.isArray(o.block) && o.block.length > 0);
}

// stateFor is the consent state the core judges a site by.
function stateFor(settings, site) {
  const o = (site && settings.sites[site]) || {};
  return {
    granted: siteGranted(settings, o),
    gpc: typeof o.gpc === 'boolean' ? o.gpc : settings.gpc,
    dnt: typeof o.dnt === 'boolean' ? o.dnt : settings.dnt,
  };
}

function hostOf(url) {
  try { return new URL(url).hostname; } catch (e) { return ''; }
}

// ---------------------------------------------------------------- rules
// apply makes the enabled rulesets and the dynamic rules match the
// settings. Calls are serialised; each reads the settings afresh.
let applying = Promise.resolve();
function apply() {
  applying = applying.then(applyNow, applyNow);
  return applying;
}

const rulesetCache = {};
async function rulesetRules(id) {
  if (!rulesetCache[id]) {
    const r = await fetch(chrome.runtime.getURL('rules/' + id + '.json'));
    rulesetCache[id] = await r.json();
  }
  return rulesetCache[id];
}

// Per-site choices become dynamic rules scoped to the tab's top-level site
// (topDomains, Chromium): they cover the site's own requests and those of
// third-party frames on its pages. Browsers without topDomains (Firefox)
// scope them by the request's initiator instead, which leaves the
// requests of a third-party frame to the global choice.
let siteScope = globalThis.browser && browser.runtime && browser.runtime.getBrowserInfo ? 'initiatorDomains' : 'topDomains';

async function siteRules(settings, blocked, c) {
  const rules = [];
  let id = 1;
  const add = (r) => { r.id = id++; rules.push(r); };
  const scoped = (cond, site) => Object.assign({}, cond, { [siteScope]: [site] });
  for (const [site, o] of Object.entries(settings.sites)) {
    if (!o || typeof o !== 'object') continue;
    if (o.paused) {
      // Pause: nothing is blocked or changed on pages of this site.
      add({ priority: PRIORITY_PAUSE, action: { type: 'allowAllRequests' }, condition: { requestDomains: [site], resourceTypes: ['main_frame', 'sub_frame'] } });
      continue;
    }
    if (hasSiteChoice(o)) {
      const siteBlocked = new Set(c.blocked(stateFor(settings, site)));
      for (const cat of CATEGORIES) {
        if (blocked.has(cat) === siteBlocked.has(cat)) continue;
        // The site differs from the global choice: its requests get the
        // category's rules with the opposite action, at a higher priority.
        const type = siteBlocked.has(cat) ? 'block' : 'allow';
        for (const r of await rulesetRules(cat)) {
          add({ priority: PRIORITY_SITE, action: { type }, condition: scoped(r.condition, site) });
          if (type === 'allow' && EMBED_CATEGORIES.includes(cat)) {
            // An embed allowed on this site loads its own resources too.
            const cond = scoped(Object.assign({}, r.condition, { resourceTypes: ['sub_frame'] }), site);
            delete cond.excludedResourceTypes;
            add({ priority: PRIORITY_SITE, action: { type: 'allowAllRequests' }, condition: cond });
          }
        }
      }
    }
    // GPC and DNT switched for this site alone: the header set or removed
    // on the site's requests and those its pages make.
    for (const [key, header] of [['gpc', 'Sec-GPC'], ['dnt', 'DNT']]) {
      if (typeof o[key] !== 'boolean' || o[key] === settings[key]) continue;
      const op = o[key] ? { header, operation: 'set', value: '1' } : { header, operation: 'remove' };
      for (const cond of [{ requestDomains: [site], resourceTypes: ALL_TYPES }, { initiatorDomains: [site], resourceTypes: ALL_TYPES }]) {
        add({ priority: PRIORITY_SITE, action: { type: 'modifyHeaders', requestHeaders: [op] }, condition: cond });
      }
    }
  }
  return rules;
}

async function applyNow() {
  const settings = await getSettings();
  const c = await whenCore();
  const blocked = new Set(c.blocked(stateFor(settings, '')));
  const enable = [], disable = [];
  for (const cat of CATEGORIES) (blocked.has(cat) ? enable : disable).push(cat);
  (settings.gpc ? enable : disable).push('gpc');
  (settings.dnt ? enable : disable).push('dnt');
  (settings.params ? enable : disable).push('params');
  // The extra lists of the build (dnr.RulesetUpstream), if any: on while
  // any category is refused globally.
  if (HAS_UPSTREAM) (blocked.size > 0 ? enable : disable).push('upstream');
  // Only what differs is changed: every worker start applies, and most
  // find everything as it was.
  const on = new Set(await chrome.declarativeNetRequest.getEnabledRulesets());
  const toEnable = enable.filter((id) => !on.has(id));
  const toDisable = disable.filter((id) => on.has(id));
  if (toEnable.length || toDisable.length) {
    await chrome.declarativeNetRequest.updateEnabledRulesets({ enableRulesetIds: toEnable, disableRulesetIds: toDisable });
  }

  let rules = await siteRules(settings, blocked, c);
  const old = await chrome.declarativeNetRequest.getDynamicRules();
  if (!sameRules(old, rules)) {
    try {
      await chrome.declarativeNetRequest.updateDynamicRules({ removeRuleIds: old.map((r) => r.id), addRules: rules });
    } catch (e) {
      if (siteScope !== 'topDomains') throw e;
      // A browser without topDomains: scope the site's rules by initiator.
      console.warn('consentguard: no topDomains in this browser, per-site rules by initiator', e);
      siteScope = 'initiatorDomains';
      rules = await siteRules(settings, blocked, c);
      if (!sameRules(old, rules)) {
        await chrome.declarativeNetRequest.updateDynamicRules({ removeRuleIds: old.map((r) => r.id), addRules: rules });
      }
    }
  }
  await syncGPCScript(settings);
  await chrome.storage.session.set({ applied: Date.now() });
}

// sameRules: the browser's dynamic rules are the ones wanted (compared as
// canonical JSON, keys sorted: the browser may return them in its order).
function canonical(v) {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object') return '{' + Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  return JSON.stringify(v);
}
function sameRules(have, want) {
  if (have.length !== want.length) return false;
  const byId = (a, b) => a.id - b.id;
  return canonical([...have].sort(byId)) === canonical([...want].sort(byId));
}

// syncGPCScript registers gpc-off.js on the pages where GPC is off: every
// page but the sites switched on when GPC is off globally, else the sites
// switched off or paused.
function sitePatterns(site) {
  return ['*://' + site + '/*', '*://*.' + site + '/*'];
}

async function syncGPCScript(settings) {
  const on = [], off = [];
  for (const [site, o] of Object.entries(settings.sites)) {
    if (!o || typeof o !== 'object' || !/^[a-z0-9.-]+$/.test(site)) continue;
    if (o.paused || o.gpc === false) off.push(...sitePatterns(site));
    else if (o.gpc === true) on.push(...sitePatterns(site));
  }
  const script = { id: 'gpc-off', js: ['gpc-off.js'], runAt: 'document_start', allFrames: true, world: 'MAIN' };
  if (!settings.gpc) Object.assign(script, { matches: ['<all_urls>'], excludeMatches: on.length ? on : undefined });
  else if (off.length) script.matches = off;
  const have = await chrome.scripting.getRegisteredContentScripts({ ids: ['gpc-off'] });
  if (script.excludeMatches === undefined) delete script.excludeMatches;
  if (have.length && script.matches && sameScript(have[0], script)) return;
  if (have.length) await chrome.scripting.unregisterContentScripts({ ids: ['gpc-off'] });
  if (!script.matches) return;
  try {
    await chrome.scripting.registerContentScripts([Object.assign({ matchOriginAsFallback: true }, script)]);
  } catch (e) {
    // Browsers without matchOriginAsFallback for registered scripts.
    await chrome.scripting.registerContentScripts([script]);
  }
}

function sameScript(have, want) {
  const list = (x) => JSON.stringify([...(x || [])].sort());
  return list(have.matches) === list(want.matches) && list(have.excludeMatches) === list(want.excludeMatches) &&
    list(have.js) === list(want.js) && (have.runAt || 'document_idle') === want.runAt && !!have.allFrames === want.allFrames &&
    (have.world || 'ISOLATED') === want.world;
}

// ---------------------------------------------------------------- cookies
// Cookies the person did not consent to are removed as soon as they are
// set, in every partition. Decisions wait for the core; nothing is dropped.
function cookieURL(c) {
  const d = c.domain.replace(/^\./, '');
  return (c.secure ? 'https://' : 'http://') + d + c.path;
}

async function judgeCookie(c, settings) {
  const core = await whenCore();
  const site = core.siteOf(c.domain.replace(/^\./, ''));
  const o = settings.sites[site];
  if (o && o.paused) return;
  const d = core.decideCookie(c.name, c.domain.replace(/^\./, ''), stateFor(settings, site));
  if (!d || d.action !== 'block') return;
  await noteCookies([await removeCookie(c, site, d.category)].filter(Boolean));
}

// removeCookie removes a cookie and returns its log entry (null when the
// browser refused).
async function removeCookie(c, site, category) {
  const details = { url: cookieURL(c), name: c.name, storeId: c.storeId };
  if (c.partitionKey) details.partitionKey = c.partitionKey;
  try {
    await chrome.cookies.remove(details);
    return { site, name: c.name, category, at: Date.now() };
  } catch (e) {
    console.warn('consentguard: cannot remove cookie', c.name, e);
    return null;
  }
}

// judgeCookies judges many cookies with two calls into the core (each call
// costs tens of microseconds in a worker): their sites, then their
// decisions, one line per cookie. A cookie whose name or domain holds a
// line break or a tab (browsers refuse those) is judged on its own.
async function judgeCookies(list, settings) {
  const core = await whenCore();
  const odd = (x) => /[\n\t]/.test(x);
  const batch = list.filter((c) => !odd(c.name) && !odd(c.domain));
  for (const c of list) if (odd(c.name) || odd(c.domain)) await judgeCookie(c, settings);
  if (!batch.length) return;
  const domains = batch.map((c) => c.domain.replace(/^\./, ''));
  const sites = core.sitesOf(domains.join('\n')).split('\n');
  const states = [], index = new Map(), lines = [];
  batch.forEach((c, i) => {
    const o = settings.sites[sites[i]];
    if (o && o.paused) { lines.push(''); return; }
    if (!index.has(sites[i])) { index.set(sites[i], states.length); states.push(stateFor(settings, sites[i])); }
    lines.push(index.get(sites[i]) + '\t' + c.name + '\t' + domains[i]);
  });
  const out = core.decideCookies(lines.join('\n'), states);
  if (typeof out !== 'string') throw new Error((out && out.error) || 'decideCookies failed');
  const answers = out.split('\n');
  const removals = [];
  for (let i = 0; i < batch.length; i++) {
    if (!answers[i]) continue;
    const [action, category] = answers[i].split('\t');
    if (action === 'block') removals.push(removeCookie(batch[i], sites[i], category));
  }
  await noteCookies((await Promise.all(removals)).filter(Boolean));
}

// Cookies are judged in the order they came, in batches: whatever arrived
// while a batch was being judged (a page setting many cookies, the sweep)
// is judged together next.
let cookieChain = Promise.resolve();
let pendingCookies = [];
function queueCookies(list) {
  pendingCookies.push(...list);
  cookieChain = cookieChain.then(async () => {
    if (!pendingCookies.length) return;
    const batch = pendingCookies;
    pendingCookies = [];
    await judgeCookies(batch, await getSettings());
  }).catch((e) => console.warn(e));
  return cookieChain;
}
function queueCookie(c) { return queueCookies([c]); }

// sweep judges every stored cookie: run when the core is ready, so that a
// cookie set while the worker was down is removed once it is back.
async function sweep() {
  const seen = new Set();
  const all = [];
  const add = (list) => {
    for (const c of list) {
      const k = [c.storeId, c.domain, c.path, c.name, JSON.stringify(c.partitionKey || null)].join('|');
      if (!seen.has(k)) { seen.add(k); all.push(c); }
    }
  };
  // Every partition (CHIPS). Chromium's answer holds the unpartitioned
  // cookies too, and reading them again costs as much (about 70 ms per
  // thousand cookies): the second read is made only when the first had
  // none of them.
  let parts = null;
  try { parts = await chrome.cookies.getAll({ partitionKey: {} }); } catch (e) { /* no CHIPS support */ }
  if (parts) add(parts);
  if (!parts || !parts.some((c) => !c.partitionKey)) add(await chrome.cookies.getAll({}));
  await queueCookies(all);
}

// noteCookies adds removed cookies to the log the popup shows (the last 200).
async function noteCookies(entries) {
  if (!entries.length) return;
  const { cookieLog = [] } = await chrome.storage.session.get('cookieLog');
  cookieLog.push(...entries);
  await chrome.storage.session.set({ cookieLog: cookieLog.slice(-200) });
}

// ---------------------------------------------------------------- reports
// Per tab: the page, the blocked requests (judged by the core when the
// popup asks) and the banner handled. Writes are serialised.
let reportChain = Promise.resolve();
function updateReport(tabId, f) {
  if (tabId < 0) return reportChain;
  reportChain = reportChain.then(async () => {
    const key = 'tab:' + tabId;
    const got = await chrome.storage.session.get(key);
    const r = got[key] || { url: '', blocked: [], cmp: null };
    f(r);
    await chrome.storage.session.set({ [key]: r });
  }).catch((e) => console.warn(e));
  return reportChain;
}

function blockedError(err) {
  return /ERR_BLOCKED_BY_CLIENT|NS_ERROR_ABORT|BLOCKED/i.test(err || '');
}

async function report(tabId) {
  const got = await chrome.storage.session.get('tab:' + tabId);
  const r = got['tab:' + tabId] || { url: '', blocked: [], cmp: null };
  const settings = await getSettings();
  const c = await whenCore();
  const site = c.siteOf(r.url);
  const st = stateFor(settings, site);
  const counts = {};
  const items = r.blocked.map((b) => {
    const d = c.decide(b.url, r.url, b.type, st);
    const category = d.category === 'none' ? 'other' : d.category;
    counts[category] = (counts[category] || 0) + 1;
    return { url: b.url, type: b.type, category, vendor: d.vendorName || d.vendor, rule: d.rule, reason: d.reason };
  });
  return {
    url: r.url, site, counts, blocked: items, cmp: r.cmp,
    settings, state: st, siteSettings: settings.sites[site] || {},
    categories: CATEGORIES, gpcSent: st.gpc && !(settings.sites[site] || {}).paused,
  };
}

async function gpcJSON(url) {
  let origin;
  try { origin = new URL(url).origin; } catch (e) { return { checked: false }; }
  if (!/^https?:/.test(origin)) return { checked: false };
  const key = 'gpcjson:' + origin;
  const got = await chrome.storage.session.get(key);
  if (got[key]) return got[key];
  let res = { checked: true, honours: false };
  try {
    const r = await fetch(origin + '/.well-known/gpc.json', { credentials: 'omit', cache: 'no-store', redirect: 'error' });
    if (r.ok) {
      const j = await r.json();
      res = { checked: true, honours: j && j.gpc === true, lastUpdate: j && j.lastUpdate };
    }
  } catch (e) { res = { checked: true, honours: false, error: String(e.message || e) }; }
  await chrome.storage.session.set({ [key]: res });
  return res;
}

// ---------------------------------------------------------------- banners
let compactRules = null;
async function autoconsentRules(url, mainFrame) {
  if (!compactRules) compactRules = await (await fetch(chrome.runtime.getURL('compact-rules.json'))).json();
  return { autoconsent: [], compact: AutoConsentLib.filterCompactRules(compactRules, { url, mainFrame }) };
}

// A site whose banner was answered twice within LOOP_MS re-shows it: it is
// left alone for the session (no reload loops) and reported.
const LOOP_MS = 5 * 60 * 1000;

async function bannerMessage(msg, sender) {
  const tabId = sender.tab ? sender.tab.id : -1;
  const frameId = sender.frameId || 0;
  const url = sender.url || '';
  const settings = await getSettings();
  const c = await whenCore();
  const site = c.siteOf(url);
  const loopKey = 'banner:' + site;
  switch (msg.type) {
    case 'init': {
      const got = await chrome.storage.session.get(loopKey);
      const hist = got[loopKey] || { done: [] };
      const recent = hist.done.filter((t) => Date.now() - t < LOOP_MS);
      const o = settings.sites[site] || {};
      const loop = recent.length >= 2;
      if (loop && frameId === 0) updateReport(tabId, (r) => { r.cmp = Object.assign({}, r.cmp, { loop: true }); });
      const enabled = settings.banners && !o.paused && !loop;
      const rules = await autoconsentRules(url, frameId === 0);
      const config = {
        enabled, autoAction: 'optOut', disabledCmps: [], enablePrehide: true, enableCosmeticRules: true,
        enableGeneratedRules: true, enableHeuristicDetection: true, enableHeuristicAction: false, heuristicMode: 'tier1',
        detectRetries: 20, isMainWorld: false, prehideTimeout: 2000, enableFilterList: false, enablePopupMutationObserver: false,
        logs: { lifecycle: false, rulesteps: false, detectionsteps: false, evals: false, errors: false, messages: false, waits: false },
      };
      await chrome.tabs.sendMessage(tabId, { type: 'initResp', config, rules }, { frameId });
      return;
    }
    case 'eval': {
      const fn = AutoConsentLib.evalSnippets[msg.snippetId];
      let result = false;
      if (fn) {
        try {
          const [r] = await chrome.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, world: 'MAIN', func: fn });
          result = r ? r.result : false;
        } catch (e) { result = false; }
      }
      await chrome.tabs.sendMessage(tabId, { id: msg.id, type: 'evalResp', result }, { frameId });
      return;
    }
    case 'popupFound':
      await updateReport(tabId, (r) => { r.cmp = Object.assign({}, r.cmp, { name: msg.cmp, found: true }); });
      return;
    case 'optOutResult':
      await updateReport(tabId, (r) => { r.cmp = Object.assign({}, r.cmp, { name: msg.cmp, result: msg.result ? 'rejected' : 'failed' }); });
      return;
    case 'autoconsentDone': {
      await updateReport(tabId, (r) => { r.cmp = Object.assign({}, r.cmp, { name: msg.cmp, done: true }); });
      const got = await chrome.storage.session.get(loopKey);
      const hist = got[loopKey] || { done: [] };
      hist.done = hist.done.filter((t) => Date.now() - t < LOOP_MS).concat([Date.now()]);
      await chrome.storage.session.set({ [loopKey]: hist });
      return;
    }
    default:
      return;
  }
}

const BANNER_TYPES = new Set(['init', 'eval', 'popupFound', 'optOutResult', 'optInResult', 'autoconsentDone', 'autoconsentError', 'report', 'cmpDetected', 'selfTestResult', 'visualDelay']);

// ---------------------------------------------------------------- click-to-load embeds
// embed.js (content script) asks about each iframe; the core decides and
// writes the placeholder (wasm/embed, the proxy's). "Load this once" is a
// session rule allowing exactly that URL as a frame in that tab, and all
// the frame loads (allowAllRequests: the player's own scripts and images
// are the vendor's too), dropped when the tab navigates or closes.
// "Always allow" is the per-site consent of the popup.
const EMBED_CATEGORIES = ['functional', 'social'];
const ONCE_PRIORITY = PRIORITY_PAUSE + 1; // over pause, per-site choices, our rulesets and the upstream lists

function exactURLCondition(url) {
  const u = url.split('#')[0];
  if (/[*^|]/.test(u)) return { regexFilter: '^' + u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$' };
  return { urlFilter: '|' + u + '|' };
}

let sessionChain = Promise.resolve();
function updateSession(f) {
  sessionChain = sessionChain.then(async () => {
    const have = await chrome.declarativeNetRequest.getSessionRules();
    await f(have);
  });
  const p = sessionChain;
  sessionChain = sessionChain.catch((e) => console.warn('consentguard: session rules', e));
  return p;
}

function allowOnce(tabId, url) {
  return updateSession(async (have) => {
    const id = have.reduce((m, r) => Math.max(m, r.id), 0) + 1;
    const condition = Object.assign(exactURLCondition(url), { resourceTypes: ['sub_frame'], tabIds: [tabId] });
    await chrome.declarativeNetRequest.updateSessionRules({ addRules: [{ id, priority: ONCE_PRIORITY, action: { type: 'allowAllRequests' }, condition }] });
  });
}

function dropOnce(tabId) {
  return updateSession(async (have) => {
    const ids = have.filter((r) => r.priority === ONCE_PRIORITY && (r.condition.tabIds || []).includes(tabId)).map((r) => r.id);
    if (ids.length) await chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: ids });
  });
}

async function embedMessage(msg, sender) {
  const settings = await getSettings();
  const c = await whenCore();
  const top = (sender.tab && sender.tab.url) || sender.url || '';
  const site = c.siteOf(top);
  if ((settings.sites[site] || {}).paused) return null;
  switch (msg.cgEmbed) {
    case 'judge': {
      const v = c.embed(String(msg.url || ''), sender.url || top, String(msg.width || ''), String(msg.height || ''),
        stateFor(settings, site), Array.isArray(msg.attrs) ? msg.attrs : []);
      if (v && v.error) throw new Error(v.error);
      if (v) v.css = c.embedCSS();
      return v;
    }
    case 'once':
      if (!sender.tab || !/^https?:/.test(String(msg.url))) throw new Error('no tab or URL');
      await allowOnce(sender.tab.id, String(msg.url));
      return true;
    case 'always': {
      if (!EMBED_CATEGORIES.includes(msg.category) || !site) throw new Error('cannot allow ' + msg.category + ' here');
      const o = Object.assign({}, settings.sites[site]);
      o.allow = (Array.isArray(o.allow) ? o.allow : []).filter((x) => x !== msg.category).concat([msg.category]);
      if (Array.isArray(o.block)) o.block = o.block.filter((x) => x !== msg.category);
      if (Array.isArray(o.granted) && !o.granted.includes(msg.category)) o.granted = o.granted.concat([msg.category]);
      settings.sites[site] = o;
      await putSettings(settings);
      await apply();
      return true;
    }
    default:
      throw new Error('unknown embed message ' + msg.cgEmbed);
  }
}

// ---------------------------------------------------------------- messages from the popup and options
async function uiMessage(msg) {
  switch (msg.cmd) {
    case 'report': return report(msg.tabId);
    case 'gpcjson': return gpcJSON(msg.url);
    case 'settings': return getSettings();
    case 'save': {
      await putSettings(msg.settings);
      await apply();
      return getSettings();
    }
    case 'ready': await whenCore(); await applying; return { ready: true, timing: globalThis.consentguardTiming };
    default: throw new Error('unknown command ' + msg.cmd);
  }
}

// ---------------------------------------------------------------- listeners (top level, synchronous)
chrome.runtime.onInstalled.addListener(() => { setup(); });
chrome.runtime.onStartup.addListener(() => { setup(); });

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.settings) apply();
});

chrome.cookies.onChanged.addListener((info) => {
  if (!info.removed) queueCookie(info.cookie);
});

chrome.webRequest.onBeforeRequest.addListener((d) => {
  if (d.type !== 'main_frame') return;
  updateReport(d.tabId, (r) => { r.url = d.url; r.blocked = []; r.cmp = null; });
  setBadge(d.tabId, 0);
  dropOnce(d.tabId); // "Load this once" is for one page view
}, { urls: ['<all_urls>'], types: ['main_frame'] });

// The badge is the number of blocked requests of the tab's page, the
// popup's list, in every browser (Firefox has no DNR action count).
function setBadge(tabId, n) {
  chrome.action.setBadgeText({ tabId, text: n ? String(n) : '' }).catch(() => { /* tab gone */ });
}

chrome.webRequest.onErrorOccurred.addListener((d) => {
  if (!blockedError(d.error)) return;
  updateReport(d.tabId, (r) => {
    // Once per URL and type: Firefox reports a blocked script twice (the
    // parser's speculative preload, then the element's own load).
    const dup = r.blocked.some((b) => b.url === d.url && b.type === d.type);
    if (!dup && r.blocked.length < 500) r.blocked.push({ url: d.url, type: d.type, at: Date.now() });
    setBadge(d.tabId, r.blocked.length);
  });
}, { urls: ['<all_urls>'] });


chrome.storage.onChanged.addListener((changes, area) => { if (area === 'local' && changes.settings) settingsCache = null; });

chrome.tabs.onRemoved.addListener((tabId) => { chrome.storage.session.remove('tab:' + tabId); dropOnce(tabId); });

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!msg || typeof msg !== 'object') return false;
  let p;
  if (msg.cmd) p = uiMessage(msg);
  else if (typeof msg.cgEmbed === 'string') p = embedMessage(msg, sender);
  else if (BANNER_TYPES.has(msg.type)) p = bannerMessage(msg, sender);
  else return false;
  p.then((v) => sendResponse({ ok: true, value: v }), (e) => sendResponse({ ok: false, error: String(e && e.message || e) }));
  return true;
});

// setup runs at install and browser start; apply and sweep also run on
// every worker start (below), once the core is ready.
async function setup() {
  const { settings } = await chrome.storage.local.get('settings');
  if (!settings) await putSettings({});
  await apply();
}

whenCore().then(async () => {
  await apply();
  await sweep();
});
