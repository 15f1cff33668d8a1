// guard-ready.js: the extension core's start-up under node, without a browser.
//
//	node scripts/guard-ready.js bin/guard.wasm [runs]
//
// Each run is a fresh node process (a cold start, as a service worker's):
// it reads guard.wasm, compiles and instantiates it, runs it, and prints
// the milliseconds from the start of compilation to instantiated and to
// globalThis.consentguardReady() (the Go core's ready call), then the medians.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const wasmExec = path.join(execFileSync('go', ['env', 'GOROOT']).toString().trim(), 'lib', 'wasm', 'wasm_exec.js');

async function once(file) {
  require(wasmExec);
  const buf = fs.readFileSync(file);
  const go = new Go();
  const t0 = performance.now();
  let inst = 0;
  const ready = new Promise((resolve) => { globalThis.consentguardReady = () => resolve(performance.now()); });
  const { instance } = await WebAssembly.instantiate(buf, go.importObject);
  inst = performance.now();
  go.run(instance);
  const r = await ready;
  process.stdout.write(JSON.stringify({ instantiate: inst - t0, goReady: r - inst, total: r - t0 }) + "\n");
  process.exit(0);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const [file, runsArg, child] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/guard-ready.js guard.wasm [runs]');
  process.exit(2);
}
if (child === 'child') {
  once(file).catch((e) => { console.error(e); process.exit(1); });
} else {
  const runs = Number(runsArg || 9);
  const rs = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [__filename, file, '1', 'child']).toString();
    rs.push(JSON.parse(out));
  }
  const f = (k) => median(rs.map((r) => r[k])).toFixed(1);
  console.log(`${runs} cold starts of ${file}: median instantiate ${f('instantiate')} ms, Go start to ready ${f('goReady')} ms, total ${f('total')} ms`);
}
