// DOM-less node harness for the consentguard guard. Usage:
//   node harness.js GUARD.js CASES.json
// It stubs fetch, XMLHttpRequest, navigator.sendBeacon, document.cookie and
// location, runs the guard, performs each case and prints, as JSON, for each
// case whether the call reached the underlying (stubbed) API.
"use strict";
const fs = require("fs");
const vm = require("vm");

const reached = [];
let cookieJar = [];

class Doc {}
Object.defineProperty(Doc.prototype, "cookie", {
	configurable: true,
	enumerable: true,
	get() { return cookieJar.join("; "); },
	set(v) { reached.push("cookie " + v); cookieJar.push(String(v).split(";")[0]); },
});
globalThis.document = new Doc();
globalThis.document.baseURI = "https://shop.example/page/";
globalThis.location = { href: "https://shop.example/page/" };
globalThis.fetch = function (u) { reached.push("fetch " + (u && u.url || u)); return Promise.resolve({ ok: true }); };
globalThis.XMLHttpRequest = class {
	open(m, u) { this.u = u; reached.push("open " + u); }
	send() { reached.push("send " + this.u); }
	dispatchEvent(e) { reached.push("event " + e.type + " " + this.u); return true; }
};
Object.defineProperty(globalThis, "navigator", {
	configurable: true, writable: true,
	value: { sendBeacon(u) { reached.push("beacon " + u); return true; } },
});

const guard = fs.readFileSync(process.argv[2], "utf8");
const cases = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
vm.runInThisContext(guard, { filename: "guard.js" });
// A second copy must not wrap twice.
vm.runInThisContext(guard, { filename: "guard2.js" });

(async () => {
	const out = [];
	for (const c of cases) {
		const before = reached.length;
		let result = null, error = null;
		try {
			switch (c.kind) {
			case "fetch":
				await fetch(c.arg).then(() => { result = "resolved"; }, (e) => { result = "rejected " + e.name; });
				break;
			case "fetch-request":
				await fetch({ url: c.arg }).then(() => { result = "resolved"; }, (e) => { result = "rejected " + e.name; });
				break;
			case "xhr": {
				const x = new XMLHttpRequest();
				x.open("POST", c.arg);
				x.send("payload");
				await new Promise((r) => setTimeout(r, 5));
				break;
			}
			case "beacon":
				result = navigator.sendBeacon(c.arg, "data");
				break;
			case "cookie":
				document.cookie = c.arg;
				break;
			default:
				throw new Error("unknown kind " + c.kind);
			}
		} catch (e) {
			error = String(e);
		}
		out.push({ reached: reached.slice(before), result, error });
	}
	out.push({ reached: [], result: globalThis.__consentguard ? globalThis.__consentguard.blocked : null, error: null });
	process.stdout.write(JSON.stringify(out));
})();
