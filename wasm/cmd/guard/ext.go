//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/site"
)

// The functions the browser extension adds to the API:
//
//	consentguard.blocked(state) -> ["analytics", ...]  categories state does not allow (the DNR rulesets to enable)
//	consentguard.siteOf(url)    -> "example.co.uk"     the registrable domain of a URL or host ("" when none)
func registerExt(api js.Value) {
	api.Set("blocked", js.FuncOf(blocked))
	api.Set("siteOf", js.FuncOf(siteOf))
}

func blocked(_ js.Value, args []js.Value) any {
	st, err := state(arg(args, 0))
	if err != nil {
		return errObj(err.Error())
	}
	arr := js.Global().Get("Array").New()
	for _, c := range consent.Categories() {
		if !st.Allows(c) {
			arr.Call("push", c.String())
		}
	}
	return arr
}

func siteOf(_ js.Value, args []js.Value) any {
	s := str(arg(args, 0))
	h := site.Host(s)
	if h == "" && !hasColon(s) {
		h = s // a bare host name ("news.example")
	}
	return site.Domain(h)
}

func hasColon(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return true
		}
	}
	return false
}
