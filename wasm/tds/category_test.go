package tds

import (
	"testing"

	"github.com/consentguard/consentguard/wasm/consent"
)

func TestConsentCategory(t *testing.T) {
	tests := []struct {
		r    Result
		want consent.Category
	}{
		{Result{}, consent.None},
		{Result{Tracker: "a", Category: "Analytics,Audience Measurement"}, consent.Analytics},
		{Result{Tracker: "a", Category: "Analytics,Advertising"}, consent.Advertising},
		{Result{Tracker: "a", Category: "Session Replay,Analytics"}, consent.SessionReplay},
		{Result{Tracker: "a", Category: "Social - Share,Embedded Content"}, consent.Social},
		{Result{Tracker: "a", Category: "Consent Management Platform,Advertising"}, consent.Consent},
		{Result{Tracker: "a", Category: "CDN"}, consent.Necessary},
		{Result{Tracker: "a", Category: ""}, consent.Advertising},
		{Result{Tracker: "a", Category: "Something New"}, consent.Advertising},
	}
	for _, tt := range tests {
		if got := tt.r.ConsentCategory(); got != tt.want {
			t.Errorf("%q: %v, want %v", tt.r.Category, got, tt.want)
		}
	}
}
