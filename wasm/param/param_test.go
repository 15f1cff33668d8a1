package param

import (
	"flag"
	"fmt"
	"github.com/consentguard/consentguard/internal/fixture"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func mustNew(t testing.TB, names ...string) *Stripper {
	t.Helper()
	s, err := New(names)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStrip(t *testing.T) {
	s := mustNew(t, "utm_*", "gclid", "fbclid", "bad.")
	tests := []struct {
		in, want string
		n        int
	}{
		{"https://a.com/", "https://a.com/", 0},
		{"https://a.com/?", "https://a.com/?", 0},
		{"https://a.com/?q=1", "https://a.com/?q=1", 0},
		{"https://a.com/?gclid=1", "https://a.com/", 1},
		{"https://a.com/?gclid", "https://a.com/", 1},
		{"https://a.com/?gclid=", "https://a.com/", 1},
		{"https://a.com/?gclid=1#frag", "https://a.com/#frag", 1},
		{"https://a.com/?q=1&gclid=1#frag?gclid=2", "https://a.com/?q=1#frag?gclid=2", 1},
		{"https://a.com/#x?gclid=1", "https://a.com/#x?gclid=1", 0},
		{"https://a.com/?utm_source=x&utm_medium=y&b=2", "https://a.com/?b=2", 2},
		{"https://a.com/?utm_=x", "https://a.com/", 1},
		{"https://a.com/?utm=x", "https://a.com/?utm=x", 0},
		{"https://a.com/?UTM_SOURCE=x", "https://a.com/?UTM_SOURCE=x", 0},
		{"https://a.com/?utm%5Fsource=x", "https://a.com/?utm%5Fsource=x", 0},
		{"https://a.com/?a=1&&gclid=2&&b=3", "https://a.com/?a=1&&&b=3", 1},
		{"https://a.com/?a=%20b&gclid=1&c=d%2Fe", "https://a.com/?a=%20b&c=d%2Fe", 1},
		{"https://a.com/?bad.=1&badx=2", "https://a.com/?badx=2", 1},
		{"https://a.com/?x=gclid&gclid=gclid", "https://a.com/?x=gclid", 1},
		{"/relative?gclid=1&q=2", "/relative?q=2", 1},
		{"?gclid=1", "", 1},
		{"", "", 0},
		{"https://a.com/?a=1;gclid=2", "https://a.com/?a=1;gclid=2", 0},
	}
	for _, tt := range tests {
		got, n := s.Strip(tt.in)
		if got != tt.want || n != tt.n {
			t.Errorf("Strip(%q) = %q, %d; want %q, %d", tt.in, got, n, tt.want, tt.n)
		}
	}
}

func TestStripFor(t *testing.T) {
	s := mustNew(t, "gclid").WithExceptions("Allowed.com")
	tests := []struct{ in, initiator, want string }{
		{"https://a.com/?gclid=1", "", "https://a.com/"},
		{"https://allowed.com/?gclid=1", "", "https://allowed.com/?gclid=1"},
		{"https://x.allowed.com/?gclid=1", "", "https://x.allowed.com/?gclid=1"},
		{"https://notallowed.com/?gclid=1", "", "https://notallowed.com/"},
		{"https://a.com/?gclid=1", "https://x.allowed.com/", "https://a.com/?gclid=1"},
		{"https://a.com/?gclid=1", "https://b.com/", "https://a.com/"},
	}
	for _, tt := range tests {
		if got, _ := s.StripFor(tt.in, tt.initiator); got != tt.want {
			t.Errorf("StripFor(%q, %q) = %q, want %q", tt.in, tt.initiator, got, tt.want)
		}
	}
}

func TestNewErrors(t *testing.T) {
	for _, n := range []string{"", "*", "a*b", "a b", "a&b", "a=b", "a#", "a?", "a\x00"} {
		if _, err := New([]string{n}); err == nil {
			t.Errorf("New(%q): no error", n)
		}
	}
}

func TestParseErrors(t *testing.T) {
	s, errs := Parse("x.txt", []byte("# comment\ngclid # trailing\n\nbad*name\nutm_*\n a=b \nfbclid#comment\n"))
	if len(errs) != 2 {
		t.Fatalf("errors = %v, want 2", errs)
	}
	if !strings.HasPrefix(errs[0].Error(), "x.txt:4: ") || !strings.HasPrefix(errs[1].Error(), "x.txt:6: ") {
		t.Errorf("errors do not name file:line: %v", errs)
	}
	want := []string{"fbclid", "gclid", "utm_*"}
	if got := s.Names(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Names() = %v, want %v", got, want)
	}
}

// Nothing removed: no allocation (the contract for the extension's
// per-navigation hook and the edge's per-request path).
func TestStripNoAlloc(t *testing.T) {
	s := defaultStripper(t)
	urls := []string{
		"https://www.example.com/test.html?q=test&id=5&page=2#top",
		"https://www.example.com/",
		"https://www.example.com/?UTM_SOURCE=x&gclid2=y",
	}
	for _, u := range urls {
		if n := testing.AllocsPerRun(200, func() { s.Strip(u) }); n != 0 {
			t.Errorf("Strip(%q): %v allocs, want 0", u, n)
		}
	}
	// Removing costs exactly one allocation (the result).
	u := "https://www.example.com/test.html?q=test&utm_source=x&gclid=1&id=5"
	if n := testing.AllocsPerRun(200, func() { s.Strip(u) }); n != 1 {
		t.Errorf("Strip with removal: %v allocs, want 1", n)
	}
}

func defaultStripper(t testing.TB) *Stripper {
	data, err := os.ReadFile(filepath.Join(fixture.Root(t), "policylists", "params.txt"))
	if err != nil {
		t.Fatal(err)
	}
	s, errs := Parse("params.txt", data)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return s
}

// Golden: testdata/urls.txt through the default list.
func TestGolden(t *testing.T) {
	s := defaultStripper(t)
	in, err := os.ReadFile("testdata/urls.txt")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(string(in), "\n"), "\n") {
		out, n := s.Strip(line)
		fmt.Fprintf(&b, "%d\t%s\n", n, out)
	}
	golden := "testdata/urls.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if b.String() != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", golden, b.String())
	}
}

func BenchmarkStrip(b *testing.B) {
	s := defaultStripper(b)
	for _, bc := range []struct{ name, url string }{
		{"clean", "https://www.example.com/products/shoes?color=red&size=42&page=2#reviews"},
		{"tracked", "https://www.example.com/products/shoes?color=red&utm_source=news&utm_medium=email&gclid=abc123&size=42"},
		{"noquery", "https://www.example.com/products/shoes"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Strip(bc.url)
			}
		})
	}
}

func ExampleStripper_Strip() {
	s, _ := New([]string{"utm_*", "gclid", "fbclid"})
	clean, n := s.Strip("https://shop.example/item?id=7&utm_source=mail&utm_medium=email&gclid=Cj0K#specs")
	fmt.Println(clean, n)
	// Output: https://shop.example/item?id=7#specs 3
}

func ExampleParse() {
	s, errs := Parse("mine.txt", []byte("# click ids\ngclid\nutm_*\n"))
	fmt.Println(s.Names(), len(errs))
	// Output: [gclid utm_*] 0
}

// queryNames returns the raw parameter names of u in order.
func queryNames(rawquery string) []string {
	var out []string
	if rawquery == "" {
		return nil
	}
	for _, seg := range strings.Split(rawquery, "&") {
		out = append(out, paramName(seg))
	}
	return out
}

func splitQuery(u string) (before, query, frag string, ok bool) {
	q := strings.IndexByte(u, '?')
	h := strings.IndexByte(u, '#')
	if q < 0 || (h >= 0 && h < q) {
		return u, "", "", false
	}
	end := len(u)
	if h >= 0 {
		end = h
	}
	return u[:q], u[q+1 : end], u[end:], true
}

func FuzzStrip(f *testing.F) {
	for _, s := range []string{
		"https://a.com/?utm_source=x&q=1&gclid=2#f",
		"http://www.example.com/test.html?a=123&fbclid&gclid&b=456",
		"?", "#?gclid", "a?b&&c=&gclid=#", "https://a.com/?%zz=1&utm_x=%",
		"https://[::1]:80/p?q=1&fbclid=2",
	} {
		f.Add(s)
	}
	st, err := New([]string{"utm_*", "gclid", "fbclid", "msclkid"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, n := st.Strip(in)
		// Idempotent.
		if again, m := st.Strip(out); again != out || m != 0 {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
		}
		before, q, frag, ok := splitQuery(in)
		if !ok {
			if out != in || n != 0 {
				t.Fatalf("no query but changed: %q -> %q", in, out)
			}
			return
		}
		// Everything outside the query is byte for byte the same.
		if !strings.HasPrefix(out, before) || !strings.HasSuffix(out, frag) {
			t.Fatalf("outside of query changed: %q -> %q", in, out)
		}
		// The kept parameters are exactly the non-tracking ones, in order.
		var kept []string
		removed := 0
		for _, seg := range strings.Split(q, "&") {
			if st.Tracking(paramName(seg)) {
				removed++
			} else {
				kept = append(kept, seg)
			}
		}
		if removed != n {
			t.Fatalf("removed %d, reported %d: %q", removed, n, in)
		}
		var want string
		switch {
		case removed == 0:
			want = in
		case len(kept) == 0:
			want = before + frag
		default:
			want = before + "?" + strings.Join(kept, "&") + frag
		}
		if out != want {
			t.Fatalf("Strip(%q) = %q, want %q", in, out, want)
		}
		// If the input parses, so does the output, to the same URL minus
		// the tracking parameters.
		if u, err := url.Parse(in); err == nil {
			v, err := url.Parse(out)
			if err != nil {
				t.Fatalf("input parses, output %q does not: %v", out, err)
			}
			if u.Scheme != v.Scheme || u.Host != v.Host || u.Path != v.Path || u.Fragment != v.Fragment {
				t.Fatalf("URL parts changed: %q -> %q", in, out)
			}
		}
	})
}
