// Package engine combines the network filter, the tracker catalog, the cookie
// catalog and the parameter stripper into one decision point: for every
// request and cookie, is it a tracker, of which vendor and category, and does
// the visitor's consent allow it.
package engine

import "github.com/consentguard/consentguard/wasm/consent"

// Action is what to do with a request, element or cookie.
type Action uint8

// The actions.
const (
	Allow Action = iota
	Block
)

// String returns "allow" or "block".
func (a Action) String() string {
	if a == Block {
		return "block"
	}
	return "allow"
}

// MarshalText implements encoding.TextMarshaler.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Decision is the verdict on one request.
type Decision struct {
	Action     Action
	Category   consent.Category // None for a non-tracker
	Vendor     string           // vendor id ("google-analytics"), "" when unknown
	VendorName string           // display name
	ThirdParty bool
	// Rule names what classified the request: "host google-analytics.com",
	// "path /g/collect?v=2&tid=G-", "easyprivacy.txt: ||example.com^", ...
	Rule string
	// Reason says why the action was taken: "category analytics not
	// consented", "GPC opt-out", "exception rule", "not a tracker", ...
	Reason string
}
