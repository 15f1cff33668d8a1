// consentguard: cookie banners, answered with the person's choice by
// DuckDuckGo's autoconsent (autoconsent.js, loaded before this file). The
// background sends the rules and the configuration (reject all by default;
// off when the person turned banner answering off, paused the site, or the
// site re-showed its banner after being answered).
(function () {
  'use strict';
  if (!globalThis.AutoConsentLib || globalThis.__consentguardBanner) return;
  globalThis.__consentguardBanner = true;
  const AutoConsent = globalThis.AutoConsentLib.default;
  const consent = new AutoConsent((msg) => chrome.runtime.sendMessage(msg).catch(() => {}));
  chrome.runtime.onMessage.addListener((msg) => {
    if (msg && typeof msg.type === 'string') return Promise.resolve(consent.receiveMessageCallback(msg));
    return false;
  });
})();
