//go:build !js

package edge

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/consentguard/consentguard/policylists"
)

// realPagesDir holds the realistic pages shared with the Chromium test
// (e2e/realpages_test.go); their README says what the data-expect
// annotations mean.
const realPagesDir = "../e2e/testdata/realpages"

// expectation is one annotated element of a page.
type expectation struct {
	want string // gone, kept, no-srcset, no-ping
	tag  string
	key  string // its identifying attribute or text, for messages and matching
}

// annotated returns the elements of an HTML document that carry
// data-expect, in document order. <noscript> content is parsed as markup
// (scripting off), as the rewriter sees it.
func annotated(t *testing.T, doc []byte) []expectation {
	t.Helper()
	root, err := html.ParseWithOptions(bytes.NewReader(doc), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatal(err)
	}
	var out []expectation
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if want, ok := attr(n, "data-expect"); ok {
				out = append(out, expectation{want: want, tag: n.Data, key: elementKey(n)})
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// elementKey names an element by its URL attribute, else by the start of
// its text (inline scripts).
func elementKey(n *html.Node) string {
	for _, name := range []string{"src", "href", "id"} {
		if v, ok := attr(n, name); ok && v != "" {
			return name + "=" + v
		}
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	s := strings.Join(strings.Fields(b.String()), " ")
	if len(s) > 60 {
		s = s[:60]
	}
	return "text=" + s
}

// elementAttrs returns the annotated elements of the rewritten page with
// their attributes, keyed like elementKey (the key survives the removal
// of srcset and ping).
func elementAttrs(t *testing.T, doc []byte) map[string]map[string]string {
	t.Helper()
	root, err := html.ParseWithOptions(bytes.NewReader(doc), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if _, ok := attr(n, "data-expect"); ok {
				m := map[string]string{}
				for _, a := range n.Attr {
					m[a.Key] = a.Val
				}
				out[n.Data+" "+elementKey(n)] = m
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

// realPageProxy is the proxy as a new user runs it: the embedded lists and
// snippet signatures only (consentguard proxy --no-upstream), in front of
// an origin serving the pages directory at www.site.test.
func realPageProxy(t *testing.T) http.Handler {
	t.Helper()
	origin := httptest.NewServer(http.FileServer(http.Dir(realPagesDir)))
	t.Cleanup(origin.Close)
	eng, err := policylists.Default()
	if err != nil {
		t.Fatal(err)
	}
	snip, err := DefaultSnippets()
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(Config{Origin: origin.URL, Sites: []string{"www.site.test", "site.test"}, Secret: testSecret, Banner: Banner{Enabled: true}},
		eng, nil, Options{Snippets: snip, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRealPagesNothingGranted runs each realistic page through the proxy
// for a visitor who granted nothing and checks every annotated element:
// trackers (scripts, inline snippets, pixels, noscript pixels, frames,
// resource hints) are gone, tracker srcset candidates and ping beacons
// are stripped, and site assets, payment, CMP and CAPTCHA stay as they
// were. It logs the figure "elements that must go and are still live".
func TestRealPagesNothingGranted(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(realPagesDir, "*.html"))
	if err != nil || len(pages) < 8 {
		t.Fatalf("want at least 8 pages in %s, have %d (%v)", realPagesDir, len(pages), err)
	}
	p := realPageProxy(t)
	var checks, mustGo, live, broken int
	for _, path := range pages {
		name := filepath.Base(path)
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "https://www.site.test/"+name, nil)
		req.Header.Set("Accept", "text/html")
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s: status %d", name, rec.Code)
		}
		got := elementAttrs(t, rec.Body.Bytes())
		var fails []string
		for _, e := range annotated(t, src) {
			checks++
			attrs, present := got[e.tag+" "+e.key]
			var bad string
			switch e.want {
			case "gone":
				mustGo++
				if present {
					bad = "still live"
					live++
				}
			case "no-srcset", "no-ping":
				mustGo++
				a := strings.TrimPrefix(e.want, "no-")
				if !present {
					bad = "element removed, only its " + a + " should go"
					broken++
				} else if _, has := attrs[a]; has {
					bad = a + " still live"
					live++
				}
			case "kept":
				if !present {
					bad = "removed (must stay)"
					broken++
				}
			default:
				t.Fatalf("%s: unknown data-expect %q on <%s %s>", name, e.want, e.tag, e.key)
			}
			if bad != "" {
				fails = append(fails, fmt.Sprintf("<%s %s>: %s", e.tag, e.key, bad))
			}
		}
		sort.Strings(fails)
		for _, f := range fails {
			t.Errorf("%s: %s", name, f)
		}
	}
	t.Logf("%d pages, %d checks: %d of %d elements that must go still live, %d necessary elements broken",
		len(pages), checks, live, mustGo, broken)
}
