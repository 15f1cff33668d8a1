// Package policy reads a website's privacy or cookie policy and extracts what
// it claims: whether Do Not Track and Global Privacy Control are honored,
// whether personal data is sold, third-party advertising, the analytics and
// other vendors it names, tracking technologies, cookie categories, implied
// consent ("by continuing to use this site you consent"), its languages and
// the longest retention period it states. Each claim comes with the sentence
// that supports it.
//
// The rules are phrase patterns over sentences, in English, French, German
// and Spanish. They read what the text says; they never guess: a claim the
// text does not make is "unstated".
//
// Evidence keys are the JSON field names ("dnt", "sells_personal_data",
// "retention_max_days", ...) and, for list items, FIELD.ID
// ("analytics_vendors.google-analytics", "tracking_technologies.cookies").
// Each value is one sentence, verbatim from the text Extract was given (for
// ExtractHTML: from the page's visible text). Every claim other than
// unstated has evidence, except implied_consent "no" inferred from a policy
// that speaks of consent without a sentence asking for it.
//
// FindLinks finds the policy itself among a page's links (footer, nav).
//
// The package is pure Go (standard library and golang.org/x/net/html), so the
// extension and the edge can run it as WebAssembly.
package policy

import (
	"io"
	"net/url"
)

// Tri-state values of Claims.DNT and Claims.GPC.
const (
	Honored    = "honored"
	NotHonored = "not-honored"
	Unstated   = "unstated"
)

// Tri-state values of the yes/no claims.
const (
	Yes = "yes"
	No  = "no"
)

// Claims is what a privacy policy says. JSON field names and values are
// exactly those of ../shared/seeds/claims.json.
type Claims struct {
	Site                  string            `json:"site,omitempty"`
	DNT                   string            `json:"dnt"`                     // honored | not-honored | unstated
	GPC                   string            `json:"gpc"`                     // honored | not-honored | unstated
	SellsPersonalData     string            `json:"sells_personal_data"`     // yes | no | unstated
	ThirdPartyAdvertising string            `json:"third_party_advertising"` // yes | no | unstated
	AnalyticsVendors      []string          `json:"analytics_vendors"`       // sorted vendor ids as in policylists (google-analytics, ...)
	OtherVendors          []string          `json:"other_vendors"`
	TrackingTechnologies  []string          `json:"tracking_technologies"` // cookies, web-beacons, local-storage, fingerprinting, ...
	CookieCategories      []string          `json:"cookie_categories"`     // necessary, functional, analytics, advertising, ...
	ImpliedConsent        string            `json:"implied_consent"`       // yes | no | unstated
	Languages             []string          `json:"languages"`             // en, fr, de, es
	RetentionMaxDays      *int              `json:"retention_max_days"`
	Evidence              map[string]string `json:"evidence,omitempty"` // field name -> supporting sentence
}

// Extract reads a policy given as plain text and returns its claims. Every
// evidence sentence is a substring of text.
func Extract(text string) Claims {
	return extract(text)
}

// ExtractHTML reads a policy page, extracts its visible text (scripts, styles,
// templates and hidden elements left out; block elements end lines) and
// returns Extract of it. The error is the reader's or the parser's.
func ExtractHTML(r io.Reader) (Claims, error) {
	text, err := VisibleText(r)
	if err != nil {
		return Claims{}, err
	}
	return Extract(text), nil
}

// FindLinks returns the candidate privacy- and cookie-policy URLs among a
// page's links, best first, resolved against base and deduplicated: links
// labelled privacy policy, privacy notice, cookie policy, Datenschutz
// (-erklärung), confidentialité / politique de confidentialité, privacidad /
// política de privacidad and the like. Legal notices (Impressum, aviso legal,
// mentions légales) and terms are not policies. Only http and https URLs are
// returned.
func FindLinks(page []byte, base *url.URL) []string {
	return findLinks(page, base)
}
