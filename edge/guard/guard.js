// consentguard runtime guard. Injected at the start of <head> by the edge
// proxy. It blocks requests to non-consented tracker hosts made later by the
// page's JavaScript and drops writes of non-consented cookies. The data
// object (h: host suffixes, c: exact cookie names, p: cookie name prefixes,
// a: 1 when every hyperlink-auditing ping goes, b: path signatures that
// block a sendBeacon to any host; s: path signatures that block every
// request on any host) replaces __CG_DATA__ per request; the
// rest is minified once.
(function () {
	"use strict";
	var C = __CG_DATA__;
	var g = typeof globalThis !== "undefined" ? globalThis : window;
	if (g.__consentguard) {
		return;
	}
	var hosts = C.h || [], names = C.c || [], prefixes = C.p || [], allPings = !!C.a, beaconSigs = C.b || [], pathList = C.s || [];
	var state = { blocked: [], hosts: hosts };
	// URLs of click-to-load placeholders the visitor clicked: the restore
	// script (wasm/embed) asks for each, with the click.
	var allowed = new Set();
	state.allowEmbed = function (ev, src) {
		try {
			var t = ev && ev.isTrusted && ev.target;
			if (!t || !t.closest || !t.closest("[data-cg-embed] [data-cg-action]")) {
				return false;
			}
			var list = g.document.querySelectorAll("[data-cg-embed]");
			for (var i = 0; i < list.length; i++) {
				if (list[i].getAttribute("data-cg-src") === src) {
					allowed.add(new URL(String(src), base()).href);
					return true;
				}
			}
		} catch (e) {}
		return false;
	};
	try {
		Object.defineProperty(g, "__consentguard", { value: state });
	} catch (e) {}

	function note(kind, what) {
		if (state.blocked.length < 200) {
			state.blocked.push(kind + " " + what);
		}
	}

	function base() {
		try {
			if (g.document && g.document.baseURI) {
				return g.document.baseURI;
			}
			if (g.location && g.location.href) {
				return g.location.href;
			}
		} catch (e) {}
		return undefined;
	}

	// Host suffixes in a Set: a lookup costs one probe per label of the
	// host, however long the list is.
	var hostSet = new Set();
	for (var hi = 0; hi < hosts.length; hi++) {
		hostSet.add(String(hosts[hi]).toLowerCase());
	}

	function hostBlocked(h) {
		h = h.toLowerCase();
		if (h.charAt(h.length - 1) === ".") {
			h = h.slice(0, -1);
		}
		for (;;) {
			if (hostSet.has(h)) {
				return true;
			}
			var dot = h.indexOf(".");
			if (dot < 0) {
				return false;
			}
			h = h.slice(dot + 1);
		}
	}

	// Path signatures that block every request on any host (s), parsed
	// once: [literal path, open?, params, anchored?], each param [name,
	// value, prefix?] (catalog.ParsePath: an empty value or one ending in
	// '*' or '-' is a prefix). Only signatures without a '*' but a last one.
	var pathSigs = [];
	for (var pi = 0; pi < pathList.length; pi++) {
		var sq = String(pathList[pi]), qi = sq.indexOf("?");
		var sp = qi < 0 ? sq : sq.slice(0, qi);
		var prm = [];
		if (qi >= 0) {
			var kvs = sq.slice(qi + 1).split("&");
			for (var ki = 0; ki < kvs.length; ki++) {
				var eq = kvs[ki].indexOf("="), nm = eq < 0 ? kvs[ki] : kvs[ki].slice(0, eq), val = eq < 0 ? "" : kvs[ki].slice(eq + 1);
				var star = val.charAt(val.length - 1) === "*";
				prm.push([nm, star ? val.slice(0, -1) : val, val === "" || star || val.charAt(val.length - 1) === "-"]);
			}
		}
		var open = sp.charAt(sp.length - 1) === "*";
		// As wasm/tracker indexes them: a signature whose first segment (up
		// to an '@' after its first byte) has the '*' matches the whole path
		// only; the others at every path prefix.
		var at = sp.indexOf("@");
		var anchored = open && sp.indexOf("/", 1) < 0 && !(at > 1);
		pathSigs.push([open ? sp.slice(0, -1) : sp, open || sp.charAt(sp.length - 1) === "/", prm, anchored]);
	}

	// sigHasParam: the raw query (without "?") carries the parameter.
	function sigHasParam(p, q) {
		var kvs = q.split("&");
		for (var i = 0; i < kvs.length; i++) {
			var kv = kvs[i];
			if (kv.slice(0, p[0].length) !== p[0]) {
				continue;
			}
			var rest = kv.slice(p[0].length);
			if (rest !== "" && rest.charAt(0) !== "=") {
				continue;
			}
			rest = rest.slice(1);
			if (p[2] ? rest.slice(0, p[1].length) === p[1] : rest === p[1]) {
				return true;
			}
		}
		return false;
	}

	// sigMatch: path (from one '/' on) matches a signature's path part: the
	// whole path or a prefix ending at a '/', any prefix when open.
	function sigMatch(sg, path, query) {
		var lit = sg[0];
		if (path.slice(0, lit.length) !== lit) {
			return false;
		}
		if (!sg[1] && path.length !== lit.length && path.charAt(lit.length) !== "/") {
			return false;
		}
		for (var i = 0; i < sg[2].length; i++) {
			if (!sigHasParam(sg[2][i], query)) {
				return false;
			}
		}
		return true;
	}

	// pathBlocked: the path, or (for signatures keyed by a literal first
	// segment) some suffix of it starting at a '/', matches a signature (an
	// SDK's npm package on a public CDN, a first-party proxy's endpoint).
	function pathBlocked(path, query) {
		for (var sub = path; sub; ) {
			for (var i = 0; i < pathSigs.length; i++) {
				if ((sub === path || !pathSigs[i][3]) && sigMatch(pathSigs[i], sub, query)) {
					return true;
				}
			}
			var j = sub.indexOf("/", 1);
			if (j < 0) {
				return false;
			}
			sub = sub.slice(j);
		}
		return false;
	}

	// blocked reports whether a URL (string, URL or Request) points at a
	// blocked host or matches a blocked path signature (pathSigs).
	function blocked(u) {
		if ((!hosts.length && !pathSigs.length) || u == null) {
			return false;
		}
		try {
			if (typeof u === "object" && typeof u.url === "string") {
				u = u.url;
			}
			var p = new URL(String(u), base());
			if (p.protocol !== "http:" && p.protocol !== "https:" && p.protocol !== "ws:" && p.protocol !== "wss:") {
				return false;
			}
			if (allowed.size && allowed.has(p.href)) {
				return false;
			}
			return hostBlocked(p.hostname) || (pathSigs.length > 0 && pathBlocked(p.pathname, p.search.slice(1)));
		} catch (e) {
			return false;
		}
	}

	// Cookies.
	function cookieBlocked(name) {
		if (names.indexOf(name) >= 0) {
			return true;
		}
		for (var i = 0; i < prefixes.length; i++) {
			if (name.slice(0, prefixes[i].length) === prefixes[i]) {
				return true;
			}
		}
		return false;
	}

	function cookieName(v) {
		v = String(v);
		var semi = v.indexOf(";");
		if (semi >= 0) {
			v = v.slice(0, semi);
		}
		var eq = v.indexOf("=");
		return (eq >= 0 ? v.slice(0, eq) : "").trim();
	}

	function findDescriptor(o, p) {
		while (o) {
			var d = Object.getOwnPropertyDescriptor(o, p);
			if (d) {
				return [o, d];
			}
			o = Object.getPrototypeOf(o);
		}
		return null;
	}

	if ((names.length || prefixes.length) && g.document) {
		var cd = findDescriptor(g.document, "cookie");
		if (cd && cd[1].set && cd[1].configurable) {
			var cset = cd[1].set, cget = cd[1].get;
			Object.defineProperty(cd[0], "cookie", {
				configurable: true,
				enumerable: cd[1].enumerable,
				get: function () {
					return cget.call(this);
				},
				set: function (v) {
					var n = cookieName(v);
					if (cookieBlocked(n)) {
						note("cookie", n);
						return;
					}
					cset.call(this, v);
				}
			});
		}
		var cs = g.cookieStore;
		if (cs && typeof cs.set === "function") {
			var csSet = cs.set;
			cs.set = function (a) {
				var n = typeof a === "object" && a ? String(a.name) : String(a);
				if (cookieBlocked(n)) {
					note("cookie", n);
					return Promise.resolve();
				}
				return csSet.apply(this, arguments);
			};
		}
	}

	// Path signatures (wasm/catalog): the path pattern ('*' any run; a
	// whole path, or a prefix ending at '/'; one ending in '/' or '*' any
	// path it prefixes), matched from any '/' of the path on, and the query
	// parameters that must all be present (value "" or ending in '-' or
	// '*': a prefix).
	var sigs = [];
	for (var si = 0; si < beaconSigs.length; si++) {
		var sg = String(beaconSigs[si]), qm = sg.indexOf("?"), pat = qm < 0 ? sg : sg.slice(0, qm), last = pat.charAt(pat.length - 1);
		var body = pat.split("*").map(function (x) {
			return x.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&");
		}).join(".*");
		var open = last === "/" || (last === "*" && pat.indexOf("*") >= 0);
		var params = [];
		if (qm >= 0) {
			sg.slice(qm + 1).split("&").forEach(function (kv) {
				var e = kv.indexOf("="), v = e < 0 ? "" : kv.slice(e + 1), pre = v === "" || v.slice(-1) === "-";
				if (v.slice(-1) === "*") {
					v = v.slice(0, -1);
					pre = true;
				}
				params.push([e < 0 ? kv : kv.slice(0, e), v, pre]);
			});
		}
		// Unanchored: the pattern starts with '/' (or '*'), so a match starts
		// at a '/': at any path prefix, as wasm/tracker matches signatures
		// without domain= ("/metrics/g/collect" behind a first-party proxy).
		sigs.push([new RegExp(body + (open ? "" : "(?:/|$)")), params]);
	}

	function beaconSigBlocked(u) {
		if (!sigs.length || u == null) {
			return false;
		}
		try {
			var p = new URL(String(u), base());
			if (allowed.has(p.href)) {
				return false;
			}
			var q = p.search.slice(1);
			for (var i = 0; i < sigs.length; i++) {
				if (sigs[i][0].test(p.pathname) && sigs[i][1].every(function (x) { return sigHasParam(x, q); })) {
					return true;
				}
			}
		} catch (e) {}
		return false;
	}

	if (!hosts.length && !sigs.length && !allPings && !pathSigs.length) {
		return;
	}

	// fetch.
	if (typeof g.fetch === "function") {
		var ofetch = g.fetch;
		g.fetch = function (input) {
			if (blocked(input)) {
				note("fetch", String(input && input.url || input));
				return Promise.reject(new TypeError("consentguard: blocked"));
			}
			return ofetch.apply(this, arguments);
		};
	}

	// XMLHttpRequest: open marks, send refuses and reports an error event.
	var X = g.XMLHttpRequest;
	if (X && X.prototype) {
		var oopen = X.prototype.open, osend = X.prototype.send;
		X.prototype.open = function (m, u) {
			this.__cgb = blocked(u);
			if (this.__cgb) {
				note("xhr", String(u));
				return;
			}
			return oopen.apply(this, arguments);
		};
		X.prototype.send = function () {
			if (this.__cgb) {
				var x = this;
				setTimeout(function () {
					if (typeof x.dispatchEvent === "function" && typeof Event === "function") {
						x.dispatchEvent(new Event("error"));
						x.dispatchEvent(new Event("loadend"));
					} else if (typeof x.onerror === "function") {
						x.onerror();
					}
				}, 0);
				return;
			}
			return osend.apply(this, arguments);
		};
	}

	// sendBeacon: to a blocked host, or to any host (the site's own
	// included: first-party proxies of analytics tags) at a path signature
	// of a category not allowed.
	var nav = g.navigator;
	if (nav && typeof nav.sendBeacon === "function") {
		var obeacon = nav.sendBeacon;
		nav.sendBeacon = function (u) {
			if (blocked(u) || beaconSigBlocked(u)) {
				note("beacon", String(u));
				return false;
			}
			return obeacon.apply(this, arguments);
		};
	}

	// WebSocket and EventSource.
	["WebSocket", "EventSource"].forEach(function (k) {
		var O = g[k];
		if (typeof O !== "function") {
			return;
		}
		var W = function (u) {
			if (blocked(u)) {
				note(k.toLowerCase(), String(u));
				throw new DOMException("consentguard: blocked", "SecurityError");
			}
			return Reflect.construct(O, arguments, new.target || O);
		};
		W.prototype = O.prototype;
		try {
			Object.setPrototypeOf(W, O);
			g[k] = W;
		} catch (e) {}
	});

	// DOM: element URL attributes.
	if (typeof g.Element !== "function") {
		return;
	}
	var urlAttr = { SCRIPT: "src", IMG: "src", IFRAME: "src", EMBED: "src", SOURCE: "src", AUDIO: "src", VIDEO: "src", LINK: "href", OBJECT: "data", INPUT: "src", FRAME: "src" };

	function elemBlocked(el) {
		var a = el && el.tagName && urlAttr[el.tagName.toUpperCase()];
		if (!a || !el.getAttribute) {
			return false;
		}
		var v = el.getAttribute(a);
		if (v != null && blocked(v)) {
			return true;
		}
		var t = el.tagName.toUpperCase();
		if ((t === "IMG" || t === "SOURCE") && el.getAttribute("srcset") != null) {
			return srcsetBlocked(el.getAttribute("srcset"));
		}
		return false;
	}

	// pingBlocked: a hyperlink-auditing ping list (URLs separated by spaces).
	function pingBlocked(v) {
		if (allPings && String(v).trim()) {
			return true; // hyperlink auditing is click tracking: analytics, whatever the host
		}
		var parts = String(v).split(/\s+/);
		for (var i = 0; i < parts.length; i++) {
			if (parts[i] && blocked(parts[i])) {
				return true;
			}
		}
		return false;
	}

	function srcsetBlocked(v) {
		var parts = String(v).split(",");
		for (var i = 0; i < parts.length; i++) {
			var u = parts[i].trim().split(/\s+/)[0];
			if (u && blocked(u)) {
				return true;
			}
		}
		return false;
	}

	function neuter(el, why) {
		note(why, el.tagName.toLowerCase() + " " + (el.getAttribute(urlAttr[el.tagName.toUpperCase()]) || ""));
		var a = urlAttr[el.tagName.toUpperCase()];
		oRemoveAttr.call(el, a);
		oRemoveAttr.call(el, "srcset");
		if (el.tagName.toUpperCase() === "SCRIPT") {
			oSetAttr.call(el, "type", "text/plain");
		}
		oSetAttr.call(el, "data-consentguard", "blocked");
	}

	var EP = g.Element.prototype;
	var oSetAttr = EP.setAttribute, oRemoveAttr = EP.removeAttribute;

	// Property setters (script.src = ..., img.src = ..., new Image().src).
	[["HTMLScriptElement", "src"], ["HTMLImageElement", "src"], ["HTMLImageElement", "srcset"], ["HTMLIFrameElement", "src"],
	 ["HTMLEmbedElement", "src"], ["HTMLSourceElement", "src"], ["HTMLSourceElement", "srcset"], ["HTMLMediaElement", "src"],
	 ["HTMLLinkElement", "href"], ["HTMLObjectElement", "data"], ["HTMLInputElement", "src"],
	 ["HTMLAnchorElement", "ping"], ["HTMLAreaElement", "ping"]].forEach(function (pa) {
		var K = g[pa[0]];
		if (!K || !K.prototype) {
			return;
		}
		var d = Object.getOwnPropertyDescriptor(K.prototype, pa[1]);
		if (!d || !d.set || !d.configurable) {
			return;
		}
		var set = d.set;
		var test = pa[1] === "srcset" ? srcsetBlocked : pa[1] === "ping" ? pingBlocked : blocked;
		Object.defineProperty(K.prototype, pa[1], {
			configurable: true,
			enumerable: d.enumerable,
			get: d.get,
			set: function (v) {
				if (test(v)) {
					note(this.tagName.toLowerCase(), String(v));
					oSetAttr.call(this, "data-consentguard", "blocked");
					if (this.tagName.toUpperCase() === "SCRIPT") {
						oSetAttr.call(this, "type", "text/plain");
					}
					return;
				}
				set.call(this, v);
			}
		});
	});

	// setAttribute("src", ...).
	EP.setAttribute = function (n, v) {
		var l = String(n).toLowerCase();
		var t = this.tagName && this.tagName.toUpperCase();
		if ((urlAttr[t] === l && blocked(v)) || (l === "srcset" && (t === "IMG" || t === "SOURCE") && srcsetBlocked(v)) ||
			(l === "ping" && (t === "A" || t === "AREA") && pingBlocked(v))) {
			note(t.toLowerCase(), String(v));
			oSetAttr.call(this, "data-consentguard", "blocked");
			if (t === "SCRIPT") {
				oSetAttr.call(this, "type", "text/plain");
			}
			return;
		}
		return oSetAttr.apply(this, arguments);
	};

	// Insertion: check the node (and, for fragments and subtrees, its
	// descendants) before it reaches the document.
	function check(n) {
		if (!n || n.nodeType !== 1 && n.nodeType !== 11) {
			return;
		}
		if (n.nodeType === 1) {
			fix(n);
		}
		if (n.querySelectorAll) {
			var list = n.querySelectorAll("script[src],img[src],img[srcset],iframe[src],embed[src],link[href],object[data],source[src],source[srcset],frame[src],a[ping],area[ping]");
			for (var i = 0; i < list.length; i++) {
				fix(list[i]);
			}
		}
	}

	// fix neuters an element about to be inserted: a link only loses a
	// blocked ping, anything else its URL.
	function fix(el) {
		var t = el.tagName && el.tagName.toUpperCase();
		if (t === "A" || t === "AREA") {
			var p = el.getAttribute && el.getAttribute("ping");
			if (p != null && pingBlocked(p)) {
				note("insert", t.toLowerCase() + " ping " + p);
				oRemoveAttr.call(el, "ping");
			}
			return;
		}
		if (elemBlocked(el)) {
			neuter(el, "insert");
		}
	}

	function wrapInsert(P, name, argi) {
		if (!P || typeof P[name] !== "function") {
			return;
		}
		var o = P[name];
		P[name] = function () {
			if (argi < 0) {
				for (var i = 0; i < arguments.length; i++) {
					check(arguments[i]);
				}
			} else {
				check(arguments[argi]);
			}
			return o.apply(this, arguments);
		};
	}
	var NP = g.Node && g.Node.prototype;
	wrapInsert(NP, "appendChild", 0);
	wrapInsert(NP, "insertBefore", 0);
	wrapInsert(NP, "replaceChild", 0);
	wrapInsert(EP, "append", -1);
	wrapInsert(EP, "prepend", -1);
	wrapInsert(EP, "before", -1);
	wrapInsert(EP, "after", -1);
	wrapInsert(EP, "replaceWith", -1);
	wrapInsert(EP, "insertAdjacentElement", 1);
	if (g.DocumentFragment) {
		wrapInsert(g.DocumentFragment.prototype, "append", -1);
		wrapInsert(g.DocumentFragment.prototype, "prepend", -1);
	}

	// document.write of tracker tags.
	var D = g.Document && g.Document.prototype;
	var tagRe = /<(script|img|iframe|embed|link)\b[^>]*?\s(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>/gi;
	function cleanHTML(s) {
		s = String(s);
		var out = "", last = 0, m;
		tagRe.lastIndex = 0;
		while ((m = tagRe.exec(s)) !== null) {
			var u = m[2] != null ? m[2] : m[3] != null ? m[3] : m[4];
			if (!blocked(u)) {
				continue;
			}
			note("write", m[1].toLowerCase() + " " + u);
			out += s.slice(last, m.index);
			last = tagRe.lastIndex;
			if (m[1].toLowerCase() === "script") {
				var close = s.slice(last).search(/<\/script\s*>/i);
				if (close >= 0) {
					last += close + s.slice(last + close).indexOf(">") + 1;
				} else {
					last = s.length;
				}
				tagRe.lastIndex = last;
			}
		}
		return out + s.slice(last);
	}
	["write", "writeln"].forEach(function (k) {
		if (D && typeof D[k] === "function") {
			var o = D[k];
			D[k] = function () {
				var a = [];
				for (var i = 0; i < arguments.length; i++) {
					a.push(cleanHTML(arguments[i]));
				}
				return o.apply(this, a);
			};
		}
	});

	// Backstop for markup set through innerHTML/outerHTML/insertAdjacentHTML:
	// images and frames start loading when inserted; remove their URL at
	// once.
	if (typeof g.MutationObserver === "function" && g.document) {
		new g.MutationObserver(function (recs) {
			for (var i = 0; i < recs.length; i++) {
				var ad = recs[i].addedNodes;
				for (var j = 0; j < ad.length; j++) {
					check(ad[j]);
				}
			}
		}).observe(g.document, { childList: true, subtree: true });
	}
})();
