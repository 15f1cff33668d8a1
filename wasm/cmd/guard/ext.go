//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"syscall/js"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/site"
)

// The functions the browser extension adds to the API:
//
//	consentguard.blocked(state) -> ["analytics", ...]  categories state does not allow (the DNR rulesets to enable)
//	consentguard.siteOf(url)    -> "example.co.uk"     the registrable domain of a URL or host ("" when none)
func registerExt(api js.Value) {
	api.Set("blocked", js.FuncOf(blocked))
	api.Set("siteOf", js.FuncOf(siteOf))
	api.Set("sitesOf", js.FuncOf(sitesOf))
	api.Set("decideCookies", js.FuncOf(decideCookies))
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

func siteOf(_ js.Value, args []js.Value) any { return siteOfString(str(arg(args, 0))) }

// siteOfString is the registrable domain of a URL or a bare host name.
func siteOfString(s string) string {
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

// sitesOf is siteOf for many at once, in one call from JavaScript (each
// call into Go costs tens of microseconds in a service worker): the input
// has one URL or host per line, the answer one site per line.
func sitesOf(_ js.Value, args []js.Value) any {
	var b strings.Builder
	for i, line := range strings.Split(str(arg(args, 0)), "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(siteOfString(line))
	}
	return b.String()
}

// decideCookies is decideCookie for many cookies in one call (the sweep of
// every stored cookie when the worker starts). args[0] has one cookie per
// line, "STATE\tNAME\tDOMAIN" with STATE an index into args[1], an array of
// states; the answer has one line per input line: "block\tCATEGORY" for a
// cookie to remove, empty otherwise (and for a line that is not of that
// form).
func decideCookies(_ js.Value, args []js.Value) any {
	var sts []consent.State
	if sv := arg(args, 1); sv.Type() == js.TypeObject {
		for i, n := 0, sv.Length(); i < n; i++ {
			st, err := state(sv.Index(i))
			if err != nil {
				return errObj(err.Error())
			}
			sts = append(sts, st)
		}
	}
	var b strings.Builder
	for i, line := range strings.Split(str(arg(args, 0)), "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		ix, rest, ok := strings.Cut(line, "\t")
		name, domain, ok2 := strings.Cut(rest, "\t")
		k, err := strconv.Atoi(ix)
		if !ok || !ok2 || err != nil || k < 0 || k >= len(sts) {
			continue
		}
		if m, a, _ := eng.DecideCookie(name, domain, sts[k]); a == engine.Block {
			b.WriteString("block\t")
			b.WriteString(m.Category.String())
		}
	}
	return b.String()
}
