package consent

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var testSecret = []byte("0123456789abcdef-site-secret")

func TestCookieRoundTrip(t *testing.T) {
	now := time.Unix(1764672000, 0)
	for _, g := range []Set{0, SetOf(Necessary), SetOf(Analytics, Advertising), All} {
		v := EncodeCookie(State{Granted: g, GPC: true}, testSecret, now)
		st, err := DecodeCookieAt(v, testSecret, now.Add(time.Hour))
		if err != nil {
			t.Fatalf("%v: %v", v, err)
		}
		if st != (State{Granted: g, Recorded: true}) {
			t.Errorf("%v decoded to %+v", v, st)
		}
		if len(v) != len("v1.0000.1764672000.")+22 {
			t.Errorf("unexpected length: %q", v)
		}
	}
	// Bits outside the categories are not stored.
	v := EncodeCookie(State{Granted: 0xffff}, testSecret, now)
	if st, err := DecodeCookieAt(v, testSecret, now); err != nil || st.Granted != All {
		t.Errorf("0xffff stored as %v, %v", st.Granted, err)
	}
}

func TestCookieRejects(t *testing.T) {
	now := time.Unix(1764672000, 0)
	good := EncodeCookie(State{Granted: SetOf(Analytics)}, testSecret, now)
	parts := strings.Split(good, ".")
	forge := func(body string) string { // a value signed with another secret
		v := EncodeCookie(State{}, []byte("another-secret-0123456789"), now)
		_ = v
		return body
	}
	tests := []struct {
		name string
		v    string
		at   time.Time
		want error
	}{
		{"granted flipped", "v1.00ff." + parts[2] + "." + parts[3], now, ErrCookieSignature},
		{"time changed", parts[0] + "." + parts[1] + ".1764672001." + parts[3], now, ErrCookieSignature},
		{"other secret", EncodeCookie(State{Granted: All}, []byte("another-secret-0123456789"), now), now, ErrCookieSignature},
		{"sig char changed", good[:len(good)-1] + string("AB"[boolInt(good[len(good)-1] == 'A')]), now, ErrCookieSignature},
		{"expired", good, now.Add(CookieMaxAge + time.Second), ErrCookieExpired},
		{"just valid", good, now.Add(CookieMaxAge), nil},
		{"future", good, now.Add(-time.Hour), ErrCookieFuture},
		{"small skew", good, now.Add(-time.Minute), nil},
		{"v2", "v2." + parts[1] + "." + parts[2] + "." + parts[3], now, ErrCookieVersion},
		{"garbage", "hello", now, ErrCookieFormat},
		{"empty", "", now, ErrCookieFormat},
		{"missing parts", "v1.0008", now, ErrCookieFormat},
		{"short sig", parts[0] + "." + parts[1] + "." + parts[2] + ".abc", now, ErrCookieFormat},
		{"padded sig", good + "==", now, ErrCookieFormat},
		{"long", good + strings.Repeat("x", 100), now, ErrCookieFormat},
		{"forged", forge("v1.01fe.1764672000.AAAAAAAAAAAAAAAAAAAAAA"), now, ErrCookieSignature},
	}
	for _, tt := range tests {
		_, err := DecodeCookieAt(tt.v, testSecret, tt.at)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: DecodeCookieAt(%q) = %v, want %v", tt.name, tt.v, err, tt.want)
		}
	}
	if _, err := DecodeCookie(good, []byte("short")); !errors.Is(err, ErrCookieSecret) {
		t.Errorf("short secret: %v", err)
	}
	if EncodeCookie(State{}, []byte("short"), now) != "" {
		t.Error("encoded with a short secret")
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FuzzDecodeCookie: a value decodes only if it is exactly what EncodeCookie
// writes for the decoded grants and time; Encode -> Decode round-trips.
func FuzzDecodeCookie(f *testing.F) {
	now := time.Unix(1764672000, 0)
	f.Add(EncodeCookie(State{Granted: SetOf(Analytics)}, testSecret, now), uint16(8), int64(1764672000))
	f.Add("v1.0000.0.AAAAAAAAAAAAAAAAAAAAAA", uint16(0xffff), int64(0))
	f.Add("v1.01FE.1764672000.q0ktT0dQbwgfMjjeYkIc2A", uint16(3), int64(-5))
	f.Fuzz(func(t *testing.T, v string, granted uint16, ts int64) {
		at := time.Unix(ts, 0)
		if ts >= 0 && ts < 1<<40 {
			enc := EncodeCookie(State{Granted: Set(granted)}, testSecret, at)
			st, err := DecodeCookieAt(enc, testSecret, at)
			if err != nil || st.Granted != Set(granted)&All || !st.Recorded {
				t.Fatalf("round trip %#x at %d: %q -> %+v, %v", granted, ts, enc, st, err)
			}
		}
		st, err := DecodeCookieAt(v, testSecret, now)
		if err != nil {
			return
		}
		// Accepted: it must be the canonical encoding of what it decoded
		// to, at the time it carries.
		parts := strings.Split(v, ".")
		if len(parts) != 4 {
			t.Fatalf("accepted %q", v)
		}
		var sec int64
		if _, err := fmt.Sscan(parts[2], &sec); err != nil {
			t.Fatalf("accepted %q: %v", v, err)
		}
		if EncodeCookie(st, testSecret, time.Unix(sec, 0)) != v {
			t.Fatalf("accepted non-canonical %q", v)
		}
	})
}

func BenchmarkDecodeCookie(b *testing.B) {
	now := time.Unix(1764672000, 0)
	v := EncodeCookie(State{Granted: SetOf(Analytics)}, testSecret, now)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeCookieAt(v, testSecret, now); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleEncodeCookie() {
	secret := []byte("a site secret of 16+ bytes")
	now := time.Unix(1764672000, 0)
	v := EncodeCookie(State{Granted: SetOf(Necessary, Analytics)}, secret, now)
	st, err := DecodeCookieAt(v, secret, now)
	fmt.Println(v[:19], st.Granted, st.Recorded, err)
	// Output: v1.000a.1764672000. necessary,analytics true <nil>
}
