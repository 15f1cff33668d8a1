// consentguard popup: the current tab's site, what was blocked and why,
// consent per category (everywhere and for this site), pause, GPC.
'use strict';

function send(msg) {
  return chrome.runtime.sendMessage(msg).then((r) => {
    if (!r || !r.ok) throw new Error(r ? r.error : 'no answer');
    return r.value;
  });
}

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

// The tab is the active one, or ?tab=ID (tests and the phone layout open
// the popup as a page).
async function currentTab() {
  const q = new URLSearchParams(location.search).get('tab');
  if (q) return chrome.tabs.get(Number(q));
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab;
}

let rep = null;
let tab = null;

async function save(mutate) {
  const s = await send({ cmd: 'settings' });
  mutate(s);
  await send({ cmd: 'save', settings: s });
  await render();
  document.body.dataset.saved = String(Date.now());
}

function siteEntry(s) {
  if (!s.sites[rep.site]) s.sites[rep.site] = {};
  return s.sites[rep.site];
}

async function render() {
  tab = await currentTab();
  rep = await send({ cmd: 'report', tabId: tab.id });
  const s = rep.settings;
  const site = rep.site || '(no site)';
  document.getElementById('site').textContent = site;
  const paused = !!rep.siteSettings.paused;
  document.getElementById('pause').checked = paused;
  document.getElementById('status').textContent = paused ? 'Paused: nothing is blocked on this site.' : 'Protected.';
  const counts = document.getElementById('counts');
  counts.replaceChildren();
  let total = 0;
  for (const [cat, n] of Object.entries(rep.counts).sort()) {
    total += n;
    counts.append(el('li', cat + ': ' + n, { 'data-category': cat }));
  }
  document.getElementById('total').textContent = String(total);
  const list = document.getElementById('blocked');
  list.replaceChildren();
  for (const b of rep.blocked) {
    const li = el('li');
    li.append(el('code', b.url), el('br'), el('span', b.category + (b.vendor ? ' (' + b.vendor + ')' : '') + ': ' + b.reason + (b.rule ? ' [' + b.rule + ']' : ''), { class: 'muted' }));
    list.append(li);
  }
  const tbody = document.querySelector('#consent tbody');
  tbody.replaceChildren();
  const ss = rep.siteSettings;
  const siteList = (k) => (Array.isArray(ss[k]) ? ss[k] : []);
  for (const cat of rep.categories) {
    const tr = el('tr');
    tr.append(el('td', cat));
    const g = el('input', undefined, { type: 'checkbox', 'data-global': cat, 'aria-label': cat + ' everywhere' });
    g.checked = s.granted.includes(cat);
    g.addEventListener('change', () => save((x) => {
      x.granted = x.granted.filter((c) => c !== cat);
      if (g.checked) x.granted.push(cat);
    }));
    const sel = el('select', undefined, { 'data-site': cat, 'aria-label': cat + ' on this site' });
    for (const [v, t] of [['default', 'as everywhere'], ['allow', 'allow'], ['block', 'block']]) sel.append(el('option', t, { value: v }));
    sel.value = Array.isArray(ss.granted) ? (ss.granted.includes(cat) ? 'allow' : 'block')
      : siteList('allow').includes(cat) ? 'allow' : siteList('block').includes(cat) ? 'block' : 'default';
    sel.disabled = !rep.site;
    sel.addEventListener('change', () => save((x) => {
      const e = siteEntry(x);
      if (Array.isArray(e.granted)) {
        // An imported complete list becomes allow/block choices.
        e.allow = e.granted.filter((c) => !x.granted.includes(c));
        e.block = x.granted.filter((c) => !e.granted.includes(c));
        delete e.granted;
      }
      e.allow = (e.allow || []).filter((c) => c !== cat);
      e.block = (e.block || []).filter((c) => c !== cat);
      if (sel.value === 'allow') e.allow.push(cat);
      if (sel.value === 'block') e.block.push(cat);
    }));
    const td1 = el('td'); td1.append(g);
    const td2 = el('td'); td2.append(sel);
    tr.append(td1, td2);
    tbody.append(tr);
  }
  document.getElementById('gpc').textContent = rep.gpcSent ? 'GPC sent to this site (Sec-GPC: 1).' : 'GPC not sent to this site.';
  document.getElementById('sitegpc').checked = rep.state.gpc;
  document.getElementById('sitegpc').disabled = !rep.site;
  document.getElementById('sitednt').checked = rep.state.dnt;
  document.getElementById('sitednt').disabled = !rep.site;
  const cmp = rep.cmp;
  document.getElementById('cmp').textContent = !cmp ? 'No banner handled on this page.'
    : cmp.loop ? 'The banner came back after being answered: left alone on this site.'
    : (cmp.name || 'A banner') + ': ' + (cmp.result === 'rejected' || cmp.done ? 'rejected' : cmp.result === 'failed' ? 'could not be answered' : 'found');
  document.body.dataset.ready = 'true';
  gpcJSON();
}

async function gpcJSON() {
  const p = document.getElementById('gpcjson');
  if (!rep.url || !/^https?:/.test(rep.url)) { p.textContent = ''; return; }
  const r = await send({ cmd: 'gpcjson', url: rep.url });
  p.textContent = !r.checked ? '' : r.honours ? 'The site declares it honours GPC (/.well-known/gpc.json).' : 'The site does not declare that it honours GPC.';
}

document.getElementById('pause').addEventListener('change', (e) => save((x) => { siteEntry(x).paused = e.target.checked; }));
// A site's signal switched to the global value follows the global one again.
function siteSignal(x, key, on) {
  const e = siteEntry(x);
  if (on === !!x[key]) delete e[key]; else e[key] = on;
}
document.getElementById('sitegpc').addEventListener('change', (e) => save((x) => siteSignal(x, 'gpc', e.target.checked)));
document.getElementById('sitednt').addEventListener('change', (e) => save((x) => siteSignal(x, 'dnt', e.target.checked)));
render().catch((e) => { document.getElementById('status').textContent = 'Error: ' + e.message; });
