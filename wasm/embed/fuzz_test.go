package embed

import (
	"testing"

	"github.com/consentguard/consentguard/wasm/consent"
)

// FuzzParseDimension checks that the parser never panics, accepts exactly
// values with a leading number, and gives a non-negative finite value.
func FuzzParseDimension(f *testing.F) {
	for _, s := range []string{"560", "100%", " 33.5%", "", "auto", "1e999", "00000000000000000000000000000000001.5px"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDimension(s)
		i := 0
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		lead := i < len(s) && s[i] >= '0' && s[i] <= '9'
		if ok != lead {
			t.Fatalf("ParseDimension(%q) ok = %v, leading digit %v", s, ok, lead)
		}
		if d.Value < 0 || d.Value != d.Value {
			t.Fatalf("ParseDimension(%q) = %v", s, d.Value)
		}
		b, _ := Embed{Width: s, Height: s}.Box()
		if b.W < 1 || b.W > MaxSide || b.H < 1 || b.H > MaxSide {
			t.Fatalf("Box(%q) = %+v out of bounds", s, b)
		}
	})
}

// FuzzPlaceholder renders placeholders from arbitrary strings and checks
// the invariants of checkPlaceholder (parsed back with x/net/html).
func FuzzPlaceholder(f *testing.F) {
	for _, tc := range goldenCases {
		a0, v0 := "", ""
		if len(tc.e.Attrs) > 0 {
			a0, v0 = tc.e.Attrs[0][0], tc.e.Attrs[0][1]
		}
		f.Add(tc.e.URL, tc.e.Vendor, tc.e.Width, tc.e.Height, a0, v0, uint8(tc.e.Category), tc.e.OptedOut)
	}
	f.Fuzz(func(t *testing.T, u, vendor, w, h, an, av string, cat uint8, optedOut bool) {
		e := Embed{Tag: "iframe", URL: u, Vendor: vendor, VendorID: vendor, Category: consent.Category(cat % 11),
			Width: w, Height: h, Attrs: [][2]string{{an, av}, {"title", av}}, OptedOut: optedOut}
		checkPlaceholder(t, e, Placeholder(nil, e))
	})
}
