package edge

import (
	"bytes"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/rewrite"
)

// pingVendor names hyperlink auditing in reports when a ping URL is not a
// listed tracker.
const pingVendor = "hyperlink-auditing"

// ping decides the ping attribute of an <a> or <area>. Hyperlink auditing
// exists only to report clicks (Firefox and Brave turn it off outright), so
// a ping is click measurement, analytics, whatever its host, the site's
// own included: unless analytics is allowed, the attribute goes. With
// analytics allowed, a ping to a listed tracker of another category not
// allowed (an ad network's click beacon) still goes. The link stays.
func (pg *page) ping(e *rewrite.Element, kind string) rewrite.Action {
	if pg.st.Allows(consent.Analytics) {
		return pg.dropListAttr(e, "ping", filter.TypePing, kind)
	}
	raw, ok := e.Attr("ping")
	if !ok {
		return rewrite.Keep
	}
	urls := bytes.Fields(raw)
	if len(urls) == 0 {
		return rewrite.Keep // ping="": no beacon
	}
	src, d := pg.listBlocked(e, "ping", filter.TypePing)
	if !d.block {
		src = rewrite.DecodeEntities(urls[0])
		d = decided{t: filter.TypePing, block: true, cat: consent.Analytics, vendor: pingVendor}
	}
	return pg.dropAttr(e, "ping", kind, src, d)
}
