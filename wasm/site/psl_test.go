package site

import (
	"strings"
	"testing"
	"time"
)

func TestPublicSuffix(t *testing.T) {
	tests := []struct {
		in, want string
		icann    bool
	}{
		{"www.bbc.co.uk", "co.uk", true},
		{"co.uk", "co.uk", true},
		{"uk", "uk", true},
		{"example.com", "com", true},
		{"foo.github.io", "github.io", false},     // private rule
		{"github.io", "github.io", false},         // the rule itself
		{"example.cromulent", "cromulent", false}, // no rule: default "*"
		{"cromulent", "cromulent", false},
		{"a.b.c.ck", "c.ck", true},                 // wildcard *.ck
		{"c.ck", "c.ck", true},                     // wildcard matches the last label
		{"www.ck", "ck", true},                     // exception !www.ck
		{"a.www.ck", "ck", true},                   // exception, deeper host
		{"x.y.kawasaki.jp", "y.kawasaki.jp", true}, // *.kawasaki.jp
		{"city.kawasaki.jp", "kawasaki.jp", true},  // !city.kawasaki.jp
		{"xn--85x722f.xn--55qx5d.cn", "xn--55qx5d.cn", true},
		{"127.0.0.1", "127.0.0.1", false},
		{"::1", "::1", false},
		{"", "", false},
		{"com.", "", false}, // empty last label: default rule gives ""
		{"a..com", "com", true},
	}
	for _, tc := range tests {
		got, icann := PublicSuffix(tc.in)
		if got != tc.want || icann != tc.icann {
			t.Errorf("PublicSuffix(%q) = %q, %v; want %q, %v", tc.in, got, icann, tc.want, tc.icann)
		}
	}
}

// TestPSLData checks that the embedded list parses without a bad line and
// holds both sections and the rule kinds the lookup relies on.
func TestPSLData(t *testing.T) {
	m := pslTable()
	for _, err := range psl.errs {
		t.Error(err)
	}
	var normal, wild, exc, priv int
	for key, f := range m {
		if key == "" || strings.HasPrefix(key, ".") {
			t.Errorf("bad key %q", key)
		}
		if f&nNormal != 0 {
			normal++
		}
		if f&nWildcard != 0 {
			wild++
		}
		if f&nException != 0 {
			exc++
		}
		if f&nPrivate != 0 {
			priv++
		}
		if i := strings.IndexByte(key, '.'); i >= 0 {
			if _, ok := m[key[i+1:]]; !ok {
				t.Errorf("parent of %q missing", key)
			}
		}
	}
	if normal < 5000 || wild < 10 || exc < 5 || priv < 1000 {
		t.Errorf("normal %d, wildcard %d, exception %d, private %d: list incomplete", normal, wild, exc, priv)
	}
}

func TestParsePSLErrors(t *testing.T) {
	data := strings.Join([]string{
		"// header",
		"// ===BEGIN ICANN DOMAINS===",
		"com",
		"Bad.com", // 4: upper case
		"a..com",  // 5: empty label
		"!com",    // 6: exception with one label
		"*.",      // 7: empty wildcard
		"x.com.",  // 8: trailing dot
		"ex.com",
		"!ex.com", // 10: conflicts with ex.com
		"  spaced.com  ",
		"// ===END ICANN DOMAINS===",
		"// ===BEGIN PRIVATE DOMAINS===",
		"*.priv.com",
		"!www.priv.com",
		"",
	}, "\n")
	m, errs := parsePSL(data)
	wantLines := []string{"psl.dat:4:", "psl.dat:5:", "psl.dat:6:", "psl.dat:7:", "psl.dat:8:", "psl.dat:10:"}
	if len(errs) != len(wantLines) {
		t.Fatalf("errors %v, want %d", errs, len(wantLines))
	}
	for i, err := range errs {
		if !strings.HasPrefix(err.Error(), wantLines[i]) {
			t.Errorf("error %d = %v, want prefix %s", i, err, wantLines[i])
		}
	}
	want := map[string]uint8{
		"com":          nNormal,
		"ex.com":       nNormal,
		"spaced.com":   nNormal,
		"priv.com":     nWildcard | nPrivate,
		"www.priv.com": nException | nPrivate,
	}
	if len(m) != len(want) {
		t.Errorf("table %v, want %v", m, want)
	}
	for k, f := range want {
		if m[k] != f {
			t.Errorf("m[%q] = %b, want %b", k, m[k], f)
		}
	}
}

func TestLookupAllocs(t *testing.T) {
	hosts := []string{"www.bbc.co.uk", "a.b.c.ck", "www.ck", "x.foo.github.io", "example.cromulent", "securepubads.g.doubleclick.net", "127.0.0.1"}
	n := testing.AllocsPerRun(100, func() {
		for _, h := range hosts {
			_, _ = PublicSuffix(h)
			_ = Domain(h)
		}
	})
	if n != 0 {
		t.Fatalf("PublicSuffix+Domain allocate %v times, want 0", n)
	}
}

func BenchmarkPublicSuffix(b *testing.B) {
	b.ReportAllocs()
	hosts := []string{"securepubads.g.doubleclick.net", "www.bbc.co.uk", "x.foo.github.io", "a.b.c.ck"}
	pslTable()
	for i := 0; b.Loop(); i++ {
		_, _ = PublicSuffix(hosts[i&3])
	}
}

func BenchmarkDomain(b *testing.B) {
	b.ReportAllocs()
	pslTable()
	for b.Loop() {
		_ = Domain("securepubads.g.doubleclick.net")
	}
}

// BenchmarkPSLInit measures building the lookup table from psl.dat, the work
// done once at first use.
func BenchmarkPSLInit(b *testing.B) {
	b.ReportAllocs()
	fastest := time.Duration(1 << 62)
	for b.Loop() {
		start := time.Now()
		m, _ := parsePSL(pslData)
		fastest = min(fastest, time.Since(start))
		if len(m) < 10000 {
			b.Fatal(len(m))
		}
	}
	// The fastest run is the cost without preemption by other processes.
	b.ReportMetric(float64(fastest.Nanoseconds()), "min-ns/op")
}
