// Runs the edge's injected head script in a DOM-less node VM and prints what
// it set up. Usage: node inject-harness.js SCRIPT.js
"use strict";
const fs = require("fs");
const vm = require("vm");
const src = fs.readFileSync(process.argv[2], "utf8");
class Navigator {}
const navigator = new Navigator();
const listeners = {};
const document = {
	readyState: "loading", addEventListener: (e, f) => { listeners[e] = f; }, cookie: "",
	createElement: () => ({}), getElementById: () => null, querySelector: () => null, body: null,
	baseURI: "https://harbor.example/",
};
const window = { navigator, document, location: { href: "https://harbor.example/", pathname: "/", search: "" } };
window.window = window;
const ctx = vm.createContext(Object.assign(window, {
	Navigator, globalThis: window, fetch: () => Promise.resolve("ok"), XMLHttpRequest: function () {},
}));
let error = null;
try { vm.runInContext(src, ctx); } catch (e) { error = String(e); }
console.log(JSON.stringify({
	error,
	gpc: ctx.navigator.globalPrivacyControl === true,
	dataLayer: (ctx.dataLayer || []).map((a) => Array.from(a)),
	domReady: typeof listeners.DOMContentLoaded === "function",
}));
