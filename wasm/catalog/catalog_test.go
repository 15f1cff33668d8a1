package catalog

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/consent"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestGolden parses testdata/sample.txt and compares the canonical form and
// the error list with testdata/sample.golden.
func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	c, errs := Parse("sample.txt", data)
	var b bytes.Buffer
	b.WriteString(c.String())
	b.WriteString("\n# errors\n")
	for _, e := range errs {
		fmt.Fprintf(&b, "# %v\n", e)
	}
	golden := filepath.Join("testdata", "sample.golden")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("output differs from %s (go test -update to accept):\n%s", golden, b.String())
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"unknown key", "[a] A\ncategory analytics\nsource https://a.example/\nhots x.com\n", 4, `unknown key "hots"`},
		{"outside section", "host x.com\n", 1, `"host" line outside a [vendor] section`},
		{"bad id", "[A b] x\n", 1, `vendor id "A b"`},
		{"missing bracket", "[abc x\n", 1, `missing ']'`},
		{"duplicate id", "[a] A\ncategory analytics\nsource https://a.example/\n[a] B\n", 4, `duplicate vendor id "a"`},
		{"duplicate host", "[a] A\ncategory analytics\nsource https://a.example/\nhost x.com\nhost X.com\n", 5, `duplicate host "x.com" (first at line 4)`},
		{"missing category", "[a] A\nsource https://a.example/\n", 1, `missing category line`},
		{"missing source", "[a] A\ncategory analytics\n", 1, `missing source line`},
		{"bad category", "[a] A\ncategory nope\n", 2, `unknown category "nope"`},
		{"none category", "[a] A\ncategory none\n", 2, `not a tracker category`},
		{"bad override", "[a] A\ncategory analytics\nsource https://a.example/\nhost x.com category=zzz\n", 4, `category=: unknown category`},
		{"bad host", "[a] A\ncategory analytics\nsource https://a.example/\nhost https://x.com/\n", 4, `bad character ':'`},
		{"empty label", "[a] A\ncategory analytics\nsource https://a.example/\nhost x..com\n", 4, `empty label`},
		{"domain on host", "[a] A\ncategory analytics\nsource https://a.example/\nhost x.com domain=y.com\n", 4, `domain= does not apply`},
		{"unknown option", "[a] A\ncategory analytics\nsource https://a.example/\ncookie c color=red\n", 4, `unknown option "color="`},
		{"junk after value", "[a] A\ncategory analytics\nsource https://a.example/\ncookie c d\n", 4, `unexpected "d"`},
		{"path start", "[a] A\ncategory analytics\nsource https://a.example/\npath tr?id=\n", 4, `must start with '/' or '*'`},
		{"path everything", "[a] A\ncategory analytics\nsource https://a.example/\npath /*\n", 4, `matches every request`},
		{"cookie everything", "[a] A\ncategory analytics\nsource https://a.example/\ncookie **\n", 4, `matches every cookie`},
		{"cookie char", "[a] A\ncategory analytics\nsource https://a.example/\ncookie a;b\n", 4, `bad character ';'`},
		{"source not a URL", "[a] A\ncategory analytics\nsource a.example/x\n", 3, `is not a URL`},
		{"source no host", "[a] A\ncategory analytics\nsource https:///x\n", 3, `has no host`},
		{"owner twice", "[a] A\ncategory analytics\nsource https://a.example/\nowner X\nowner Y\n", 5, `owner: given twice`},
		{"missing value", "[a] A\ncategory analytics\nsource https://a.example/\nhost\n", 4, `host: missing value`},
		{"invalid utf8", "[a] A\ncategory analytics\nsource https://a.example/\nowner \xff\n", 4, `invalid UTF-8`},
		{"control char", "[a] A\x01\n", 1, `control character`},
		{"long line", "[a] A\n" + strings.Repeat("x", maxLine+1) + "\n", 2, `line too long`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := Parse("t.txt", []byte(tt.in))
			for _, err := range errs {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("error %v is not *Error", err)
				}
				if e.File == "t.txt" && e.Line == tt.line && strings.Contains(e.Msg, tt.msg) {
					return
				}
			}
			t.Errorf("want t.txt:%d: ...%s..., got %v", tt.line, tt.msg, errs)
		})
	}
}

func TestParseValues(t *testing.T) {
	in := "\uFEFF# c\r\n[ga] Google Analytics\r\ncategory statistics\nowner  Google LLC \nsource https://a.example/x\n" +
		"host Www.Example.COM.\ncookie NID category=marketing domain=.Google.COM\npath /collect?v=1&tid=UA-&cid&x=y*\n"
	c, errs := Parse("v.txt", []byte(in))
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	want := &Catalog{Name: "v.txt", Vendors: []Vendor{{
		ID: "ga", Name: "Google Analytics", Owner: "Google LLC", Category: consent.Analytics,
		Sources: []string{"https://a.example/x"}, Line: 2,
		Entries: []Entry{
			{Kind: "host", Value: "www.example.com", Category: consent.Analytics, Line: 6},
			{Kind: "cookie", Value: "NID", Category: consent.Advertising, Domain: "google.com", Line: 7},
			{Kind: "path", Value: "/collect?v=1&tid=UA-&cid=&x=y*", Category: consent.Analytics, Line: 8},
		},
	}}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got\n%#v\nwant\n%#v", c, want)
	}
	if got, n := c.Count(KindHost), 1; got != n {
		t.Errorf("Count(host)=%d", got)
	}
	if v, ok := c.Vendor("ga"); !ok || v.Name != "Google Analytics" {
		t.Errorf("Vendor(ga)=%v,%v", v, ok)
	}
}

func TestMatchPath(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/tr", "/tr", true},
		{"/tr", "/tr/", true},
		{"/tr", "/tr/x", true},
		{"/tr", "/track", false},
		{"/tr", "/t", false},
		{"/b/ss/", "/b/ss/rsid/1/H.27", true},
		{"/b/ss/", "/b/ss", false},
		{"/gtm.js", "/gtm.js", true},
		{"/gtm.js", "/gtm.jsx", false},
		{"*/matomo.php", "/matomo.php", true},
		{"*/matomo.php", "/stats/matomo.php", true},
		{"*/matomo.php", "/stats/notmatomo.php", false},
		{"*/matomo.php", "/matomo.php/x", true},
		{"/a/*/c", "/a/b/c", true},
		{"/a/*/c", "/a/b/d/c", true},
		{"/a/*/c", "/a/b/cd", false},
		{"/a/*/c", "/a/b/c/d", true},
		{"/x*", "/xyz", true},
		{"/x*", "/y", false},
		{"/recaptcha/", "/recaptcha/api.js", true},
	}
	for _, tt := range tests {
		if got := MatchPath(tt.pattern, tt.path); got != tt.want {
			t.Errorf("MatchPath(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

func TestPathMatch(t *testing.T) {
	tests := []struct {
		sig, url string
		want     bool
	}{
		{"/g/collect?v=2&tid=G-", "/g/collect?v=2&tid=G-ABC123&cid=1", true},
		{"/g/collect?v=2&tid=G-", "/g/collect?tid=G-ABC&v=2", true},
		{"/g/collect?v=2&tid=G-", "/g/collect?v=22&tid=G-ABC", false},
		{"/g/collect?v=2&tid=G-", "/g/collect?v=2&tid=UA-1", false},
		{"/g/collect?v=2&tid=G-", "/g/collect?v=2&xtid=G-1", false},
		{"/g/collect?v=2&tid=G-", "/g/collect", false},
		{"/tr?id=&ev=", "/tr/?id=123&ev=PageView", true},
		{"/tr?id=&ev=", "/tr?id=123", false},
		{"/tr?id=&ev", "/tr?id=1&ev", true},
		{"/gtm.js?id=GTM-", "/gtm.js?id=GTM-XXXX#frag", true},
		{"/gtm.js?id=GTM*", "/gtm.js?id=GTMX", true},
		{"/p?a=1", "/p?a=1#?b", true},
	}
	for _, tt := range tests {
		p, err := ParsePath(tt.sig)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Match(tt.url); got != tt.want {
			t.Errorf("%q.Match(%q) = %v, want %v", tt.sig, tt.url, got, tt.want)
		}
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"_ga", "_ga", true}, {"_ga", "_gat", false}, {"_ga_*", "_ga_ABC", true}, {"_ga_*", "_ga_", true},
		{"_ga_*", "_ga", false}, {"mp_*_mixpanel", "mp_abc_mixpanel", true}, {"mp_*_mixpanel", "mp_mixpanel", false},
		{"*_x", "a_x_x", true}, {"a*b*c", "aXbYc", true}, {"a*b*c", "aXcYb", false}, {"NID", "nid", false},
	}
	for _, tt := range tests {
		if got := Glob(tt.p, tt.s); got != tt.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tt.p, tt.s, got, tt.want)
		}
	}
}

func TestMatchAllocs(t *testing.T) {
	p, _ := ParsePath("*/matomo.php?idsite=&rec=1")
	n := testing.AllocsPerRun(100, func() {
		p.Match("/stats/matomo.php?idsite=3&rec=1&url=x")
		Glob("mp_*_mixpanel", "mp_abc_mixpanel")
	})
	if n != 0 {
		t.Errorf("allocs = %v, want 0", n)
	}
}

// stripLines zeroes line numbers so catalogs from different texts compare.
func stripLines(c *Catalog) {
	c.Name = ""
	for i := range c.Vendors {
		c.Vendors[i].Line = 0
		for j := range c.Vendors[i].Entries {
			c.Vendors[i].Entries[j].Line = 0
		}
	}
}

// FuzzParse checks that Parse never panics, that every error is an *Error
// with a line inside the input, and that the canonical form round-trips:
// Parse(String(c)) gives the same vendors and entries and the same text.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("testdata/sample.txt"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("[a] A\ncategory analytics\nsource https://a.example/\nhost a.com\npath /x?y=z-\ncookie c* category=ads domain=a.com\n"))
	f.Add([]byte("[a]\n[b] B\ncategory cmp\nsource http://x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, errs := Parse("f.txt", data)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, err := range errs {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Line > lines {
				t.Fatalf("bad error %#v", err)
			}
		}
		text := c.String()
		c2, errs2 := Parse("f.txt", []byte(text))
		for _, err := range errs2 {
			// Only vendor-level omissions (category/source) may be reported again.
			if msg := err.Error(); !strings.Contains(msg, "missing category line") && !strings.Contains(msg, "missing source line") {
				t.Fatalf("canonical form has error %v:\n%s", err, text)
			}
		}
		if text2 := c2.String(); text2 != text {
			t.Fatalf("String not stable:\n%s\n---\n%s", text, text2)
		}
		stripLines(c)
		stripLines(c2)
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("round trip differs:\n%#v\n%#v", c, c2)
		}
	})
}

func ExampleParse() {
	list := `# trackers
[mixpanel] Mixpanel
category analytics
source https://docs.mixpanel.com/
host api-js.mixpanel.com
cookie mp_*_mixpanel
hots typo.example
`
	c, errs := Parse("trackers.txt", []byte(list))
	for _, err := range errs {
		fmt.Println(err)
	}
	v := c.Vendors[0]
	fmt.Println(v.ID, v.Name, v.Category, len(v.Entries))
	fmt.Print(c.String())
	// Output:
	// trackers.txt:7: unknown key "hots"
	// mixpanel Mixpanel analytics 2
	// [mixpanel] Mixpanel
	// category analytics
	// source https://docs.mixpanel.com/
	// host api-js.mixpanel.com
	// cookie mp_*_mixpanel
}

func ExamplePath_Match() {
	p, _ := ParsePath("/g/collect?v=2&tid=G-")
	fmt.Println(p.Match("/g/collect?v=2&tid=G-XYZ123&_p=1"))
	fmt.Println(p.Match("/g/collect?v=2&tid=UA-1-1"))
	// Output:
	// true
	// false
}

func ExampleGlob() {
	fmt.Println(Glob("_ga_*", "_ga_2XYZ"), Glob("mp_*_mixpanel", "mp_123_mixpanel"), Glob("_ga", "_gat"))
	// Output: true true false
}

// BenchmarkParse parses the shipped tracker list.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("../../policylists/trackers.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := Parse("trackers.txt", data); len(errs) > 0 {
			b.Fatal(errs[0])
		}
	}
}
