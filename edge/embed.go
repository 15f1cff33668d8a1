package edge

import (
	"bytes"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/embed"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/rewrite"
)

// iframe decides an <iframe>: a non-consented functional or social embed
// (a player, a map, a widget, a post: the category of its URL decides,
// see embed.Offered) becomes a click-to-load placeholder of its size;
// any other non-consented frame is removed. Without a script that can run
// (a CSP forbidding every script) there is no placeholder either: its
// buttons could not work.
func (pg *page) iframe(e *rewrite.Element) rewrite.Action {
	raw, ok := e.Attr("src")
	if !ok || len(raw) == 0 {
		return rewrite.Keep
	}
	src, d := pg.decideAttr(raw, filter.TypeSubdocument)
	if !d.block {
		return rewrite.Keep
	}
	if pg.scriptless || !embed.Offered(d.cat) {
		return pg.remove("iframe", src, d.cat, d.vendor)
	}
	em := pg.embedOf(e, src, d)
	if _, ok := em.Box(); !ok {
		return pg.remove("iframe", src, d.cat, d.vendor) // hidden or 1x1: nothing to choose
	}
	if pg.remove("iframe placeholder", src, d.cat, d.vendor) == rewrite.Keep {
		return rewrite.Keep // report-only
	}
	e.SetReplacement(embed.Placeholder(nil, em))
	return rewrite.Replace
}

// embedOf describes an iframe for its placeholder.
func (pg *page) embedOf(e *rewrite.Element, src string, d decided) embed.Embed {
	em := embed.Embed{Tag: "iframe", URL: src, VendorID: d.vendor, Category: d.cat,
		OptedOut: (pg.st.GPC || pg.st.DNT) && consent.OptOut.Has(d.cat)}
	if u := pg.resolve(src); u != "" {
		em.URL = u
	}
	if db := pg.p.eng.Trackers(); db != nil && d.vendor != "" {
		if v, ok := db.Vendor(d.vendor); ok {
			em.Vendor = v.Name
		}
	}
	for name, val := range e.Attrs() {
		a := [2]string{string(name), rewrite.DecodeEntities(val)}
		switch string(bytes.ToLower(name)) {
		case "width":
			if em.Width == "" {
				em.Width = a[1]
			}
		case "height":
			if em.Height == "" {
				em.Height = a[1]
			}
		}
		em.Attrs = append(em.Attrs, a)
	}
	return em
}
