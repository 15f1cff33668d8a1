package edge

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consentguard/consentguard/internal/fixture"

	"github.com/consentguard/consentguard/edge/demo"
	"github.com/consentguard/consentguard/edge/guard"
	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var (
	engOnce sync.Once
	engVal  *engine.Engine
	engErr  error
)

// testEngine is the real engine: the embedded lists plus EasyList and
// EasyPrivacy from ../shared (as `--list` would add them).
func testEngine(t testing.TB) *engine.Engine {
	t.Helper()
	s := fixture.Shared(t)
	engOnce.Do(func() {
		engVal, _, engErr = policylists.Build(filepath.Join(s, "data/lists/easylist.txt"), filepath.Join(s, "data/lists/easyprivacy.txt"))
	})
	if engErr != nil {
		t.Fatal(engErr)
	}
	return engVal
}

const testSecret = "test-secret-0123456789"

type rig struct {
	t      testing.TB
	origin *httptest.Server
	front  *httptest.Server
	proxy  *Proxy
	// reports receives Options.OnReport calls. The proxy reports after the
	// response is complete, so a test waits for it here.
	reports chan Report
	client  *http.Client
}

func newRig(t testing.TB, origin http.Handler, mut func(*Config)) *rig {
	t.Helper()
	r := &rig{t: t, reports: make(chan Report, 256)}
	r.origin = httptest.NewServer(origin)
	t.Cleanup(r.origin.Close)
	cfg := Config{Origin: r.origin.URL, Sites: []string{"harbor.example", "www.harbor.example"}, Secret: testSecret,
		Banner: Banner{Enabled: true}, GPCJSON: true, GPCDate: "2026-11-30"}
	if mut != nil {
		mut(&cfg)
	}
	p, err := New(cfg, testEngine(t), testTransport(), Options{
		Log: slog.New(slog.NewTextHandler(testLogOut(), nil)),
		OnReport: func(rep Report) {
			select {
			case r.reports <- rep:
			default:
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	r.proxy = p
	r.front = httptest.NewServer(p)
	t.Cleanup(r.front.Close)
	r.client = &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return r
}

// get requests path with Host harbor.example and extra headers ("Name: value").
func (r *rig) do(method, path string, body io.Reader, headers ...string) (*http.Response, []byte) {
	r.t.Helper()
	req, err := http.NewRequest(method, r.front.URL+path, body)
	if err != nil {
		r.t.Fatal(err)
	}
	req.Host = "harbor.example"
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Add(k, v)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatalf("%s %s: body: %v", method, path, err)
	}
	return resp, b
}

func (r *rig) get(path string, headers ...string) (*http.Response, []byte) {
	return r.do("GET", path, nil, headers...)
}

func signed(g consent.Set) string {
	return "Cookie: consentguard=" + consent.EncodeCookie(consent.State{Granted: g, Recorded: true}, []byte(testSecret), time.Now())
}

var injectedRe = regexp.MustCompile(`(?s)<script( nonce="[^"]*")?>(.*?)</script>`)

// wholeInjectionRe matches everything injected at the start of <head>
// (script, banner style and template) and tailRe what is appended after
// the document (the banner's sentence and the "Privacy choices" control).
var (
	wholeInjectionRe = regexp.MustCompile(`(?s)<script( nonce="[^"]*")?>.*?</script>(<script src="/\.consentguard/guard\.[^"]*" integrity="[^"]*"( nonce="[^"]*")?></script>)?(<style[^>]*>[^<]*</style>)?(<template id="cg-banner-tpl".*?</template>)?`)
	guardRefRe       = regexp.MustCompile(`guard\.[0-9a-f]{4}\.[0-9a-f]{16}\.js" integrity="sha256-[^"]*"`)
	tailRe           = regexp.MustCompile(`(?s)<template id="cg-used"[^>]*></template>(<a id="cg-choices"[^>]*>[^<]*</a>)?$`)
)

// bannerShown is in a page whose banner opens at once (no choice recorded).
const bannerShown = `<template id="cg-banner-tpl" data-show>`

var consentRe = regexp.MustCompile(`g\("consent","default",(\{[^}]*\})\)`)

// normalise replaces the injected script (the guard is another package's
// output) by a summary of what it sets, for the golden files.
func normalise(b []byte) []byte {
	// The external guard's name and hash change with the lists.
	b = guardRefRe.ReplaceAll(b, []byte(`guard.SET.DIGEST.js" integrity="sha256-..."`))
	i := bytes.Index(b, []byte(`<script`))
	for i >= 0 {
		m := injectedRe.FindSubmatchIndex(b[i:])
		if m == nil {
			break
		}
		body := b[i+m[4] : i+m[5]]
		if !bytes.Contains(body, []byte(`g("consent","default"`)) {
			j := bytes.Index(b[i+m[1]:], []byte(`<script`))
			if j < 0 {
				break
			}
			i += m[1] + j
			continue
		}
		cm := consentRe.FindSubmatch(body)
		var sum []byte
		sum = append(sum, "<script"...)
		sum = append(sum, b[i+m[2]:i+m[3]]...)
		sum = append(sum, ">/* consentguard: consent mode "...)
		if cm != nil {
			sum = append(sum, cm[1]...)
		}
		if bytes.Contains(body, []byte("globalPrivacyControl")) {
			sum = append(sum, "; gpc"...)
		}
		if bytes.Contains(body, []byte("consentguard=")) {
			sum = append(sum, "; banner script"...)
		}
		sum = append(sum, " */</script>"...)
		out := append(append(append([]byte(nil), b[:i]...), sum...), b[i+m[1]:]...)
		return out
	}
	return b
}

func TestGolden(t *testing.T) {
	states := []struct {
		name    string
		headers []string
	}{
		{"default", nil},
		{"all", []string{signed(consent.All)}},
		{"analytics", []string{signed(consent.SetOf(consent.Analytics, consent.TagManager))}},
		{"all-gpc", []string{signed(consent.All), "Sec-GPC: 1"}},
	}
	r := newRig(t, demo.Origin(), nil)
	for _, pg := range demo.Pages {
		for _, st := range states {
			name := strings.TrimSuffix(pg.File, ".html") + "-" + st.name
			t.Run(name, func(t *testing.T) {
				resp, body := r.get(pg.Path, st.headers...)
				if resp.StatusCode != 200 {
					t.Fatalf("status %d", resp.StatusCode)
				}
				got := normalise(body)
				got = append(got, "\n<!-- "+HeaderSummary+": "+summaryOf(resp, HeaderSummary)+" -->\n"...)
				file := filepath.Join("testdata", "golden", name+".html")
				if *update {
					os.MkdirAll(filepath.Dir(file), 0o755)
					if err := os.WriteFile(file, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (run with -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("output differs from %s (run go test ./edge -run TestGolden -update and review the diff)\n%s", file, got)
				}
			})
		}
	}
}

// TestRemovals checks the decisions the golden files hold, so a wrong
// golden cannot pass unnoticed.
func TestRemovals(t *testing.T) {
	r := newRig(t, demo.Origin(), nil)
	get := func(h ...string) []byte { // the home page and the shop
		_, a := r.get("/", h...)
		_, b := r.get("/shop", h...)
		return append(a, b...)
	}
	none := get()
	all := get(signed(consent.All))
	analytics := get(signed(consent.SetOf(consent.Analytics, consent.TagManager)))
	for _, tc := range []struct {
		what                  string
		inNone, inAll, inAnal bool
	}{
		{`src="https://www.googletagmanager.com/gtag/js?id=G-DEMO1234"`, false, true, true},
		{`gtag('config', 'G-DEMO1234');`, false, true, true},
		{`'gtm.start'`, false, true, true},
		{`fbq('init', '1234567890');`, false, true, false},
		{`https://www.facebook.com/tr?id=1234567890&ev=PageView&noscript=1`, false, true, false},
		{`<link rel="preconnect" href="https://www.google-analytics.com">`, false, true, true},
		{`otSDKStub.js`, true, true, true}, // CMP never removed
		{`function OptanonWrapper() { }`, true, true, true},
		{`class="optanon-category-C0004"`, true, true, true}, // gated, inert
		{`https://www.google.com/recaptcha/api.js`, true, true, true},
		{` src="https://www.youtube.com/embed/dQw4w9WgXcQ"`, false, true, false},       // functional: the iframe goes...
		{`data-cg-src="https://www.youtube.com/embed/dQw4w9WgXcQ"`, true, false, true}, // ...a placeholder takes its place
		{`>Always allow YouTube</button>`, true, false, true},
		{`ping="/stats/click?item=kenya"`, false, true, true}, // first-party ping: analytics
		{`<a href="/shop" >Kenya Nyeri, in stock</a>`, true, false, false},
		{`<script>not a tag</script></pre>`, true, true, true},
		{`<textarea name="msg"><img src="https://www.facebook.com/tr?id=in-textarea"></textarea>`, true, true, true},
		{`application/ld+json`, true, true, true},
		{bannerShown, true, false, false},
		{`srcset="/static/kenya.jpg 1x, https://www.facebook.com/tr`, false, true, false}, // the attribute goes...
		{`<img src="/static/kenya.jpg"`, true, true, true},                                // ...the image stays
		{`ping="https://www.google-analytics.com/collect`, false, true, true},
		{`Read how we roast</a>`, true, true, true},
		{`https://px.ads.linkedin.com/collect/?pid=1234567&amp;fmt=gif&amp;conversionId=42`, false, true, false}, // <picture><source>
		{`<img src="/static/roastery.jpg"`, true, true, true},
		{`poster="https://i.ytimg.com/`, false, true, false},
		{`<source src="/static/roasting.mp4"`, true, true, true},
	} {
		for _, c := range []struct {
			name string
			body []byte
			want bool
		}{{"none", none, tc.inNone}, {"all", all, tc.inAll}, {"analytics", analytics, tc.inAnal}} {
			if got := bytes.Contains(c.body, []byte(tc.what)); got != c.want {
				t.Errorf("%s: contains %q = %v, want %v", c.name, tc.what, got, c.want)
			}
		}
	}
}

// TestStreaming: the visitor receives the head while the origin is still
// working on the rest of the page.
func TestStreaming(t *testing.T) {
	release := make(chan struct{})
	var finished atomic.Bool
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!DOCTYPE html><html><head><title>slow</title>"+
			`<script src="https://www.google-analytics.com/analytics.js"></script></head><body><p>first part</p>`)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-time.After(10 * time.Second):
		}
		io.WriteString(w, "<p>second part</p></body></html>")
		finished.Store(true)
	})
	r := newRig(t, origin, nil)
	var once sync.Once
	releaseOrigin := func() { once.Do(func() { close(release) }) }
	defer releaseOrigin()
	req, _ := http.NewRequest("GET", r.front.URL+"/", nil)
	req.Host = "harbor.example"
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	var seen []byte
	for !bytes.Contains(seen, []byte("first part")) {
		b, err := br.ReadByte()
		if err != nil {
			t.Fatalf("stream ended before the first part: %v (%q)", err, seen)
		}
		seen = append(seen, b)
	}
	if finished.Load() {
		t.Fatal("the origin had finished before the first bytes arrived: not streamed")
	}
	if bytes.Contains(seen, []byte("analytics.js")) {
		t.Error("tracker script was streamed")
	}
	releaseOrigin()
	rest, _ := io.ReadAll(br)
	if !bytes.Contains(rest, []byte("second part")) {
		t.Errorf("rest = %q", rest)
	}
	if resp.Header.Get(HeaderSummary) != "" || !strings.HasPrefix(resp.Trailer.Get(HeaderSummary), "removed=analytics:1") {
		t.Errorf("streamed page: summary header %q, trailer %q", resp.Header.Get(HeaderSummary), resp.Trailer.Get(HeaderSummary))
	}
}

func TestOriginDown(t *testing.T) {
	r := newRig(t, http.NotFoundHandler(), nil)
	r.origin.Close()
	resp, body := r.get("/")
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	if !bytes.Contains(body, []byte("502 Bad Gateway")) || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("body %q", body)
	}
}

// TestOriginDiesMidBody: a truncated origin body must not reach the visitor
// as a complete page.
func TestOriginDiesMidBody(t *testing.T) {
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "100000")
		io.WriteString(w, "<html><head></head><body><p>partial")
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
	r := newRig(t, origin, nil)
	req, _ := http.NewRequest("GET", r.front.URL+"/", nil)
	req.Host = "harbor.example"
	resp, err := r.client.Do(req)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	// Either a clean 502 (nothing sent yet) or a broken transfer.
	if err == nil && resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("truncated page delivered as complete (status %d)", resp.StatusCode)
	}
}

func TestOpenProxy(t *testing.T) {
	var hits atomic.Int32
	var lastHost, lastPath atomic.Value
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		lastHost.Store(r.Host)
		lastPath.Store(r.URL.RequestURI())
		io.WriteString(w, "ok")
	})
	r := newRig(t, origin, nil)
	raw := func(reqLine, host string) string {
		c, err := net.Dial("tcp", r.front.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, reqLine+"\r\nHost: "+host+"\r\nConnection: close\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.Status + " " + string(b)
	}
	for _, tc := range []struct {
		line, host, want string
		reaches          bool
	}{
		{"GET / HTTP/1.1", "evil.example", "421", false},
		{"GET http://evil.example/x HTTP/1.1", "harbor.example", "421", false},
		{"GET http://127.0.0.1:1/x HTTP/1.1", "harbor.example", "421", false},
		{"CONNECT evil.example:443 HTTP/1.1", "evil.example:443", "4", false},
		{"GET / HTTP/1.1", "harbor.example.evil.example", "421", false},
		{"GET http://harbor.example/abs?q=1 HTTP/1.1", "evil.example", "200", true},
		{"GET /p HTTP/1.1", "WWW.Harbor.Example:8080", "200", true},
	} {
		before := hits.Load()
		got := raw(tc.line, tc.host)
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s Host %s: %s", tc.line, tc.host, got)
		}
		if reached := hits.Load() > before; reached != tc.reaches {
			t.Errorf("%s Host %s: origin reached = %v", tc.line, tc.host, reached)
		}
	}
	if h, p := lastHost.Load(), lastPath.Load(); h != "WWW.Harbor.Example:8080" || p != "/p" {
		t.Errorf("origin saw Host %v path %v", h, p)
	}
}

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	var host string
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, host = r.Header.Clone(), r.Host
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Connection", "X-Private")
		w.Header().Set("X-Private", "secret")
		w.Header().Set("Keep-Alive", "timeout=5")
		io.WriteString(w, "ok")
	})
	for _, originHost := range []bool{false, true} {
		r := newRig(t, origin, func(c *Config) { c.OriginHost = originHost })
		resp, _ := r.get("/x", "Cookie: session=abc; _ga=GA1.1.1.1; _fbp=fb.1.2.3; lang=de",
			"Sec-GPC: 1", "Connection: X-Hop", "X-Hop: drop me", "Accept-Encoding: br, gzip")
		if c := got.Get("Cookie"); c != "session=abc; lang=de" {
			t.Errorf("origin Cookie %q", c)
		}
		if got.Get("Sec-GPC") != "1" {
			t.Error("Sec-GPC not forwarded")
		}
		if got.Get("X-Hop") != "" {
			t.Error("hop-by-hop header forwarded")
		}
		if ae := got.Get("Accept-Encoding"); ae != "gzip" {
			t.Errorf("Accept-Encoding to origin %q", ae)
		}
		want := "harbor.example"
		if originHost {
			want = r.origin.Listener.Addr().String()
		}
		if host != want {
			t.Errorf("origin_host=%v: origin saw Host %q, want %q", originHost, host, want)
		}
		if resp.Header.Get("X-Private") != "" || resp.Header.Get("Keep-Alive") != "" {
			t.Error("hop-by-hop response header passed")
		}
		if s := resp.Header.Get(HeaderSummary); s != "removed=none; cookies=2" {
			t.Errorf("summary %q", s)
		}
	}
}

func TestSetCookie(t *testing.T) {
	r := newRig(t, demo.Origin(), nil)
	resp, _ := r.get("/journal")
	sc := resp.Header.Values("Set-Cookie")
	if len(sc) != 1 || sc[0] != "session=s3ss10n; Path=/; HttpOnly; SameSite=Lax" {
		t.Errorf("no consent: Set-Cookie %q", sc)
	}
	resp, _ = r.get("/journal", signed(consent.All))
	sc = resp.Header.Values("Set-Cookie")
	want := []string{"session=s3ss10n; Path=/; HttpOnly; SameSite=Lax",
		"_ga=GA1.1.123456789.1764672000; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/; Domain=harbor.example",
		"_fbp=fb.1.1764672000.987654321; Expires=Thu, 01 Jan 2027 00:00:00 GMT; Path=/"}
	if strings.Join(sc, "\n") != strings.Join(want, "\n") {
		t.Errorf("all consented: Set-Cookie\n%s\nwant\n%s", strings.Join(sc, "\n"), strings.Join(want, "\n"))
	}
	// A visitor who still holds _ga without consent gets it expired.
	resp, _ = r.get("/journal", "Cookie: _ga=GA1.1.1.1; session=x")
	var expired bool
	for _, l := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(l, "_ga=; Max-Age=0") {
			expired = true
		}
	}
	if !expired {
		t.Errorf("stale _ga not expired: %q", resp.Header.Values("Set-Cookie"))
	}
}

func TestCSP(t *testing.T) {
	var csp string
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if csp != "" {
			w.Header().Set("Content-Security-Policy", csp)
		}
		io.WriteString(w, `<!doctype html><html><head><title>t</title></head><body>hi</body></html>`)
	})
	r := newRig(t, origin, nil)
	for _, tc := range []struct {
		csp, wantHeader, wantNonce string
		inject, style              bool
	}{
		{"", "", "", true, true},
		{"script-src 'self' 'nonce-abc123'; style-src 'self' 'nonce-abc123'", "script-src 'self' 'nonce-abc123'; style-src 'self' 'nonce-abc123'", "abc123", true, true},
		{"script-src 'self' 'unsafe-inline'", "script-src 'self' 'unsafe-inline'", "", true, true},
		{"script-src 'self'", "script-src 'self' HASH", "", true, true},
		{"default-src 'self'", "default-src 'self'; script-src 'self' HASH; style-src 'self' STYLEHASH", "", true, true},
		{"script-src 'none'", "script-src 'none'", "", false, false},
		{"script-src 'self' 'sha256-AAAA' 'unsafe-inline'", "script-src 'self' 'sha256-AAAA' 'unsafe-inline' HASH", "", true, true},
	} {
		csp = tc.csp
		resp, body := r.get("/")
		m := injectedRe.FindSubmatch(body)
		if !tc.inject {
			if m != nil {
				t.Errorf("%q: injected under script-src 'none'", tc.csp)
			}
			continue
		}
		if m == nil {
			t.Fatalf("%q: nothing injected: %s", tc.csp, body)
		}
		want := tc.wantHeader
		if sm := regexp.MustCompile(`(?s)<style[^>]*>(.*?)</style>`).FindSubmatch(body); sm != nil {
			want = strings.ReplaceAll(want, "STYLEHASH", hashOf(sm[1]))
		}
		want = strings.ReplaceAll(want, "HASH", hashOf(m[2]))
		if got := resp.Header.Get("Content-Security-Policy"); got != want {
			t.Errorf("%q: CSP\n got %q\nwant %q", tc.csp, got, want)
		}
		if wantAttr := ` nonce="` + tc.wantNonce + `"`; tc.wantNonce != "" && string(m[1]) != wantAttr {
			t.Errorf("%q: nonce attr %q", tc.csp, m[1])
		}
	}
}

func hashOf(b []byte) string { return guard.Hash(b) }

func TestBannerFlow(t *testing.T) {
	r := newRig(t, demo.Origin(), nil)
	_, body := r.get("/")
	if !bytes.Contains(body, []byte(`role="dialog"`)) || !bytes.Contains(body, []byte(`value="reject"`)) {
		t.Fatal("no banner without a recorded choice")
	}
	// Cross-site POST is refused.
	form := "action=accept&return=%2Fshop"
	resp, _ := r.do("POST", ConsentPath, strings.NewReader(form), "Content-Type: application/x-www-form-urlencoded", "Origin: https://evil.example")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", resp.StatusCode)
	}
	resp, _ = r.do("POST", ConsentPath, strings.NewReader(form), "Content-Type: application/x-www-form-urlencoded")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST without Origin/Referer: %d", resp.StatusCode)
	}
	// Accept all.
	resp, _ = r.do("POST", ConsentPath, strings.NewReader(form), "Content-Type: application/x-www-form-urlencoded", "Origin: http://harbor.example")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/shop" {
		t.Fatalf("accept: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cg *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == consent.CookieName {
			cg = c
		}
	}
	if cg == nil || !cg.HttpOnly || cg.SameSite != http.SameSiteLaxMode {
		t.Fatalf("consent cookie %+v", cg)
	}
	_, body = r.get("/", "Cookie: consentguard="+cg.Value)
	if bytes.Contains(body, []byte(bannerShown)) || !bytes.Contains(body, []byte(`fbq('init'`)) {
		t.Error("accepted: banner shown or pixel removed")
	}
	// Tampered: grant bits changed, signature kept.
	bad := []byte(cg.Value)
	bad[3] ^= 1
	_, body = r.get("/", "Cookie: consentguard="+string(bad))
	if !bytes.Contains(body, []byte(bannerShown)) || bytes.Contains(body, []byte(`fbq('init'`)) {
		t.Error("tampered cookie was trusted")
	}
	// Reject all, withdrawing: the tracker cookies the visitor holds are expired.
	resp, _ = r.do("POST", ConsentPath, strings.NewReader("action=reject"), "Content-Type: application/x-www-form-urlencoded",
		"Origin: http://harbor.example", "Cookie: consentguard="+cg.Value+"; _ga=GA1.1.1.1; _fbp=fb.1.1.1; session=x", "Referer: http://harbor.example/journal?x=1")
	if resp.Header.Get("Location") != "/journal?x=1" {
		t.Errorf("reject: Location %q", resp.Header.Get("Location"))
	}
	lines := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
	for _, want := range []string{"_ga=; Max-Age=0", "_fbp=; Max-Age=0", "consentguard=v1.0000."} {
		if !strings.Contains(lines, want) {
			t.Errorf("reject: Set-Cookie lacks %q:\n%s", want, lines)
		}
	}
	if strings.Contains(lines, "session=;") {
		t.Error("reject expired the first-party session cookie")
	}
	// Save with a choice, as fetch with JSON.
	resp, body = r.do("POST", ConsentPath, strings.NewReader("action=save&c=analytics"), "Content-Type: application/x-www-form-urlencoded",
		"Sec-Fetch-Site: same-origin", "Accept: application/json")
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"analytics"`)) || bytes.Contains(body, []byte(`"advertising"`)) {
		t.Errorf("save: %d %s", resp.StatusCode, body)
	}
}

func TestReportOnly(t *testing.T) {
	r := newRig(t, demo.Origin(), func(c *Config) { c.ReportOnly = true })
	for _, pg := range demo.Pages {
		resp, body := r.get(pg.Path)
		orig := httptest.NewRecorder()
		req := httptest.NewRequest("GET", pg.Path, nil)
		demo.Origin().ServeHTTP(orig, req)
		if !bytes.Equal(body, orig.Body.Bytes()) {
			t.Errorf("%s: report-only changed the page", pg.Path)
		}
		if len(resp.Header.Values("Set-Cookie")) != 3 {
			t.Errorf("%s: report-only removed cookies", pg.Path)
		}
		rep := summaryOf(resp, HeaderReportOnly)
		if !strings.Contains(rep, "removed=") || strings.Contains(rep, "removed=none") || !strings.Contains(rep, "cookies=2") {
			t.Errorf("%s: report %q", pg.Path, rep)
		}
	}
}

func TestGzip(t *testing.T) {
	page, _ := os.ReadFile("demo/pages/index.html")
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write(page)
			zw.Close()
			return
		}
		w.Write(page)
	})
	r := newRig(t, origin, nil)
	resp, body := r.get("/", "Accept-Encoding: gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	_, ident := r.get("/")
	if !bytes.Equal(plain, ident) {
		t.Error("gzip and identity responses differ")
	}
	if bytes.Contains(plain, []byte("fbevents.js")) || !bytes.Contains(plain, []byte("Harbor Coffee Roasters</h1>")) {
		t.Error("gzip page not rewritten")
	}
}

// TestWindows1252: with everything consented the page is the origin's,
// byte for byte, plus the injection.
func TestWindows1252(t *testing.T) {
	r := newRig(t, demo.Origin(), nil)
	orig, _ := os.ReadFile("demo/pages/journal.html")
	_, body := r.get("/journal", signed(consent.All))
	m := wholeInjectionRe.FindIndex(body)
	if m == nil {
		t.Fatal("no injection")
	}
	without := append(append([]byte(nil), body[:m[0]]...), body[m[1]:]...)
	if !tailRe.Match(without) {
		t.Fatalf("no tail in %q", without)
	}
	if without = tailRe.ReplaceAll(without, nil); !bytes.Equal(without, orig) {
		t.Errorf("page changed:\n%q\nwant\n%q", without, orig)
	}
	_, body = r.get("/journal")
	for _, keep := range []string{"Caf\xe9-Journal: Gr\xfc\xdfe aus der R\xf6sterei", "\x84Guter Kaffee braucht Zeit\x93 \x96", "12 \x80."} {
		if !bytes.Contains(body, []byte(keep)) {
			t.Errorf("lost %q", keep)
		}
	}
	if bytes.Contains(body, []byte("_paq.push")) || bytes.Contains(body, []byte("facebook.com/tr")) {
		t.Error("trackers kept without consent")
	}
	m = wholeInjectionRe.FindIndex(body)
	for _, c := range append(body[m[0]:m[1]:m[1]], tailRe.Find(body)...) {
		if c >= 0x80 {
			t.Fatal("injection is not ASCII")
		}
	}
}

func TestFailOpenClosed(t *testing.T) {
	for _, closed := range []bool{false, true} {
		r := newRig(t, demo.Origin(), func(c *Config) { c.FailClosed = closed })
		if closed {
			// A failure in the first chunk gives a clean 502; a later one
			// resets the stream: either way no complete page.
			for _, tag := range []string{"head", "img"} {
				r.proxy.testPanic = tag
				req, _ := http.NewRequest("GET", r.front.URL+"/shop", nil)
				req.Host = "harbor.example"
				resp, err := r.client.Do(req)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				if err != nil {
					if tag == "head" {
						t.Errorf("fail-closed <head>: %v, want a clean 502", err)
					}
					continue
				}
				if resp.StatusCode != http.StatusBadGateway || resp.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("fail-closed <%s>: status %d, %d bytes", tag, resp.StatusCode, len(body))
				}
			}
			continue
		}
		r.proxy.testPanic = "img"
		resp, body := r.get("/shop")
		if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`alt="Ethiopia Guji"`)) || !bytes.Contains(body, []byte("</html>")) {
			t.Errorf("fail-open: status %d, content lost", resp.StatusCode)
		}
		var last Report
		select {
		case last = <-r.reports:
		case <-time.After(10 * time.Second):
			t.Fatal("no report")
		}
		if last.Err == nil {
			t.Error("fail-open: error not reported")
		}
	}
}

func TestGPCJSON(t *testing.T) {
	r := newRig(t, http.NotFoundHandler(), nil)
	resp, body := r.get(GPCPath)
	if resp.Header.Get("Content-Type") != "application/json" || string(body) != "{\"gpc\": true, \"lastUpdate\": \"2026-11-30\"}\n" {
		t.Errorf("%q %s", resp.Header.Get("Content-Type"), body)
	}
	r = newRig(t, http.NotFoundHandler(), func(c *Config) { c.GPCJSON = false })
	if resp, _ := r.get(GPCPath); resp.StatusCode != 404 {
		t.Errorf("gpc.json served when off: %d", resp.StatusCode)
	}
}

func TestGPCInjection(t *testing.T) {
	r := newRig(t, demo.Origin(), nil)
	_, body := r.get("/contact", "Sec-GPC: 1", signed(consent.All))
	m := injectedRe.FindSubmatch(body)
	if m == nil || !bytes.Contains(m[2], []byte("globalPrivacyControl")) {
		t.Fatal("GPC API not injected")
	}
	if !bytes.Contains(m[2], []byte(`"ad_storage":"denied"`)) || !bytes.Contains(m[2], []byte(`"analytics_storage":"granted"`)) {
		t.Errorf("consent mode under GPC: %s", consentRe.Find(m[2]))
	}
	_, body = r.get("/contact", signed(consent.All))
	if m := injectedRe.FindSubmatch(body); bytes.Contains(m[2], []byte("globalPrivacyControl")) {
		t.Error("GPC API injected without Sec-GPC")
	}
}

func TestExclude(t *testing.T) {
	r := newRig(t, demo.Origin(), func(c *Config) { c.Exclude = []string{"/shop"} })
	_, body := r.get("/shop")
	orig := httptest.NewRecorder()
	demo.Origin().ServeHTTP(orig, httptest.NewRequest("GET", "/shop", nil))
	if !bytes.Equal(body, orig.Body.Bytes()) {
		t.Error("excluded path was rewritten")
	}
}

func TestMinify(t *testing.T) {
	r := newRig(t, demo.Origin(), func(c *Config) { c.Minify = true })
	_, plain := newRig(t, demo.Origin(), nil).get("/shop")
	_, min := r.get("/shop")
	if len(min) >= len(plain) || !bytes.Contains(min, []byte("Ethiopia Guji")) || bytes.Contains(min, []byte("ttq.load")) {
		t.Errorf("minified %d bytes vs %d", len(min), len(plain))
	}
}

func TestServerTiming(t *testing.T) {
	// Streamed at once (the default): the summary comes as trailers.
	resp, _ := newRig(t, demo.Origin(), nil).get("/")
	if resp.Header.Get(HeaderSummary) != "" || resp.ContentLength != -1 ||
		!strings.HasPrefix(resp.Trailer.Get(HeaderSummary), "removed=") || resp.Trailer.Get(HeaderTiming) == "" {
		t.Errorf("streamed page: summary header %q, length %d, trailers %v", resp.Header.Get(HeaderSummary), resp.ContentLength, resp.Trailer)
	}
	r := newRig(t, demo.Origin(), func(c *Config) { c.Hold = Duration(50 * time.Millisecond) })
	resp, body := r.get("/")
	// With Hold a quick page is sent whole, with the summary as headers.
	if resp.Header.Get(HeaderSummary) == "" || resp.Header.Get(HeaderTiming) == "" || resp.ContentLength != int64(len(body)) {
		t.Errorf("quick page: summary %q, timing %q, length %d of %d", resp.Header.Get(HeaderSummary), resp.Header.Get(HeaderTiming), resp.ContentLength, len(body))
	}
	if !regexp.MustCompile(`^consentguard;dur=\d+\.\d\d;desc="rewrite"$`).MatchString(summaryOf(resp, HeaderTiming)) {
		t.Errorf("Server-Timing %q", summaryOf(resp, HeaderTiming))
	}
	s := summaryOf(resp, HeaderSummary)
	if !regexp.MustCompile(`^removed=([a-z-]+:\d+,?)+; cookies=2$`).MatchString(s) {
		t.Errorf("summary %q", s)
	}
}

var verbose = flag.Bool("edgelog", false, "print the proxy's log")

func testLogOut() io.Writer {
	if *verbose {
		return os.Stderr
	}
	return io.Discard
}

func timeNow() time.Time { return time.Now() }

func TestLimits(t *testing.T) {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	})
	r := newRig(t, slow, func(c *Config) { c.HeaderTimeout = Duration(150 * time.Millisecond); c.MaxBodyBytes = 1000 })
	if resp, _ := r.get("/slow"); resp.StatusCode != http.StatusBadGateway || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("header timeout: %d", resp.StatusCode)
	}
	if resp, _ := r.do("POST", "/form", strings.NewReader(strings.Repeat("x", 2000))); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("body limit with Content-Length: %d", resp.StatusCode)
	}
	if resp, _ := r.do("POST", "/form", io.MultiReader(strings.NewReader(strings.Repeat("x", 2000)))); resp.StatusCode != http.StatusRequestEntityTooLarge && resp.StatusCode != http.StatusBadGateway {
		t.Errorf("chunked body over the limit: %d", resp.StatusCode)
	}
	if resp, body := r.do("POST", "/form", strings.NewReader("small")); resp.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("small body: %d %q", resp.StatusCode, body)
	}
	if resp, _ := r.get("/", "X-Big: "+strings.Repeat("a", DefaultMaxHeaderBytes)); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("big headers: %d", resp.StatusCode)
	}
}

// TestUndecodable: an HTML body in an encoding the proxy cannot decode (br)
// is streamed untouched (fail-open) or refused (fail-closed).
func TestUndecodable(t *testing.T) {
	body := "\x1b\x05\x00\xf8brotli-bytes"
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "br")
		io.WriteString(w, body)
	})
	r := newRig(t, origin, nil)
	resp, got := r.get("/", "Accept-Encoding: br")
	if resp.StatusCode != 200 || string(got) != body || resp.Header.Get(HeaderSummary) != "error=unrewritten" {
		t.Errorf("fail-open: %d %q %q", resp.StatusCode, got, resp.Header.Get(HeaderSummary))
	}
	r = newRig(t, origin, func(c *Config) { c.FailClosed = true })
	if resp, _ := r.get("/", "Accept-Encoding: br"); resp.StatusCode != http.StatusBadGateway {
		t.Errorf("fail-closed: %d", resp.StatusCode)
	}
}

func TestBaseHref(t *testing.T) {
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<html><head><base href="https://www.google-analytics.com/"></head><body><img src="collect?v=1"><img src="/logo.png"></body></html>`)
	})
	r := newRig(t, origin, nil)
	_, body := r.get("/")
	body = injectedRe.ReplaceAll(body, nil) // the guard's path signatures name collect?v=1
	if bytes.Contains(body, []byte(`collect?v=1`)) || bytes.Contains(body, []byte(`/logo.png`)) {
		t.Errorf("relative URLs not resolved against <base>: %s", body)
	}
}

func TestRedirectToOrigin(t *testing.T) {
	var self string
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, self+"/new?x=1", http.StatusFound)
	})
	r := newRig(t, origin, nil)
	self = r.origin.URL
	resp, _ := r.get("/old")
	if loc := resp.Header.Get("Location"); loc != "http://harbor.example/new?x=1" {
		t.Errorf("Location %q", loc)
	}
}

// TestCMPCookies: a choice recorded by OneTrust or Cookiebot is honoured and
// hides the banner; a CMP record without interaction is not a choice.
func TestCMPCookies(t *testing.T) {
	r := newRig(t, demo.Origin(), nil)
	onetrust := url.QueryEscape("isGpcEnabled=0&datestamp=Tue+Dec+01+2026&version=202301.1.0&interactionCount=1&landingPath=NotLandingPage&groups=C0001:1,C0002:1,C0003:0,C0004:0,C0005:0")
	cookiebot := url.PathEscape("{stamp:'abc',necessary:true,preferences:false,statistics:true,marketing:false,method:'explicit',ver:1}")
	for _, tc := range []struct {
		name, cookie    string
		banner, ga, fbq bool
	}{
		{"onetrust", "OptanonConsent=" + onetrust, false, true, false},
		{"cookiebot", "CookieConsent=" + cookiebot, false, true, false},
		{"onetrust-no-interaction", "OptanonConsent=" + strings.Replace(onetrust, "interactionCount%3D1", "interactionCount%3D0", 1), true, false, false},
	} {
		_, body := r.get("/", "Cookie: "+tc.cookie)
		if got := bytes.Contains(body, []byte(bannerShown)); got != tc.banner {
			t.Errorf("%s: banner %v", tc.name, got)
		}
		if got := bytes.Contains(body, []byte(`gtag('config', 'G-DEMO1234')`)) && bytes.Contains(body, []byte(`googletagmanager.com/gtag/js`)); got != tc.ga {
			t.Errorf("%s: Google tag kept = %v", tc.name, got)
		}
		if got := bytes.Contains(body, []byte(`fbq('init'`)); got != tc.fbq {
			t.Errorf("%s: Meta pixel kept = %v", tc.name, got)
		}
	}
}

func TestBannerButtons(t *testing.T) {
	r := newRig(t, demo.Origin(), nil)
	_, body := r.get("/")
	re := regexp.MustCompile(`<button ([^>]*)value="(reject|accept)">`)
	m := re.FindAllSubmatch(body, -1)
	if len(m) != 2 || !bytes.Equal(m[0][1], m[1][1]) {
		t.Fatalf("Reject and Accept buttons differ: %q", m)
	}
	for _, want := range []string{`role="dialog"`, `aria-labelledby="cg-title"`, `aria-describedby="cg-text"`, `<h2 id="cg-title"`, `<legend>`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("banner lacks %s", want)
		}
	}
}

// summaryOf reads a summary header, or the trailer of the same name when the
// page was streamed.
func summaryOf(resp *http.Response, name string) string {
	if v := resp.Header.Get(name); v != "" {
		return v
	}
	return resp.Trailer.Get(name)
}
