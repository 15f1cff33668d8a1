package edge

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/rewrite"
)

// cachePage exercises what the decision cache keys on: relative URLs
// before and after <base href>, "//host" URLs before the base URL is
// parsed and after, character references in URLs and types, the same URL
// as different request types, and repeated inline snippets.
const cachePage = `<!doctype html><html><head><title>t</title>
<script src="//www.google-analytics.com/analytics.js"></script>
<img src="/px.gif?a=1&amp;b=2"><img src="neutral/p.png">
<img src="https://awfonts.com/f.js"><script src="https://awfonts.com/f.js"></script><img src="https://awfonts.com/f.js">
<script src="//www.google-analytics.com/analytics.js"></script>
<link rel="preload" as="script" href="https://www.googletagmanager.com/gtag/js?id=G-1">
<link rel="preload" as="image" href="https://www.googletagmanager.com/gtag/js?id=G-1">
<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
<img src="https://www.googletagmanager.com/gtag/js?id=G-1">
<script type="text&#47;javascript">fbq('init','1');</script>
<script type=" Module ">fbq('init','1');</script>
<script type="text/plain" data-category="analytics">gtag('config','G-1');</script>
<script>gtag('config','G-1');</script>
<script>gtag('config','G-1');</script>
<script>var x = 1;</script>
<base href="https://www.google-analytics.com/">
<img src="neutral/p.png"><script src="https://awfonts.com/f.js"></script>
<img src="pixel.gif"><img src="//connect.facebook.net/en_US/fbevents.js">
<iframe src="https://www.youtube.com/embed/x"></iframe><embed src="https://doubleclick.net/x.swf">
<object data="https://doubleclick.net/y.swf"></object>
<img src="">
</head><body><p>text</p><script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){}}(window,document,'script');fbq('init','1');</script></body></html>`

// TestCachesChangeNothing serves pages repeatedly through one proxy (the
// later requests answered from the decision and snippet caches) and
// through one without the caches, in several consent states: the bodies
// and summaries must be identical.
func TestCachesChangeNothing(t *testing.T) {
	pages := map[string][]byte{"cache": []byte(cachePage)}
	files, _ := filepath.Glob(filepath.Join(fixture.Shared(t), "data/html/*.html"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && len(b) < 300<<10 {
			pages[filepath.Base(f)] = b
		}
	}
	states := map[string][]string{
		"default":   nil,
		"gpc":       {"Sec-GPC: 1"},
		"analytics": {signed(consent.SetOf(consent.Analytics))},
		"all":       {signed(consent.All)},
	}
	eng := testEngine(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for name, page := range pages {
		cfg := Config{Origin: "http://origin.internal", Sites: []string{"harbor.example", "www.harbor.example"},
			Secret: testSecret, Banner: Banner{Enabled: true}}
		cached, err := New(cfg, eng, memOrigin{page}, Options{Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := New(cfg, eng, memOrigin{page}, Options{Log: quiet})
		plain.testNoCache = true
		for sname, hdr := range states {
			for _, path := range []string{"/a/page.html", "/b/"} {
				want, wsum := serveOnce(plain, path, hdr)
				for i := range 3 {
					got, gsum := serveOnce(cached, path, hdr)
					if !bytes.Equal(got, want) || gsum != wsum {
						t.Errorf("%s %s %s request %d: cached output differs (summary %q, want %q)", name, sname, path, i, gsum, wsum)
					}
				}
			}
		}
	}
}

func serveOnce(p *Proxy, path string, headers []string) ([]byte, string) {
	req := httptest.NewRequest("GET", "http://harbor.example"+path, nil)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Add(k, v)
	}
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, req)
	res := rec.Result()
	return rec.Body.Bytes(), res.Header.Get(HeaderSummary) + res.Trailer.Get(HeaderSummary)
}

// TestCacheBounded: the caches start over instead of growing past their
// limits.
func TestCacheBounded(t *testing.T) {
	eng := testEngine(t)
	var page strings.Builder
	page.WriteString("<html><head></head><body>")
	for i := range maxDecided + 100 {
		fmt.Fprintf(&page, `<img src="/i/%d.png">`, i)
	}
	for i := range 200 {
		fmt.Fprintf(&page, "<script>var v%d = %q;</script>", i, strings.Repeat("x", 16<<10))
	}
	p, err := New(Config{Origin: "http://origin.internal", Sites: []string{"harbor.example"}, Secret: testSecret},
		eng, memOrigin{[]byte(page.String())}, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		serveOnce(p, "/", nil)
	}
	if p.decided.n > maxDecided {
		t.Errorf("decision cache holds %d entries, limit %d", p.decided.n, maxDecided)
	}
	if p.found.bytes > maxSnippetBytes {
		t.Errorf("snippet cache holds %d bytes, limit %d", p.found.bytes, maxSnippetBytes)
	}
}

func TestJSTypeRaw(t *testing.T) {
	for _, tc := range []struct {
		raw     string
		present bool
		want    bool
	}{
		{"", false, true},
		{"", true, true},
		{"text/javascript", true, true},
		{" Text/JavaScript\t", true, true},
		{"module", true, true},
		{"MODULE", true, true},
		{"text&#47;javascript", true, true},
		{"text/plain", true, false},
		{"application/ld+json", true, false},
		{"text\x0fjavascript", true, false}, // not a case fold of '/'
		{"application/x\rjavascript", true, false},
		{"\u212a", true, false},
		{"text/javascript;", true, false},
	} {
		if got := jsTypeRaw([]byte(tc.raw), tc.present); got != tc.want {
			t.Errorf("jsTypeRaw(%q, %v) = %v, want %v", tc.raw, tc.present, got, tc.want)
		}
	}
}

// FuzzJSTypeRaw: the raw-byte check agrees with jsType on the decoded value.
func FuzzJSTypeRaw(f *testing.F) {
	for _, s := range []string{"", "text/javascript", " MODULE ", "text&#47;javascript", "text/plain", "\u212a", "module&amp;"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if got, want := jsTypeRaw(raw, true), jsType(rewrite.DecodeEntities(raw), true); got != want {
			t.Errorf("jsTypeRaw(%q) = %v, jsType of the decoded value %v", raw, got, want)
		}
	})
}

func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		rep  Report
		want string
	}{
		{Report{}, "removed=none; cookies=0"},
		{Report{Removed: map[consent.Category]int{consent.Analytics: 0}, Cookies: 3}, "removed=none; cookies=3"},
		{Report{Removed: map[consent.Category]int{consent.Advertising: 12, consent.Analytics: 2}, Cookies: 1},
			"removed=analytics:2,advertising:12; cookies=1"},
	} {
		if got := tc.rep.Summary(); got != tc.want {
			t.Errorf("Summary() = %q, want %q", got, tc.want)
		}
	}
}
