package audit

import (
	"testing"
)

func TestDecodeGCS(t *testing.T) {
	for _, c := range []struct {
		in, ad, an string
		ok         bool
	}{
		{"G100", "denied", "denied", true},
		{"G111", "granted", "granted", true},
		{"G101", "denied", "granted", true},
		{"G110", "granted", "denied", true},
		{"G1--", "", "", true},
		{"G1-1", "", "granted", true},
		{"G2", "", "", false},
		{"G1x1", "", "", false},
		{"", "", "", false},
		{"G1111", "", "", false},
	} {
		ad, an, ok := DecodeGCS(c.in)
		if ad != c.ad || an != c.an || ok != c.ok {
			t.Errorf("DecodeGCS(%q) = %q, %q, %v; want %q, %q, %v", c.in, ad, an, ok, c.ad, c.an, c.ok)
		}
	}
}

func TestDecodeGCD(t *testing.T) {
	for _, c := range []struct {
		in   string
		want [4]string
		ok   bool
	}{
		{"13p3p3p3p5l1", [4]string{"denied", "denied", "denied", "denied"}, true},
		{"13r3r3r3r5l1", [4]string{"granted", "granted", "granted", "granted"}, true},
		{"13p3r3p3p5l1", [4]string{"denied", "granted", "denied", "denied"}, true},
		{"11l1l1l1l5", [4]string{}, true},
		{"13v3u3t3q5", [4]string{"granted", "denied", "granted", "denied"}, true},
		{"13z3r3r3r5", [4]string{}, false},
		{"23r3r3r3r5", [4]string{}, false},
		{"13r", [4]string{}, false},
		{"1xrxrxrxr5", [4]string{}, false},
	} {
		got, ok := DecodeGCD(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("DecodeGCD(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestConsentModeOf(t *testing.T) {
	cm, ok := consentModeOf("https://www.google-analytics.com/g/collect?v=2&tid=G-X&gcs=G101&gcd=13p3r3p3p5l1", "")
	if !ok || cm.AdStorage != "denied" || cm.AnalyticsStorage != "granted" || !cm.Granted() {
		t.Errorf("query: %+v %v", cm, ok)
	}
	cm, ok = consentModeOf("https://region1.google-analytics.com/g/collect", "v=2&gcs=G100&en=page_view")
	if !ok || cm.AdStorage != "denied" || cm.AnalyticsStorage != "denied" || cm.Granted() {
		t.Errorf("post body: %+v %v", cm, ok)
	}
	if _, ok := consentModeOf("https://example.com/?q=1", ""); ok {
		t.Error("no gcs/gcd: want ok false")
	}
}

// FuzzDecodeConsentMode: decoding never panics, a decoded state holds only
// granted, denied or "", and a malformed value decodes to nothing.
func FuzzDecodeConsentMode(f *testing.F) {
	for _, s := range []string{"G100", "G1-1", "13p3r3p3p5l1", "11l1l1l1l5", "", "G1\xff0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		valid := func(v string) bool { return v == "" || v == granted || v == denied }
		ad, an, ok := DecodeGCS(s)
		if !valid(ad) || !valid(an) || (!ok && (ad != "" || an != "")) {
			t.Fatalf("DecodeGCS(%q) = %q %q %v", s, ad, an, ok)
		}
		st, ok := DecodeGCD(s)
		for _, v := range st {
			if !valid(v) || (!ok && v != "") {
				t.Fatalf("DecodeGCD(%q) = %v %v", s, st, ok)
			}
		}
		consentModeOf("https://x.example/?gcs="+s+"&gcd="+s, "gcs="+s)
	})
}
