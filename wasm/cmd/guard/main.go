//go:build js && wasm

// Command guard is the extension's Go core compiled to WebAssembly. It
// registers globalThis.consentguard with the functions the extension's thin
// JavaScript calls; every decision is made here, from the embedded lists.
//
//	consentguard.decide(url, pageUrl, type, state) -> {action, category, vendor, vendorName, thirdParty, rule, reason}
//	consentguard.classifyCookie(name, domain)      -> {name, category, vendor, pattern}
//	consentguard.decideCookie(name, domain, state) -> {name, category, vendor, action}
//	consentguard.filterCookieHeader(header, host, state) -> {header, removed: [names]}
//	consentguard.stripParams(url)                   -> {url, removed}
//	consentguard.categories()                       -> ["necessary", ...]
//	consentguard.blocked(state)                     -> [categories the state refuses]
//	consentguard.siteOf(urlOrHost)                  -> registrable domain
//	consentguard.sitesOf(lines)                     -> siteOf per line, one per line
//	consentguard.decideCookies(lines, [state...])   -> "block\tCATEGORY" or "" per "STATE\tNAME\tDOMAIN" line
//	consentguard.embed(url, page, w, h, state, attrs) -> {html, vendor, vendorName, category} or null
//
// state is {granted: "analytics,functional" | [..], gpc: bool, dnt: bool}.
// When ready it calls globalThis.consentguardReady() if defined.
package main

import (
	"syscall/js"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/filter"
)

var eng *engine.Engine

func main() {
	e, err := defaultEngine()
	if err != nil {
		js.Global().Get("console").Call("error", "consentguard: "+err.Error())
		return
	}
	eng = e
	api := js.Global().Get("Object").New()
	api.Set("decide", js.FuncOf(decide))
	api.Set("classifyCookie", js.FuncOf(classifyCookie))
	api.Set("decideCookie", js.FuncOf(decideCookie))
	api.Set("filterCookieHeader", js.FuncOf(filterCookieHeader))
	api.Set("stripParams", js.FuncOf(stripParams))
	api.Set("categories", js.FuncOf(categories))
	registerExt(api)
	registerEmbed(api)
	js.Global().Set("consentguard", api)
	if ready := js.Global().Get("consentguardReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

func str(v js.Value) string {
	if v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

func errObj(msg string) js.Value {
	o := js.Global().Get("Object").New()
	o.Set("error", msg)
	return o
}

// state reads {granted, gpc, dnt}; granted is a comma-separated string or an
// array of category names.
func state(v js.Value) (consent.State, error) {
	var st consent.State
	if v.Type() != js.TypeObject {
		return st, nil
	}
	g := v.Get("granted")
	var s string
	switch g.Type() {
	case js.TypeString:
		s = g.String()
	case js.TypeObject:
		for i := 0; i < g.Length(); i++ {
			if i > 0 {
				s += ","
			}
			s += str(g.Index(i))
		}
	}
	set, err := consent.ParseSet(s)
	if err != nil {
		return st, err
	}
	st.Granted = set
	st.Recorded = g.Type() != js.TypeUndefined
	st.GPC = v.Get("gpc").Truthy()
	st.DNT = v.Get("dnt").Truthy()
	return st, nil
}

func decide(_ js.Value, args []js.Value) any {
	st, err := state(arg(args, 3))
	if err != nil {
		return errObj(err.Error())
	}
	t, ok := filter.ParseType(str(arg(args, 2)))
	if !ok {
		t = filter.TypeOther
	}
	d := eng.Decide(str(arg(args, 0)), str(arg(args, 1)), t, st)
	o := js.Global().Get("Object").New()
	o.Set("action", d.Action.String())
	o.Set("category", d.Category.String())
	o.Set("vendor", d.Vendor)
	o.Set("vendorName", d.VendorName)
	o.Set("thirdParty", d.ThirdParty)
	o.Set("rule", d.Rule)
	o.Set("reason", d.Reason)
	return o
}

func classifyCookie(_ js.Value, args []js.Value) any {
	m := eng.Cookie(str(arg(args, 0)), str(arg(args, 1)))
	o := js.Global().Get("Object").New()
	o.Set("name", str(arg(args, 0)))
	o.Set("category", m.Category.String())
	o.Set("vendor", m.Vendor)
	o.Set("pattern", m.Pattern)
	return o
}

func decideCookie(_ js.Value, args []js.Value) any {
	st, err := state(arg(args, 2))
	if err != nil {
		return errObj(err.Error())
	}
	m, a, why := eng.DecideCookie(str(arg(args, 0)), str(arg(args, 1)), st)
	o := js.Global().Get("Object").New()
	o.Set("name", str(arg(args, 0)))
	o.Set("category", m.Category.String())
	o.Set("vendor", m.Vendor)
	o.Set("action", a.String())
	o.Set("reason", why)
	return o
}

func filterCookieHeader(_ js.Value, args []js.Value) any {
	st, err := state(arg(args, 2))
	if err != nil {
		return errObj(err.Error())
	}
	f := eng.Cookies()
	h := str(arg(args, 0))
	o := js.Global().Get("Object").New()
	if f == nil {
		o.Set("header", h)
		o.Set("removed", js.Global().Get("Array").New())
		return o
	}
	kept, removed := f.FilterCookieHeader(h, str(arg(args, 1)), st)
	arr := js.Global().Get("Array").New(len(removed))
	for i, m := range removed {
		arr.SetIndex(i, m.Name)
	}
	o.Set("header", kept)
	o.Set("removed", arr)
	return o
}

func stripParams(_ js.Value, args []js.Value) any {
	u := str(arg(args, 0))
	o := js.Global().Get("Object").New()
	if p := eng.Params(); p != nil {
		clean, n := p.Strip(u)
		o.Set("url", clean)
		o.Set("removed", n)
		return o
	}
	o.Set("url", u)
	o.Set("removed", 0)
	return o
}

func categories(js.Value, []js.Value) any {
	cs := consent.Categories()
	arr := js.Global().Get("Array").New(len(cs))
	for i, c := range cs {
		arr.SetIndex(i, c.String())
	}
	return arr
}
