package edge

import (
	"net/http"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/filter"
)

// fetchDestType maps a request's Sec-Fetch-Dest to the type the engine
// classifies; ok is false for top-level navigations (a page the visitor
// asked for is never a tracker request the proxy refuses). A frame's
// navigation is a subdocument request like any other.
func fetchDestType(r *http.Request) (filter.Type, bool) {
	dest := r.Header.Get("Sec-Fetch-Dest")
	if dest == "" && r.Header.Get("Sec-Fetch-Mode") == "navigate" {
		return 0, false
	}
	switch dest {
	case "document":
		return 0, false
	case "script", "worker", "sharedworker", "serviceworker":
		return filter.TypeScript, true
	case "image":
		return filter.TypeImage, true
	case "iframe", "frame":
		return filter.TypeSubdocument, true
	case "style":
		return filter.TypeStylesheet, true
	case "font":
		return filter.TypeFont, true
	case "audio", "video", "track":
		return filter.TypeMedia, true
	case "empty":
		return filter.TypeXHR, true
	}
	return filter.TypeOther, true
}

// firstPartyTracker decides a request the page makes to the site itself:
// tags and collection endpoints served first party (GA4 behind /metrics/,
// a PostHog or Segment reverse proxy, server-side GTM, a self-hosted
// Plausible) are trackers by their path signatures, and JS can reach them
// in ways the HTML rewriter never sees (fetch, sendBeacon, new Image()).
// The proxy is on their path, so it refuses them when the visitor has not
// consented: the origin is never asked. Top-level navigations always pass.
func (p *Proxy) firstPartyTracker(r *http.Request, st consent.State) (engine.Decision, bool) {
	t, ok := fetchDestType(r)
	if !ok {
		return engine.Decision{}, false
	}
	u := scheme(r) + "://" + r.Host + r.URL.RequestURI()
	d := p.eng.Decide(u, u, t, st)
	return d, d.Action == engine.Block && d.Category != consent.Consent && d.Category != consent.Necessary
}

// refuseTracker answers a refused first-party tracker request: 204, no
// body, nothing cached, and the removal reported like the rewriter's.
func (p *Proxy) refuseTracker(w http.ResponseWriter, d engine.Decision, rep *Report, source string) {
	rep.Removed[d.Category]++
	if len(rep.Items) < MaxItems {
		rep.Items = append(rep.Items, "request "+rep.URL+" ("+d.Category.String()+" "+d.Vendor+")")
	} else {
		rep.ItemsCut++
	}
	rep.Status = http.StatusNoContent
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	p.setSummary(h, rep)
	w.WriteHeader(http.StatusNoContent)
	p.done(rep, source)
}
