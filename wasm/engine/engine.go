package engine

import (
	"strings"
	"sync"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/cookie"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/param"
	"github.com/consentguard/consentguard/wasm/tracker"
)

// Parts are the compiled pieces an Engine decides with. Any of them may be nil.
type Parts struct {
	// Filter holds network rules (Adblock Plus syntax: EasyList, EasyPrivacy,
	// our own). A request a rule blocks is a tracker even when the catalog does
	// not know it; its category then comes from ListCategory.
	Filter *filter.Engine
	// ListCategory maps a filter list's name to the category its blocks get
	// when the catalog does not classify the request ("easyprivacy.txt" ->
	// analytics). Lists not named here give Advertising.
	ListCategory map[string]consent.Category
	// Trackers is our host and path-signature catalog.
	Trackers *tracker.DB
	// Cookies is the cookie catalog.
	Cookies *cookie.DB
	// Params strips tracking parameters from URLs.
	Params *param.Stripper
	// listParts has TDS (DuckDuckGo Tracker Data Sets, lists.go), except in
	// the extension's core (-tags guard), which links no TDS package.
	listParts
}

// Engine answers, for a request or a cookie, what it is and whether the
// visitor's consent allows it. It is safe for concurrent use.
type Engine struct {
	p       Parts
	cookies *cookie.Filter
}

// New builds an engine from its parts.
func New(p Parts) *Engine {
	e := &Engine{p: p}
	if p.Cookies != nil {
		e.cookies = &cookie.Filter{DB: p.Cookies}
	}
	return e
}

// Parts returns the pieces the engine was built from.
func (e *Engine) Parts() Parts { return e.p }

// Trackers returns the tracker catalog (may be nil).
func (e *Engine) Trackers() *tracker.DB { return e.p.Trackers }

// Cookies returns the cookie filter (nil when the engine has no cookie catalog).
func (e *Engine) Cookies() *cookie.Filter { return e.cookies }

// Params returns the tracking-parameter stripper (may be nil).
func (e *Engine) Params() *param.Stripper { return e.p.Params }

// Filter returns the network-rule engine (may be nil).
func (e *Engine) Filter() *filter.Engine { return e.p.Filter }

// Classify tells what a request is, without consent: its category (None for a
// non-tracker), vendor and the rule that classified it. The Action of the
// result is Allow for non-trackers and Block otherwise (as under default
// consent); use Decide for a consent-aware action.
func (e *Engine) Classify(rawurl, pageURL string, t filter.Type) Decision {
	r := requests.Get().(*filter.Request)
	defer requests.Put(r)
	if err := r.Reset(rawurl, FrameContext(pageURL), t); err != nil {
		return Decision{Reason: reasonNotNetwork}
	}
	return e.classify(r)
}

// requests recycles parsed requests (each holds a lower-case URL buffer).
var requests = sync.Pool{New: func() any { return new(filter.Request) }}

const reasonNotNetwork = "not a network URL"

func (e *Engine) classify(r *filter.Request) Decision {
	d := Decision{ThirdParty: thirdParty(r)}
	var m tracker.Match
	var known bool
	if e.p.Trackers != nil {
		// A known tracker is a tracker in any frame, its own included (an ad
		// frame on securepubads.g.doubleclick.net calling home). Only social
		// and functional vendors run sites people visit: facebook.com's own
		// pages loading from facebook.com are the site, not a tracker on it.
		// Path signatures count everywhere: they exist to catch first-party
		// proxies and server-side tagging.
		if m, known = e.p.Trackers.URL(r.Host(), pathAndQuery(r.URL())); known && m.Kind == "host" && !d.ThirdParty && siteCategory(m.Category) {
			known = false
		}
		if known {
			d.Category, d.Vendor, d.VendorName = m.Category, m.Vendor, m.Name
			d.Rule = m.Kind + " " + m.Pattern
		}
	}
	e.matchLists(r, &d, known)
	if d.Category != consent.None {
		d.Action = Block
	}
	return d
}

// FrameContext returns the URL whose site a request made from a frame at
// pageURL belongs to. A blob: URL carries its creator's origin
// ("blob:https://news.example/uuid" -> "https://news.example/uuid");
// about:blank, about:srcdoc and data: frames have their parent's context,
// which the caller knows and this function does not, so they give "" (an
// unknown page). It does not allocate.
func FrameContext(pageURL string) string {
	switch {
	case hasPrefixFold(pageURL, "blob:"):
		return pageURL[len("blob:"):]
	case hasPrefixFold(pageURL, "about:"), hasPrefixFold(pageURL, "data:"):
		return ""
	}
	return pageURL
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// thirdParty is the request's party for classification: a subresource whose
// page is unknown (no page, an about: or data: frame whose parent the caller
// did not give, a crawl log) counts as third party, so that a known tracker
// is never taken for the site itself. The filter lists keep their own
// $third-party semantics (those of Adblock Plus and Ghostery).
func thirdParty(r *filter.Request) bool {
	return r.ThirdParty() || (r.SourceHost() == "" && r.Type() != filter.TypeDocument)
}

// siteCategory reports whether a vendor of category c runs websites people
// visit, so that its hosts are first party on its own site.
func siteCategory(c consent.Category) bool {
	return c == consent.Social || c == consent.Functional
}

func (e *Engine) listCategory(list string) consent.Category {
	if c, ok := e.p.ListCategory[list]; ok {
		return c
	}
	l := strings.ToLower(list)
	switch {
	case strings.Contains(l, "privacy"), strings.Contains(l, "tracking"), strings.Contains(l, "analytics"):
		return consent.Analytics
	case strings.Contains(l, "social"), strings.Contains(l, "annoyance"):
		return consent.Social
	}
	return consent.Advertising
}

// Decide classifies a request and applies the visitor's consent: Block when
// its category is not allowed by st.
//
// Decide allocates only to name the rule of a tracker it recognised.
func (e *Engine) Decide(rawurl, pageURL string, t filter.Type, st consent.State) Decision {
	r := requests.Get().(*filter.Request)
	defer requests.Put(r)
	if err := r.Reset(rawurl, FrameContext(pageURL), t); err != nil {
		return Decision{Reason: reasonNotNetwork}
	}
	return e.DecideRequest(r, st)
}

// DecideRequest is Decide for an already parsed request.
func (e *Engine) DecideRequest(r *filter.Request, st consent.State) Decision {
	d := e.classify(r)
	d.Action, d.Reason = verdict(d.Category, d.Reason, st)
	return d
}

// verdict applies st to a category and explains the outcome.
func verdict(c consent.Category, reason string, st consent.State) (Action, string) {
	switch {
	case c == consent.None:
		if reason == "" {
			reason = reasonNotTracker
		}
		return Allow, reason
	case c == consent.Necessary || c == consent.Consent:
		return Allow, reasons[c][rAlways]
	case st.Allows(c):
		return Allow, reasons[c][rConsented]
	case st.GPC && consent.OptOut.Has(c):
		return Block, reasons[c][rGPC]
	case st.DNT && consent.OptOut.Has(c):
		return Block, reasons[c][rDNT]
	}
	return Block, reasons[c][rDenied]
}

const reasonNotTracker = "not a tracker"

const (
	rAlways = iota
	rConsented
	rGPC
	rDNT
	rDenied
)

// reasons, by category: always allowed, consented, denied by GPC, denied by
// DNT, not consented. A table of constants, so that Decide does not
// allocate them and the core's start does not build them
// (TestReasonsTable checks it against the category names).
var reasons = [16][5]string{
	consent.Necessary:      {"necessary is always allowed", "necessary consented", "necessary denied by GPC opt-out", "necessary denied by DNT opt-out", "necessary not consented"},
	consent.Functional:     {"functional is always allowed", "functional consented", "functional denied by GPC opt-out", "functional denied by DNT opt-out", "functional not consented"},
	consent.Analytics:      {"analytics is always allowed", "analytics consented", "analytics denied by GPC opt-out", "analytics denied by DNT opt-out", "analytics not consented"},
	consent.Advertising:    {"advertising is always allowed", "advertising consented", "advertising denied by GPC opt-out", "advertising denied by DNT opt-out", "advertising not consented"},
	consent.Social:         {"social is always allowed", "social consented", "social denied by GPC opt-out", "social denied by DNT opt-out", "social not consented"},
	consent.SessionReplay:  {"session-replay is always allowed", "session-replay consented", "session-replay denied by GPC opt-out", "session-replay denied by DNT opt-out", "session-replay not consented"},
	consent.TagManager:     {"tag-manager is always allowed", "tag-manager consented", "tag-manager denied by GPC opt-out", "tag-manager denied by DNT opt-out", "tag-manager not consented"},
	consent.Fingerprinting: {"fingerprinting is always allowed", "fingerprinting consented", "fingerprinting denied by GPC opt-out", "fingerprinting denied by DNT opt-out", "fingerprinting not consented"},
	consent.Consent:        {"consent is always allowed", "consent consented", "consent denied by GPC opt-out", "consent denied by DNT opt-out", "consent not consented"},
}

// Cookie classifies a cookie by name and the domain that sets or receives it.
// Unknown cookies give a Match with Category None.
func (e *Engine) Cookie(name, domain string) cookie.Match {
	if e.p.Cookies == nil {
		return cookie.Match{Name: name}
	}
	m, ok := e.p.Cookies.Classify(name, domain)
	if !ok {
		return cookie.Match{Name: name}
	}
	return m
}

// DecideCookie applies st to a cookie.
func (e *Engine) DecideCookie(name, domain string, st consent.State) (cookie.Match, Action, string) {
	m := e.Cookie(name, domain)
	a, why := verdict(m.Category, "", st)
	if m.Category == consent.None {
		why = "not a known tracking cookie"
	}
	return m, a, why
}

func pathAndQuery(u string) string {
	i := strings.Index(u, "//")
	if i < 0 {
		return u
	}
	rest := u[i+2:]
	j := strings.IndexByte(rest, '/')
	if j < 0 {
		if q := strings.IndexByte(rest, '?'); q >= 0 {
			return rest[q:]
		}
		return "/"
	}
	p := rest[j:]
	if h := strings.IndexByte(p, '#'); h >= 0 {
		p = p[:h]
	}
	return p
}
