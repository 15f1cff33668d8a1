// Package consent holds the consent categories, the visitor's consent state and
// the privacy signals (GPC, DNT) that narrow it.
//
// The model: "necessary" and "consent" (consent-management platforms) are
// always allowed; every other category is denied until granted. An opt-out
// signal (Sec-GPC: 1 or DNT: 1) denies advertising, social, fingerprinting and
// session-replay even when a grant or a site default says otherwise.
//
// The extension's core (built with -tags guard) has the categories, sets,
// states, signals and the signed consent record only: reading CMP cookies
// (OneTrust, Cookiebot), TCF and GPP strings and the GPC privacy config
// (cmp.go, tcf.go, gpp.go, read.go, gpc.go) is left out of that build, with
// net/url, encoding/json and fmt, whose package initialisation and code
// the core would pay for at every start.
package consent

import (
	"strings"

	"github.com/consentguard/consentguard/wasm/msg"
)

// Category is what a tracker, request or cookie is used for.
type Category uint8

// The categories. None marks something that is not a tracker at all.
const (
	None Category = iota
	Necessary
	Functional
	Analytics
	Advertising
	Social
	SessionReplay
	TagManager
	Fingerprinting
	Consent
	numCategories
)

var categoryNames = [numCategories]string{
	None:           "none",
	Necessary:      "necessary",
	Functional:     "functional",
	Analytics:      "analytics",
	Advertising:    "advertising",
	Social:         "social",
	SessionReplay:  "session-replay",
	TagManager:     "tag-manager",
	Fingerprinting: "fingerprinting",
	Consent:        "consent",
}

// Categories lists every category except None, in a stable order.
func Categories() []Category {
	out := make([]Category, 0, numCategories-1)
	for c := Necessary; c < numCategories; c++ {
		out = append(out, c)
	}
	return out
}

// String returns the category's list name ("session-replay").
func (c Category) String() string {
	if c < numCategories {
		return categoryNames[c]
	}
	return msg.Sprintf("category(%d)", uint8(c))
}

// ParseCategory reads a category name. It accepts the canonical names and a
// few common synonyms used by CMPs and cookie databases ("marketing",
// "statistics", "preferences", "performance", "targeting", "essential").
func ParseCategory(s string) (Category, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	for c := None; c < numCategories; c++ {
		if categoryNames[c] == k {
			return c, nil
		}
	}
	switch k {
	case "essential", "strictly-necessary", "strictly necessary", "security":
		return Necessary, nil
	case "preferences", "preference", "personalization", "personalisation":
		return Functional, nil
	case "statistics", "statistic", "performance", "measurement":
		return Analytics, nil
	case "marketing", "targeting", "ads", "advertisement", "advertisements":
		return Advertising, nil
	case "social-media", "social media":
		return Social, nil
	case "session replay", "sessionreplay":
		return SessionReplay, nil
	case "tag manager", "tagmanager":
		return TagManager, nil
	case "cmp":
		return Consent, nil
	}
	return None, msg.Errorf("unknown category %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (c Category) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Category) UnmarshalText(b []byte) error {
	v, err := ParseCategory(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Set is a set of categories.
type Set uint16

// SetOf builds a set.
func SetOf(cs ...Category) Set {
	var s Set
	for _, c := range cs {
		s |= 1 << c
	}
	return s
}

// Has reports whether c is in s.
func (s Set) Has(c Category) bool { return s&(1<<c) != 0 }

// With returns s plus c.
func (s Set) With(c Category) Set { return s | 1<<c }

// Without returns s minus c.
func (s Set) Without(c Category) Set { return s &^ (1 << c) }

// List returns the categories in s in stable order.
func (s Set) List() []Category {
	var out []Category
	for c := None; c < numCategories; c++ {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// String renders s as a comma-separated list of names.
func (s Set) String() string {
	var b strings.Builder
	for _, c := range s.List() {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(c.String())
	}
	return b.String()
}

// ParseSet reads a comma-separated list of category names; "all" grants every
// category and "" or "none" is the empty set.
func ParseSet(s string) (Set, error) {
	var out Set
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		switch strings.ToLower(f) {
		case "", "none":
			continue
		case "all":
			out |= All
			continue
		}
		c, err := ParseCategory(f)
		if err != nil {
			return 0, err
		}
		out = out.With(c)
	}
	return out, nil
}

// All is every category.
const All Set = (1<<numCategories - 1) &^ 1

// AlwaysAllowed are the categories no consent state can deny.
const AlwaysAllowed Set = 1<<None | 1<<Necessary | 1<<Consent

// OptOut are the categories an opt-out signal (GPC, DNT) denies.
const OptOut Set = 1<<Advertising | 1<<Social | 1<<Fingerprinting | 1<<SessionReplay

// State is one visitor's consent on one site.
type State struct {
	// Granted holds the categories the visitor (or the site default) allows.
	Granted Set
	// GPC is true when the visitor sends Sec-GPC: 1.
	GPC bool
	// DNT is true when the visitor sends DNT: 1.
	DNT bool
	// Recorded is true when the visitor made a choice (a consent cookie or
	// CMP record was found); false means defaults apply.
	Recorded bool
}

// Allows reports whether a tracker of category c may load under s.
//
// A tag manager is a loader: it is allowed when granted itself or when any
// category it loads tags for (functional, analytics, advertising, social,
// session-replay) is allowed, and each tag it loads is then judged on its own
// category. Without this, granting analytics alone would break every site
// that loads Google Analytics through Google Tag Manager.
func (s State) Allows(c Category) bool {
	if AlwaysAllowed.Has(c) {
		return true
	}
	if (s.GPC || s.DNT) && OptOut.Has(c) {
		return false
	}
	if c == TagManager && !s.Granted.Has(TagManager) {
		for _, l := range [...]Category{Functional, Analytics, Advertising, Social, SessionReplay} {
			if s.Allows(l) {
				return true
			}
		}
		return false
	}
	return s.Granted.Has(c)
}

// Effective returns the set of categories s allows.
func (s State) Effective() Set {
	var out Set
	for c := None; c < numCategories; c++ {
		if s.Allows(c) {
			out = out.With(c)
		}
	}
	return out
}

// Policy holds default grants and per-site overrides.
type Policy struct {
	// Default is granted on every site without an override (usually empty:
	// default deny).
	Default Set
	// Sites maps a registrable domain or host to its grants; a more specific
	// host wins over its registrable domain.
	Sites map[string]Set
}

// For returns the state for a page host under the given signals.
func (p *Policy) For(host string, gpc, dnt bool) State {
	st := State{Granted: p.Default, GPC: gpc, DNT: dnt}
	if p.Sites == nil {
		return st
	}
	if g, ok := p.Sites[host]; ok {
		st.Granted, st.Recorded = g, true
		return st
	}
	for h := host; ; {
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
		if g, ok := p.Sites[h]; ok {
			st.Granted, st.Recorded = g, true
			break
		}
	}
	return st
}
