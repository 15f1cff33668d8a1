//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/embed"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/filter"
)

// The click-to-load embeds of the extension's content script:
//
//	consentguard.embed(url, pageUrl, width, height, state, attrs) -> {html, vendor, vendorName, category, optedOut} | null
//	consentguard.embedCSS()                                        -> the placeholder's stylesheet
//
// embed judges an iframe's URL as a sub-frame of pageUrl under state: when
// the request is blocked and its category is one a visitor may choose to
// load (functional, social) and the frame is large enough to offer, it
// returns the placeholder markup of wasm/embed (the proxy's) for it; else
// null (the frame is allowed, or it is an ad or sync frame that stays
// blocked). width and height are the iframe's attribute values as written;
// attrs is an array of [name, value] pairs (src left out).
func registerEmbed(api js.Value) {
	api.Set("embed", js.FuncOf(embedFunc))
	api.Set("embedCSS", js.FuncOf(func(js.Value, []js.Value) any { return embed.CSS }))
}

func embedFunc(_ js.Value, args []js.Value) any {
	st, err := state(arg(args, 4))
	if err != nil {
		return errObj(err.Error())
	}
	d := eng.Decide(str(arg(args, 0)), str(arg(args, 1)), filter.TypeSubdocument, st)
	em, ok := placeholderOf(d, str(arg(args, 0)), str(arg(args, 2)), str(arg(args, 3)), st)
	if !ok {
		return js.Null()
	}
	em.Attrs = attrPairs(arg(args, 5))
	o := js.Global().Get("Object").New()
	o.Set("html", string(embed.Placeholder(nil, em)))
	o.Set("vendor", em.VendorID)
	o.Set("vendorName", em.Vendor)
	o.Set("category", em.Category.String())
	o.Set("optedOut", em.OptedOut)
	return o
}

// placeholderOf describes the placeholder for a sub-frame decision d, and
// false when the frame gets none.
func placeholderOf(d engine.Decision, url, width, height string, st consent.State) (embed.Embed, bool) {
	if d.Action != engine.Block || !embed.Offered(d.Category) {
		return embed.Embed{}, false
	}
	em := embed.Embed{Tag: "iframe", URL: url, Vendor: d.VendorName, VendorID: d.Vendor, Category: d.Category,
		Width: width, Height: height, OptedOut: (st.GPC || st.DNT) && consent.OptOut.Has(d.Category)}
	if _, ok := em.Box(); !ok {
		return embed.Embed{}, false // hidden or 1x1: nothing to choose
	}
	return em, true
}

// attrPairs reads an array of [name, value] string pairs; anything else is
// skipped.
func attrPairs(v js.Value) [][2]string {
	if v.Type() != js.TypeObject {
		return nil
	}
	n := v.Length()
	out := make([][2]string, 0, n)
	for i := 0; i < n; i++ {
		p := v.Index(i)
		if p.Type() != js.TypeObject || p.Length() != 2 {
			continue
		}
		out = append(out, [2]string{str(p.Index(0)), str(p.Index(1))})
	}
	return out
}
