package embed

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/consent"
	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

var goldenCases = []struct {
	name string
	e    Embed
}{
	{"youtube", Embed{Tag: "iframe", URL: "https://www.youtube.com/embed/dQw4w9WgXcQ", Vendor: "YouTube", VendorID: "youtube",
		Category: consent.Functional, Width: "560", Height: "315",
		Attrs: [][2]string{{"width", "560"}, {"height", "315"}, {"title", "YouTube video player"}, {"allow", "autoplay; encrypted-media"}, {"allowfullscreen", ""}}}},
	{"fluid-map", Embed{Tag: "iframe", URL: "https://www.google.com/maps/embed?pb=!1m18&hl=en", Vendor: "Google Maps", VendorID: "google-maps",
		Category: consent.Functional, Width: "100%", Height: "450",
		Attrs: [][2]string{{"width", "100%"}, {"height", "450"}, {"style", "border:0"}, {"loading", "lazy"}}}},
	{"no-size-social-gpc", Embed{Tag: "iframe", URL: "https://platform.twitter.com/embed/Tweet.html?id=1", Vendor: "X (Twitter)", VendorID: "twitter",
		Category: consent.Social, OptedOut: true}},
	{"escaping", Embed{Tag: "iframe", URL: `https://player.vimeo.com/video/1?a=1&b="2"<x>`, Vendor: "Vimé<o>", VendorID: "vimeo",
		Category: consent.Functional, Width: " 640.5px", Height: "360",
		Attrs: [][2]string{{"SRC", "https://evil.example/"}, {"title", "caf\u00e9 \"</script>\" \U0001F600"}, {"on click", "x"}, {"title", "second"}, {"data-x", "a\nb\x01"}}}},
}

func TestPlaceholderGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			got := Placeholder(nil, tc.e)
			file := filepath.Join("testdata", tc.name+".html")
			if *update {
				if err := os.WriteFile(file, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if string(got)+"\n" != string(want) {
				t.Errorf("Placeholder(%s) =\n%s\nwant\n%s", tc.name, got, want)
			}
			checkPlaceholder(t, tc.e, got)
		})
	}
}

func TestParseDimension(t *testing.T) {
	for _, tc := range []struct {
		in  string
		v   float64
		pct bool
		ok  bool
	}{
		{"560", 560, false, true},
		{" \t315px", 315, false, true},
		{"100%", 100, true, true},
		{"33.5%", 33.5, true, true},
		{"12.", 12, false, true},
		{"7.x", 7, false, true},
		{"", 0, false, false},
		{"auto", 0, false, false},
		{"-5", 0, false, false},
		{".5", 0, false, false},
		{"0", 0, false, true},
		{"1e3", 1, false, true},
	} {
		d, ok := ParseDimension(tc.in)
		if ok != tc.ok || d.Value != tc.v || d.Percent != tc.pct {
			t.Errorf("ParseDimension(%q) = %+v, %v; want {%v %v}, %v", tc.in, d, ok, tc.v, tc.pct, tc.ok)
		}
	}
}

func TestBox(t *testing.T) {
	for _, tc := range []struct {
		w, h string
		want Box
		ok   bool
	}{
		{"560", "315", Box{W: 560, H: 315}, true},
		{"", "", Box{W: DefaultWidth, H: DefaultHeight}, true},
		{"100%", "450", Box{W: 800, H: 450, Fluid: true}, true},
		{"100%", "", Box{W: 560, H: 315, Fluid: true}, true},
		{"100%", "50%", Box{W: 560, H: 315, Fluid: true}, true},
		{"99999", "300", Box{W: MaxSide, H: 300}, true},
		{"1", "1", Box{W: 1, H: 1}, false},
		{"0", "0", Box{W: 1, H: 1}, false},
		{"600", "20", Box{W: 600, H: 20}, false},
		{"auto", "400", Box{W: DefaultWidth, H: 400}, true},
	} {
		got, ok := Embed{Width: tc.w, Height: tc.h}.Box()
		if got != tc.want || ok != tc.ok {
			t.Errorf("Box(%q, %q) = %+v, %v; want %+v, %v", tc.w, tc.h, got, ok, tc.want, tc.ok)
		}
	}
}

func TestOffered(t *testing.T) {
	for _, c := range consent.Categories() {
		want := c == consent.Functional || c == consent.Social
		if Offered(c) != want {
			t.Errorf("Offered(%v) = %v", c, !want)
		}
	}
	if !Needed(0) || Needed(consent.SetOf(consent.Functional, consent.Social)) || !Needed(consent.SetOf(consent.Functional)) {
		t.Error("Needed: wrong for nothing / functional+social / functional only")
	}
}

func TestPlaceholderAllocs(t *testing.T) {
	e := goldenCases[0].e
	buf := make([]byte, 0, 4096)
	n := testing.AllocsPerRun(100, func() { buf = Placeholder(buf[:0], e) })
	if n > 5 { // the attribute JSON (builder, name set, lower-cased and UTF-8-checked copies); the markup goes into buf
		t.Errorf("Placeholder: %v allocs, want <= 5", n)
	}
}

// checkPlaceholder parses markup as HTML and checks the invariants: one
// placeholder element whose data-cg-src and data-cg-attrs give back the
// embed's URL and attributes (src dropped, names valid, first wins); no
// attribute anywhere that makes a browser load a URL; ASCII only; every
// element closed; two buttons (one when opted out) with text.
func checkPlaceholder(t *testing.T, e Embed, markup []byte) {
	t.Helper()
	for _, c := range markup {
		if c >= 0x80 {
			t.Fatalf("non-ASCII byte in %s", markup)
		}
	}
	z := html.NewTokenizer(strings.NewReader(string(markup)))
	depth, roots, buttons := 0, 0, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken:
			if depth == 0 {
				roots++
			}
			depth++
			for _, a := range tok.Attr {
				switch a.Key {
				case "src", "href", "srcset", "data", "action", "formaction", "poster", "background":
					t.Fatalf("URL attribute %s=%q in %s", a.Key, a.Val, markup)
				}
				if strings.HasPrefix(a.Key, "on") {
					t.Fatalf("event handler %s in %s", a.Key, markup)
				}
			}
			if tok.Data == "button" {
				buttons++
			}
			if depth == 1 {
				checkRoot(t, e, tok)
			}
		case html.EndTagToken:
			depth--
		}
	}
	if depth != 0 || roots != 1 {
		t.Fatalf("markup not one balanced element (depth %d, roots %d): %s", depth, roots, markup)
	}
	if want := 2; e.OptedOut && buttons != 1 || !e.OptedOut && buttons != want {
		t.Fatalf("%d buttons (opted out %v): %s", buttons, e.OptedOut, markup)
	}
}

func checkRoot(t *testing.T, e Embed, tok html.Token) {
	t.Helper()
	get := func(k string) (string, bool) {
		for _, a := range tok.Attr {
			if a.Key == k {
				return a.Val, true
			}
		}
		return "", false
	}
	if _, ok := get("data-cg-embed"); !ok || tok.Data != "div" {
		t.Fatalf("root is <%s> without data-cg-embed", tok.Data)
	}
	wantURL := strings.ToValidUTF8(e.URL, "\uFFFD")
	if src, _ := get("data-cg-src"); src != cleanControls(wantURL) {
		t.Fatalf("data-cg-src = %q, want %q", src, e.URL)
	}
	if c, _ := get("data-cg-category"); c != e.Category.String() {
		t.Fatalf("data-cg-category = %q", c)
	}
	raw, _ := get("data-cg-attrs")
	var got [][2]string
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("data-cg-attrs %q: %v", raw, err)
	}
	var want [][2]string
	seen := map[string]bool{"src": true}
	for _, a := range e.Attrs {
		n := strings.ToLower(a[0])
		if validName(n) && !seen[n] {
			seen[n] = true
			want = append(want, [2]string{n, strings.ToValidUTF8(a[1], "\uFFFD")})
		}
	}
	if len(got) != len(want) {
		t.Fatalf("data-cg-attrs = %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("data-cg-attrs[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}

// cleanControls is what appendEscaped does to control characters, after
// the HTML parser's newline normalisation.
func cleanControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f {
			return '\uFFFD'
		}
		return r
	}, s)
}

func BenchmarkPlaceholder(b *testing.B) {
	e := goldenCases[0].e
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = Placeholder(buf[:0], e)
	}
	b.SetBytes(int64(len(buf)))
}
