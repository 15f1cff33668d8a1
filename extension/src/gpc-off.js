// consentguard: GPC is off on this page (switched off globally or for this
// site, or the site is paused). Registered by the background for exactly
// those pages; read by gpc.js. Runs in the page's (MAIN) world.
self[Symbol.for('consentguard.gpc.off')] = true;
