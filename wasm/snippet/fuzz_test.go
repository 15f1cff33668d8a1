package snippet

import (
	"regexp"
	"strings"
	"sync"
	"testing"
)

var unanchored sync.Map

func regexpUnanchored(g sig) *regexp.Regexp {
	if r, ok := unanchored.Load(g.Signature); ok {
		return r.(*regexp.Regexp)
	}
	r := regexp.MustCompile(strings.TrimPrefix(g.Signature, "re:"))
	unanchored.Store(g.Signature, r)
	return r
}

// FuzzMatch checks that the prefiltered matcher agrees with searching every
// signature on its own (leftmost offset, first listed on ties).
func FuzzMatch(f *testing.F) {
	s := loadList(f)
	for _, tc := range realSnippets {
		f.Add([]byte(tc.script))
	}
	f.Add([]byte("gtag( 'config' , \"AW-1\") fbq('init'"))
	f.Add([]byte("xx_paq.push(gtm.startga('create','UA-"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, gok := s.Match(b)
		want, wok := naive(s, b)
		if gok != wok || got != want {
			t.Fatalf("Match = %+v,%v; reference %+v,%v", got, gok, want, wok)
		}
	})
}

// FuzzParse checks that a parsed list only holds signatures that match
// themselves, and that every good line round-trips through its fields.
func FuzzParse(f *testing.F) {
	f.Add([]byte("a | analytics | abcd | src\nb | advertising | re:fbq\\(\\s*x | s\n"))
	f.Add([]byte("bad\n|||\nv|consent|re:((|x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, errs := Parse("f", data)
		var text strings.Builder
		for _, g := range s.sigs {
			if len(g.lit) < MinSignature {
				t.Fatalf("short signature %q", g.lit)
			}
			if g.re == nil {
				if m, ok := s.Match(g.lit); !ok || m.Offset != 0 {
					t.Fatalf("literal %q does not match itself: %+v", g.lit, m)
				}
			}
			text.WriteString(g.Vendor + " | " + g.Category.String() + " | " + g.Signature + " | " + g.Source + "\n")
		}
		s2, errs2 := Parse("f2", []byte(text.String()))
		if len(errs2) != 0 || s2.Len() != s.Len() {
			t.Fatalf("round trip: %d -> %d signatures, errors %v (first pass errors %d)", s.Len(), s2.Len(), errs2, len(errs))
		}
		for i := range s.sigs {
			if s.sigs[i].Match != s2.sigs[i].Match {
				t.Fatalf("round trip changed %+v to %+v", s.sigs[i].Match, s2.sigs[i].Match)
			}
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	s := loadList(b)
	clean := []byte(strings.Repeat("function f(a){return a.map(function(x){return x+1})} var dataLayer=[]; ", 200))
	b.SetBytes(int64(len(clean)))
	b.ReportAllocs()
	for b.Loop() {
		s.Match(clean)
	}
}
