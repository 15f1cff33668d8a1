// Loads guard.wasm under node and runs the calls given as JSON on argv[3]:
// [["decide", url, page, type, state], ...]; prints one JSON result per call.
'use strict';
const fs = require('fs');
const path = require('path');
const wasmExec = process.env.WASM_EXEC;
require(wasmExec);
const go = new globalThis.Go();
const calls = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
globalThis.consentguardReady = () => {
  const out = calls.map(([fn, ...args]) => globalThis.consentguard[fn](...args));
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
};
WebAssembly.instantiate(fs.readFileSync(process.argv[2]), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((e) => { console.error(e); process.exit(1); });
