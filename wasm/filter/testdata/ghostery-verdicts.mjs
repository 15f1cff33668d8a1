// Prints Ghostery's verdict for every request, one JSON object a line, in input order:
//   {"i":N,"skip":true}                          url or frameUrl not http(s)/ws(s) (as bench-match.mjs)
//   {"i":N,"match":bool,"filter":"...","exception":"..."}
// Usage: node ghostery-verdicts.mjs <node_modules dir> <requests.jsonl> <list> [list...]
// List preprocessing and type mapping are those of ../shared/bench/anchors/bench-match.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [nm, requestsFile, ...listFiles] = process.argv.slice(2);
if (!nm || !requestsFile || listFiles.length === 0) {
  console.error('usage: node ghostery-verdicts.mjs <node_modules> <requests> <list...>');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(nm), '..', 'resolver.js'));
const { FiltersEngine, Request } = require('@ghostery/adblocker');

const TYPE_MAP = {
  document: 'sub_frame', stylesheet: 'stylesheet', image: 'image', media: 'media',
  font: 'font', script: 'script', xhr: 'xmlhttprequest', fetch: 'xmlhttprequest',
  websocket: 'websocket', ping: 'ping', other: 'other', eventsource: 'other',
  manifest: 'other', texttrack: 'other', sub_frame: 'sub_frame', xmlhttprequest: 'xmlhttprequest',
};
let content = '';
for (const f of listFiles) {
  content += fs.readFileSync(f, 'utf8').replace(/^\[Adblock\b.*\n/, '') + '\n';
}
content = content.replace(/^(@@)?\/.*\(\?.*/gm, '');
const engine = FiltersEngine.parse(content, {
  loadCosmeticFilters: false, integrityCheck: false, enableCompression: false, debug: true,
});
const ok = (u) => !!u && /^(https?|wss?):/.test(u);
const lines = fs.readFileSync(requestsFile, 'utf8').split('\n').filter((l) => l.trim());
const out = [];
lines.forEach((l, i) => {
  const { url, frameUrl, cpt } = JSON.parse(l);
  if (!ok(url) || !ok(frameUrl)) { out.push(JSON.stringify({ i, skip: true })); return; }
  const res = engine.match(Request.fromRawDetails({ url, sourceUrl: frameUrl, type: TYPE_MAP[cpt] || 'other' }));
  const o = { i, match: !!res.match };
  if (res.filter) o.filter = res.filter.rawLine || res.filter.toString();
  if (res.exception) o.exception = res.exception.rawLine || res.exception.toString();
  out.push(JSON.stringify(o));
});
process.stdout.write(out.join('\n') + '\n');
