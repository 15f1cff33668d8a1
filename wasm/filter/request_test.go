package filter

import (
	"fmt"
	"strings"
	"testing"
)

// TestLowerInto checks the eight-bytes-at-a-time lower-casing against a
// byte loop, around every byte value and word boundary.
func TestLowerInto(t *testing.T) {
	for i := 0; i < 256; i++ {
		for _, pre := range []string{"", "abcdefg", "ABCDEFGHIJK\xc3\xa9\xc4"} {
			s := pre + string([]byte{byte(i)}) + "xYz\xff\x80AZaz@[`{" + string([]byte{byte(i), byte(255 - i)})
			got, _ := lowerInto(nil, s)
			want := []byte(s)
			for j, c := range want {
				if c >= 'A' && c <= 'Z' {
					want[j] = c + 32
				}
			}
			if got != string(want) {
				t.Fatalf("%q: %q want %q", s, got, want)
			}
		}
	}
}

// TestContains checks contains (a SWAR scan under wasm) against
// strings.Contains on every substring of a few strings and some misses.
func TestContains(t *testing.T) {
	cases := []string{"", "a", "ab", "abc", "/ads/", "xxxxxxxxxxxxxxxxxxxxxxxx", "https://a.b/c?d=e&f=g/ads/x.js", "\x00\x01\x80\xff", "aaaaaaaaaaaaaaaab"}
	for _, s := range cases {
		for i := 0; i <= len(s); i++ {
			for j := i; j <= len(s); j++ {
				p := s[i:j]
				if got, want := contains(s, p), strings.Contains(s, p); got != want {
					t.Fatalf("contains(%q, %q) = %v", s, p, got)
				}
			}
		}
		for _, p := range []string{"b", "ba", "zz", "ads/", "\x01\x81", "aab", "aaaaaaaaaaaaaaaaab", "/c?d=e&f=g/ads/x.jss"} {
			if got, want := contains(s, p), strings.Contains(s, p); got != want {
				t.Fatalf("contains(%q, %q) = %v", s, p, got)
			}
		}
	}
}

// TestTokenize checks the request's token hashes (short tokens hashed
// inline) against nextToken/tokenHash, which the rules' tokens use.
func TestTokenize(t *testing.T) {
	for _, s := range []string{
		"https://www.example.com/a/bb/ccc/dddd/eeeee/ffffff/ggggggg/hhhhhhhh/iiiiiiiii?x=12345678901234567890&y=z",
		"https://ab.cd/EFGH%20ij",
		"wss://x.y/zz",
	} {
		var r Request
		if err := r.Reset(s, "", TypeOther); err != nil {
			t.Fatal(err)
		}
		var want []uint32
		for i := 0; ; {
			h, next, ok := nextToken(r.lower, i)
			if !ok {
				break
			}
			want = append(want, h)
			i = next
		}
		if fmt.Sprint(want) != fmt.Sprint(r.tokens[:r.ntok]) {
			t.Errorf("%s:\n%v\n%v", s, want, r.tokens[:r.ntok])
		}
	}
}

// TestHostKey: which rules are indexed by host (and with which host).
func TestHostKey(t *testing.T) {
	tests := []struct {
		rule, host string
	}{
		{"||ads.com^", "ads.com"},
		{"||x.com/i/jot", "x.com"},
		{"||a.b.c:8080/x", "a.b.c"},
		{"||ads.com^$third-party,script", "ads.com"},
		{"||ads.com/*/x", "ads.com"},
		{"||ads.com", ""},     // host-only: label-boundary semantics, token index
		{"||ads.com*x", ""},   // '*' after the host
		{"||ads.com%20/", ""}, // '%' is not a separator
		{"||ads.com^|", "ads.com"},
		{"|https://ads.com/", ""},
		{"ads.com^", ""},
		{"||Ads.com^$match-case", ""},
		{"/ads.com^/", ""},
	}
	for _, tt := range tests {
		r, err := ParseRule(tt.rule)
		if err != nil {
			t.Fatalf("%s: %v", tt.rule, err)
		}
		h, ok := hostKey(r)
		if ok != (tt.host != "") || h != tt.host {
			t.Errorf("hostKey(%s) = %q, %v; want %q", tt.rule, h, ok, tt.host)
		}
	}
}
