package tds

import (
	"strings"

	"github.com/consentguard/consentguard/wasm/consent"
)

// tdsCategories maps Tracker Radar category names to consentguard
// categories, in priority order: the first category of a tracker that
// appears earliest here wins, so a tracker tagged both "Analytics" and
// "Advertising" counts as advertising (the stricter purpose).
var tdsCategories = []struct {
	name string
	cat  consent.Category
}{
	{"Consent Management Platform", consent.Consent},
	{"Session Replay", consent.SessionReplay},
	{"Ad Motivated Tracking", consent.Advertising},
	{"Advertising", consent.Advertising},
	{"Action Pixels", consent.Advertising},
	{"Ad Fraud", consent.Advertising},
	{"Social - Comment", consent.Social},
	{"Social - Share", consent.Social},
	{"Social Network", consent.Social},
	{"Tag Manager", consent.TagManager},
	{"Analytics", consent.Analytics},
	{"Audience Measurement", consent.Analytics},
	{"Third-Party Analytics Marketing", consent.Analytics},
	{"Embedded Content", consent.Functional},
	{"Federated Login", consent.Functional},
	{"SSO", consent.Functional},
	{"Online Payment", consent.Functional},
	{"Badge", consent.Functional},
	{"CDN", consent.Necessary},
	{"Fraud Prevention", consent.Necessary},
}

// ConsentCategory maps the tracker's TDS categories (Result.Category) to a
// consentguard category; None when the result has no tracker. A tracker
// with no known category is Advertising: TDS lists trackers, and an
// unknown purpose must not be granted by a narrower consent.
func (r Result) ConsentCategory() consent.Category {
	if r.Tracker == "" {
		return consent.None
	}
	best := len(tdsCategories)
	for c := range strings.SplitSeq(r.Category, ",") {
		for i, e := range tdsCategories[:best] {
			if e.name == c {
				best = i
				break
			}
		}
	}
	if best == len(tdsCategories) {
		return consent.Advertising
	}
	return tdsCategories[best].cat
}
