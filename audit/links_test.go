package audit

import (
	"net/url"
	"slices"
	"testing"

	"github.com/consentguard/consentguard/wasm/site"
)

func TestInnerPagesTable(t *testing.T) {
	for _, c := range []struct {
		name, html string
		n          int
		want       []string
	}{
		{"comment and script are not links", `<!-- <a href="/hidden"> --><script>var s='<a href="/js">'</script><a href="/real">r</a>`, 5, []string{"https://s.example/real"}},
		{"unquoted and area", `<a href=/u>u</a><map><area href="/area"></map>`, 5, []string{"https://s.example/u", "https://s.example/area"}},
		{"entities decoded", `<a href="/p?a=1&amp;b=2">p</a>`, 5, []string{"https://s.example/p?a=1&b=2"}},
		{"self and fragment-only skipped", `<a href="#top">t</a><a href="/">home</a><a href="/x">x</a>`, 5, []string{"https://s.example/x"}},
		{"javascript and data skipped", `<a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a>`, 5, nil},
		{"not a link tag", `<link href="/style.css"><img href="/i"><a name="n">`, 5, nil},
		{"limit", `<a href="/1"></a><a href="/2"></a><a href="/3"></a>`, 2, []string{"https://s.example/1", "https://s.example/2"}},
	} {
		if got := innerPages(c.html, "https://s.example/", c.n); !slices.Equal(got, c.want) {
			t.Errorf("%s: innerPages = %v, want %v", c.name, got, c.want)
		}
	}
}

// FuzzInnerPages checks the link finder's invariants on any HTML: only
// same-site http(s) URLs without fragments, none twice, never the page
// itself, at most n.
func FuzzInnerPages(f *testing.F) {
	for _, s := range []string{
		`<a href="/a">a</a><a href='https://s.example/b#x'>b</a><a href="https://other.example/">o</a>`,
		`<a href=/u><area href="/area"><!-- <a href="/c"> -->`,
		`<a href="//evil.example/x"><a href="HTTPS://WWW.S.EXAMPLE/y"><a href=" /z ">`,
		`<a href`, `<a href="`, "<a href=\"\x00\">", `<a href="/%zz">`,
	} {
		f.Add(s, 3)
	}
	base, _ := url.Parse("https://s.example/")
	f.Fuzz(func(t *testing.T, doc string, n int) {
		n %= 50
		got := innerPages(doc, base.String(), n)
		if n <= 0 && len(got) > 0 || len(got) > max(n, 0) {
			t.Fatalf("%d links for n=%d", len(got), n)
		}
		seen := map[string]bool{base.String(): true}
		for _, s := range got {
			u, err := url.Parse(s)
			if err != nil {
				t.Fatalf("unparsable %q: %v", s, err)
			}
			if u.Scheme != "http" && u.Scheme != "https" {
				t.Fatalf("scheme %q in %q", u.Scheme, s)
			}
			if u.Hostname() == "" || site.ThirdParty(u.Hostname(), base.Hostname()) {
				t.Fatalf("not same-site: %q", s)
			}
			if u.Fragment != "" {
				t.Fatalf("fragment kept: %q", s)
			}
			if seen[s] {
				t.Fatalf("duplicate or self: %q", s)
			}
			seen[s] = true
		}
	})
}
