// consentguard: click-to-load embeds. An isolated-world content script in
// every frame, from document_start. Each iframe's URL goes to the
// background, which asks the Go core (embed(): the same placeholder as the
// proxy's, from wasm/embed); a non-granted functional or social embed is
// replaced by that placeholder. Nothing loads before a click: the frame's
// request is blocked by the category's DNR rules meanwhile. "Load this
// once" has the background allow exactly that URL in this tab (a session
// rule) and puts the frame back; "Always allow" records the category for
// this site (the popup's per-site consent) and puts back every embed of
// that category on the page. Clicks must be the person's (isTrusted).
(function () {
  'use strict';
  if (globalThis.__consentguardEmbed) return;
  globalThis.__consentguardEmbed = true;
  const asked = new WeakMap(); // iframe -> the src it was judged for
  const frames = new Map();    // placeholder -> its original iframe
  let styled = false;

  function send(msg) {
    return chrome.runtime.sendMessage(msg).then((r) => {
      if (!r || !r.ok) throw new Error(r ? r.error : 'no answer');
      return r.value;
    });
  }

  function style(css) {
    if (styled || !css) return;
    styled = true;
    try {
      // A constructed stylesheet: the page's CSP does not govern it.
      const s = new CSSStyleSheet();
      s.replaceSync(css);
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat([s]);
    } catch (e) {
      const st = document.createElement('style');
      st.textContent = css;
      (document.head || document.documentElement).appendChild(st);
    }
  }

  function check(f) {
    const src = f.src;
    if (!/^https?:/.test(src) || asked.get(f) === src || !f.isConnected) return;
    asked.set(f, src);
    const attrs = [];
    for (const a of f.attributes) if (a.name !== 'src') attrs.push([a.name, a.value]);
    send({ cgEmbed: 'judge', url: src, width: f.getAttribute('width') || '', height: f.getAttribute('height') || '', attrs })
      .then((v) => { if (v && v.html && f.isConnected && f.src === src) replace(f, v); })
      .catch((e) => console.warn('consentguard: embed', e));
  }

  function replace(f, v) {
    style(v.css);
    const doc = new DOMParser().parseFromString(v.html, 'text/html');
    const ph = document.importNode(doc.body.firstElementChild, true);
    frames.set(ph, f);
    ph.addEventListener('click', onClick);
    f.replaceWith(ph);
  }

  function restore(ph) {
    const f = frames.get(ph);
    if (!f || !ph.isConnected) return null;
    frames.delete(ph);
    asked.set(f, f.src); // judged: not replaced again
    ph.replaceWith(f);   // inserted again, the frame loads its src
    return f;
  }

  function fail(ph, b) {
    b.disabled = false;
    const n = ph.querySelector('.cg-embed-note') || ph.querySelector('.cg-embed-text');
    if (n) { n.setAttribute('role', 'alert'); n.textContent = 'Your choice could not be saved. Please try again.'; }
  }

  function onClick(ev) {
    const ph = ev.currentTarget;
    const b = ev.target && ev.target.closest && ev.target.closest('[data-cg-action]');
    if (!b || !ev.isTrusted) return;
    ev.preventDefault();
    b.disabled = true;
    const url = ph.getAttribute('data-cg-src');
    if (b.getAttribute('data-cg-action') === 'always') {
      const cat = ph.getAttribute('data-cg-category');
      send({ cgEmbed: 'always', category: cat }).then(() => {
        let first = null;
        for (const other of Array.from(frames.keys())) {
          if (other.getAttribute('data-cg-category') !== cat) continue;
          const f = restore(other);
          if (other === ph) first = f;
        }
        if (first) first.focus();
      }).catch(() => fail(ph, b));
      return;
    }
    send({ cgEmbed: 'once', url }).then(() => {
      const f = restore(ph);
      if (f) f.focus();
    }).catch(() => fail(ph, b));
  }

  function scan(node) {
    if (node.nodeType !== 1) return;
    if (node.tagName === 'IFRAME') check(node);
    else if (node.firstElementChild) node.querySelectorAll('iframe').forEach(check);
  }

  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') { if (r.target.tagName === 'IFRAME') check(r.target); continue; }
      r.addedNodes.forEach(scan);
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['src'] });
  if (document.documentElement) scan(document.documentElement);
})();
