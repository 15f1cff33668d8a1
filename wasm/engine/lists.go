//go:build !guard

package engine

import (
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/tds"
)

// listParts are the Parts only this build has.
type listParts struct {
	// TDS are DuckDuckGo Tracker Data Sets, applied with their own semantics
	// (default actions, rules, exceptions) to requests the catalog does not
	// know.
	TDS []*tds.List
}

// matchLists applies the Adblock Plus engine and the Tracker Data Sets to a
// request the catalog left unclassified (known is false) or classified.
func (e *Engine) matchLists(r *filter.Request, d *Decision, known bool) {
	if e.p.Filter != nil {
		v := e.p.Filter.Match(r)
		switch {
		case v.Blocked && !known:
			d.Category = e.listCategory(v.List)
			d.Rule = v.List + ": " + v.Rule.String()
		case !v.Blocked && v.Exception != nil && !known:
			d.Rule = v.List + ": " + v.Exception.String()
			d.Reason = "exception rule"
		}
	}
	if d.Category == consent.None {
		for _, l := range e.p.TDS {
			res := l.Match(r.URL(), r.SourceURL(), r.Type().String())
			if res.Blocked() {
				d.Category, d.Vendor, d.VendorName = res.ConsentCategory(), res.Tracker, res.Owner
				d.Rule = "tds " + res.Tracker + " " + res.Rule
				break
			}
		}
	}
}
