// Finds a consent banner and, with mode "reject" or "accept", clicks its
// button. Returns {cmp, clicked, text}. Known CMPs first, then TCF (which
// names no buttons) and a generic heuristic on button texts.
(function (mode) {
  var out = { cmp: '', clicked: '', text: '' };
  function visible(e) { return !!(e && (e.offsetWidth || e.offsetHeight || e.getClientRects().length)); }
  function q(root, sel) { try { return root.querySelector(sel); } catch (e) { return null; } }
  function label(e) { return (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 80); }
  var cmps = [
    ['onetrust', '#onetrust-banner-sdk, #onetrust-consent-sdk', '#onetrust-reject-all-handler, .ot-pc-refuse-all-handler', '#onetrust-accept-btn-handler'],
    ['cookiebot', '#CybotCookiebotDialog', '#CybotCookiebotDialogBodyButtonDecline', '#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll, #CybotCookiebotDialogBodyButtonAccept'],
    ['didomi', '#didomi-notice, #didomi-popup', '#didomi-notice-disagree-button, .didomi-continue-without-agreeing', '#didomi-notice-agree-button'],
    ['usercentrics', '#usercentrics-root, #usercentrics-cmp-ui', '[data-testid=uc-deny-all-button]', '[data-testid=uc-accept-all-button]']
  ];
  var root = null, btn = null;
  for (var i = 0; i < cmps.length && !out.cmp; i++) {
    var b = q(document, cmps[i][1]);
    if (!b) continue;
    out.cmp = cmps[i][0];
    root = b.shadowRoot || b;
    btn = q(root, mode === 'accept' ? cmps[i][3] : cmps[i][2]) || q(document, mode === 'accept' ? cmps[i][3] : cmps[i][2]);
  }
  var rejectRe = /^(reject|decline|refuse|deny|disagree|necessary only|only necessary|reject all|tout refuser|refuser|continuer sans accepter|alle ablehnen|ablehnen|nur notwendige|rechazar|rechazar todo|rechazar todas)/i;
  var acceptRe = /^(accept|agree|allow all|i agree|ok|got it|tout accepter|accepter|j'accepte|alle akzeptieren|akzeptieren|zustimmen|aceptar|aceptar todo|acepto)/i;
  if (!out.cmp && typeof window.__tcfapi === 'function') out.cmp = 'tcf';
  if (!btn) {
    var re = mode === 'accept' ? acceptRe : rejectRe;
    var all = document.querySelectorAll('button, a, [role=button], input[type=button], input[type=submit]');
    var any = false;
    for (var j = 0; j < all.length; j++) {
      var l = label(all[j]);
      if (!visible(all[j])) continue;
      if (rejectRe.test(l) || acceptRe.test(l)) any = true;
      if (!btn && re.test(l)) btn = all[j];
    }
    if (any && !out.cmp) out.cmp = 'generic';
    if (btn) root = btn.closest('[id*=cookie i], [class*=cookie i], [id*=consent i], [class*=consent i], [role=dialog], aside, footer, div') || btn.parentElement;
  }
  if (root) out.text = (root.innerText || '').trim().replace(/\s+/g, ' ').slice(0, 600);
  if (btn && mode !== 'detect' && visible(btn)) {
    out.clicked = label(btn) || btn.id || btn.tagName;
    btn.click();
  } else if (btn && mode !== 'detect') {
    out.clicked = label(btn) || btn.id || btn.tagName;
    btn.click();
  }
  return out;
})
