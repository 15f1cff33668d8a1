//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/filter"
)

// realSite is the host the realistic pages are served on (through the
// proxy); realPages is their directory (see its README).
const (
	realSite  = "www.site.test"
	realPages = "testdata/realpages"
)

// hostRe finds host names in the pages and scripts: in URLs and in the
// strings inline loaders build URLs from.
var hostRe = regexp.MustCompile(`(?i)\b([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|io|ms|org|app|test))\b`)

// realHosts returns every third-party host name the pages and their
// scripts mention, so the loopback world has a certificate for each and
// none fails to be contacted for want of one.
func realHosts(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(realPages, "*"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range hostRe.FindAllStringSubmatch(string(b), -1) {
			h := strings.ToLower(m[1])
			if h != realSite && h != "site.test" && strings.Contains(h, ".") && !strings.HasSuffix(h, ".js") {
				seen[h] = true
			}
		}
	}
	var out []string
	for h := range seen {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// vendorCookies are the cookies each tracker answer sets, as the vendors
// document them: a script sets its first-party cookies with
// document.cookie, any other answer a third-party cookie with Set-Cookie.
var vendorCookies = []struct{ suffix, js, header string }{
	{"googletagmanager.com", "_ga=GA1.1.1.1700000000", ""},
	{"google-analytics.com", "", "_ga=GA1.1.2.1700000000"},
	{"doubleclick.net", "", "IDE=AHWqTUk"},
	{"googlesyndication.com", "__gads=ID=abc:T=1700000000", "IDE=AHWqTUl"},
	{"facebook.net", "_fbp=fb.1.1700000000.1", ""},
	{"facebook.com", "", "fr=0abc.1700000000"},
	{"hotjar.com", "_hjSessionUser_3898765=eyJpZCI6IjEifQ", ""},
	{"clarity.ms", "_clck=abc|2|fg1|0", "MUID=0123456789ABCDEF"},
	{"licdn.com", "", ""},
	{"linkedin.com", "", "li_sugr=abcdef; bcookie=v=2&abc"},
	{"bing.com", "_uetvid=0123456789abcdef", "MUID=0123456789ABCDEF"},
	{"tiktok.com", "_ttp=2abcDEF", ""},
	{"pinimg.com", "_pin_unauth=dWlkPU", ""},
	{"pinterest.com", "", "_pinterest_sess=TWc9PS"},
	{"klaviyo.com", "__kla_id=eyJjaWQi", ""},
	{"segment.com", "ajs_anonymous_id=0f1e2d3c", ""},
	{"cdp.site.test", "ajs_anonymous_id=0f1e2d3c", ""},
	{"mxpnl.com", "mp_0123456789abcdef0123456789abcdef_mixpanel=%7B%7D", ""},
	{"hs-scripts.com", "hubspotutk=0123456789abcdef; __hstc=1.2.3", ""},
	{"intercom.io", "intercom-id-abc12def=0f1e2d3c", ""},
	{"criteo.net", "cto_bundle=AbCdEf", ""},
	{"criteo.com", "", "uid=0f1e2d3c"},
	{"taboola.com", "t_gid=0f1e2d3c", "t_gid=0f1e2d3c"},
	{"scorecardresearch.com", "", "UID=1abc"},
	{"amazon-adsystem.com", "", "ad-id=A1b2C3"},
	{"adobedtm.com", "AMCV_0123456789ABCDEF%40AdobeOrg=MCMID|1", ""},
	{"demdex.net", "", "demdex=0123456789"},
	{"omtrdc.net", "", "s_vi=[CS]v1|0123[CE]"},
	{"tiqcdn.com", "utag_main=v_id:0123$_sn:1", ""},
	{"shopifysvc.com", "", "_shopify_y=0f1e2d3c"},
	{"wp.com", "tk_ai=0f1e2d3c", ""},
	{"youtube.com", "", "VISITOR_INFO1_LIVE=abc; YSC=abc"},
	{"algolia", "_ALGOLIA=anonymous-0f1e2d3c", ""},
	{"plausible.io", "", ""},
}

// trackerAnswer answers a request to a third-party host: scripts get a
// body that sets the vendor's first-party cookies, other requests a 1x1
// GIF with the vendor's third-party cookie.
func trackerAnswer(rw http.ResponseWriter, r *http.Request, host string) {
	rw.Header().Set("Cache-Control", "no-store")
	var js, hdr string
	for _, v := range vendorCookies {
		if strings.HasSuffix(host, v.suffix) || strings.Contains(r.URL.Path, v.suffix) {
			js, hdr = v.js, v.header
			break
		}
	}
	if r.Header.Get("Sec-Fetch-Dest") == "script" {
		rw.Header().Set("Content-Type", "text/javascript")
		fmt.Fprintf(rw, "/* %s */\n", host)
		for _, c := range strings.Split(js, "; ") {
			if c != "" {
				fmt.Fprintf(rw, "document.cookie = %q;\n", c+"; path=/; max-age=86400")
			}
		}
		return
	}
	for _, c := range strings.Split(hdr, "; ") {
		if c != "" {
			rw.Header().Add("Set-Cookie", c+"; Path=/; Max-Age=86400; Secure; SameSite=None")
		}
	}
	rw.Header().Set("Content-Type", "image/gif")
	rw.Write([]byte(gif1x1))
}

// realOrigin serves the pages and stands in for the rest of the site:
// its assets, and the first-party paths the site's tags are proxied
// under. It records every path it is asked for.
type realOrigin struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []Hit
}

func newRealOrigin(t *testing.T) *realOrigin {
	o := &realOrigin{}
	files := http.FileServer(http.Dir(realPages))
	o.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.reqs = append(o.reqs, Hit{Host: realSite, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery})
		o.mu.Unlock()
		rw.Header().Set("Cache-Control", "no-store")
		switch {
		case strings.HasSuffix(r.URL.Path, ".html"):
			files.ServeHTTP(rw, r)
		case r.URL.Path == "/assets/tags.js":
			r.URL.Path = "/dynamic-tags.js"
			files.ServeHTTP(rw, r)
		case strings.HasSuffix(r.URL.Path, ".css"):
			rw.Header().Set("Content-Type", "text/css")
		case strings.HasSuffix(r.URL.Path, ".js"):
			rw.Header().Set("Content-Type", "text/javascript")
			rw.Write([]byte("/* site script */"))
		default:
			rw.Header().Set("Content-Type", "image/gif")
			rw.Write([]byte(gif1x1))
		}
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *realOrigin) take() []Hit {
	o.mu.Lock()
	defer o.mu.Unlock()
	h := o.reqs
	o.reqs = nil
	return h
}

// recorder is a tracker host's handler that logs into the world's log
// shape (the world only logs hosts it does not route).
type recorder struct {
	mu   sync.Mutex
	hits []Hit
	dest map[int]string
}

func (rc *recorder) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(strings.Split(r.Host, ":")[0])
	rc.mu.Lock()
	rc.hits = append(rc.hits, Hit{Host: host, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery})
	rc.dest[len(rc.hits)-1] = r.Header.Get("Sec-Fetch-Dest")
	rc.mu.Unlock()
	trackerAnswer(rw, r, host)
}

func (rc *recorder) take() ([]Hit, map[int]string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	h, d := rc.hits, rc.dest
	rc.hits, rc.dest = nil, map[int]string{}
	return h, d
}

// destType maps Sec-Fetch-Dest to the request type the core classifies.
func destType(dest string) filter.Type {
	switch dest {
	case "script":
		return filter.TypeScript
	case "image":
		return filter.TypeImage
	case "iframe", "frame":
		return filter.TypeSubdocument
	case "style":
		return filter.TypeStylesheet
	case "font":
		return filter.TypeFont
	case "audio", "video", "track":
		return filter.TypeMedia
	case "empty":
		return filter.TypeXHR
	}
	return filter.TypeOther
}

// leaks is what one page load let through under "nothing granted".
type leaks struct {
	hosts   map[string][]string // tracker host -> a blocked URL it got
	cookies []string            // optional cookies stored
	reached map[string]bool     // every third-party host contacted
}

// necessaryHosts are the payment, CMP, CAPTCHA, fraud-prevention and
// public-CDN hosts the pages load: each must be reached, or the guard and
// the rewriter broke the site.
var necessaryHosts = []string{"js.stripe.com", "www.paypal.com", "cdn.cookielaw.org", "consent.cookiebot.com",
	"www.google.com", "js.hcaptcha.com", "cdn.shopify.com", "cdn.jsdelivr.net", "h.online-metrix.net",
	"fonts.googleapis.com", "cdnjs.cloudflare.com"}

// measure loads page in b and returns what leaked: every request the
// third-party hosts and the origin received, classified by the core for a
// visitor who granted nothing, and every cookie the browser stores.
func measure(t *testing.T, b *Browser, w *World, rc *recorder, o *realOrigin, eng *engine.Engine, page string) leaks {
	t.Helper()
	pageURL := "https://" + realSite + "/" + page
	b.Navigate(t, w, pageURL)
	quiet(rc, o)
	l := leaks{hosts: map[string][]string{}, reached: map[string]bool{}}
	hits, dest := rc.take()
	for i, h := range hits {
		l.reached[h.Host] = true
		u := "https://" + h.Host + h.Path
		if h.Query != "" {
			u += "?" + h.Query
		}
		if d := eng.Decide(u, pageURL, destType(dest[i]), consent.State{}); d.Action == engine.Block {
			l.hosts[h.Host] = append(l.hosts[h.Host], u+" ("+d.Category.String()+" "+d.Vendor+")")
		}
	}
	for _, h := range o.take() {
		u := "https://" + realSite + h.Path
		if h.Query != "" {
			u += "?" + h.Query
		}
		if d := eng.Decide(u, pageURL, filter.TypeOther, consent.State{}); d.Action == engine.Block {
			l.hosts[realSite] = append(l.hosts[realSite], u+" ("+d.Category.String()+" "+d.Vendor+")")
		}
	}
	for _, c := range b.Cookies(t) {
		if m, a, _ := eng.DecideCookie(c.Name, strings.TrimPrefix(c.Domain, "."), consent.State{}); a == engine.Block {
			l.cookies = append(l.cookies, c.Name+"@"+c.Domain+" ("+m.Category.String()+")")
		}
	}
	if _, err := chromedp.CallBrowser(b.Ctx, storage.ClearCookies, storage.ClearCookiesParams{}); err != nil {
		t.Fatalf("Storage.clearCookies: %v", err)
	}
	return l
}

// quiet waits until neither the third-party hosts nor the origin got a
// request for 700 ms (at most 8 s): late tags, timers and beacons ran.
func quiet(rc *recorder, o *realOrigin) {
	count := func() int {
		rc.mu.Lock()
		n := len(rc.hits)
		rc.mu.Unlock()
		o.mu.Lock()
		n += len(o.reqs)
		o.mu.Unlock()
		return n
	}
	last, since := count(), time.Now()
	for end := time.Now().Add(8 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if n := count(); n != last {
			last, since = n, time.Now()
		} else if time.Since(since) >= 700*time.Millisecond {
			return
		}
	}
}

// realWorld starts the origin, the proxy in front of it for the site, the
// recorder for every third-party host the pages name, and the loopback
// world around them. With noGuard the runtime guard's file is not served
// (the page's reference to it fails its load), so only the HTML rewriter
// and the cookie filter act: the figures without the guard.
func realWorld(t *testing.T, noGuard bool) (*World, *recorder, *realOrigin) {
	t.Helper()
	o := newRealOrigin(t)
	var p http.Handler = newProxy(t, o.URL, realSite, "site.test")
	if noGuard {
		inner := p
		p = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/.consentguard/guard.") {
				http.NotFound(rw, r)
				return
			}
			inner.ServeHTTP(rw, r)
		})
	}
	rc := &recorder{dest: map[int]string{}}
	hosts := map[string]http.Handler{realSite: p, "site.test": p}
	for _, h := range realHosts(t) {
		hosts[h] = rc
	}
	return newWorld(t, hosts), rc, o
}

// knownGaps are the leaks with the guard on that are known and not fixed:
// page -> tracker URL. Each must still leak, so a fix shows up here. None
// now: the first run missed an SDK from a public CDN added by JS, found
// only by path signature, until the guard matched path signatures too.
var knownGaps = map[string][]string{}

// known removes the known gaps of page from hosts, failing when one no
// longer leaks.
func known(t *testing.T, page string, hosts map[string][]string) {
	t.Helper()
	for _, u := range knownGaps[page] {
		found := false
		for h, urls := range hosts {
			var rest []string
			for _, x := range urls {
				if strings.HasPrefix(x, u+" ") {
					found = true
				} else {
					rest = append(rest, x)
				}
			}
			if len(rest) == 0 {
				delete(hosts, h)
			} else {
				hosts[h] = rest
			}
		}
		if found {
			t.Logf("%s: known gap, still leaks: %s", page, u)
		} else {
			t.Errorf("%s: known gap %s no longer leaks: remove it from knownGaps", page, u)
		}
	}
}

// TestChromiumRealPages loads each realistic page through the proxy in
// real Chromium for a visitor who granted nothing (third-party cookies
// allowed in the profile) and asserts that no tracker host is contacted
// (every request a third-party host or the origin receives is classified
// by the core; necessary and consent hosts may be reached) and that no
// optional cookie is stored (Storage.getCookies, all partitions). The
// "no-guard" run repeats it without the runtime guard and must find
// leaks: it shows what the guard adds and that the harness sees them.
func TestChromiumRealPages(t *testing.T) {
	eng, err := policylists.Default()
	if err != nil {
		t.Fatal(err)
	}
	pages, err := filepath.Glob(filepath.Join(realPages, "*.html"))
	if err != nil || len(pages) < 8 {
		t.Fatalf("want at least 8 pages in %s, have %d (%v)", realPages, len(pages), err)
	}
	for _, mode := range []struct {
		name    string
		noGuard bool
	}{{"guard", false}, {"no-guard", true}} {
		t.Run(mode.name, func(t *testing.T) {
			w, rc, o := realWorld(t, mode.noGuard)
			b := newBrowser(t, w)
			hosts, cookies := 0, 0
			reached := map[string]bool{}
			for _, path := range pages {
				page := filepath.Base(path)
				l := measure(t, b, w, rc, o, eng, page)
				if !mode.noGuard {
					known(t, page, l.hosts)
				}
				for h := range l.reached {
					reached[h] = true
				}
				hosts += len(l.hosts)
				cookies += len(l.cookies)
				var hs []string
				for h, urls := range l.hosts {
					hs = append(hs, h+": "+strings.Join(urls, ", "))
				}
				sort.Strings(hs)
				msg := fmt.Sprintf("%s: %d tracker hosts contacted, %d optional cookies set", page, len(l.hosts), len(l.cookies))
				if len(hs)+len(l.cookies) > 0 {
					msg += "\n  hosts: " + strings.Join(hs, "\n    ") + "\n  cookies: " + strings.Join(l.cookies, ", ")
				}
				if mode.noGuard || len(hs)+len(l.cookies) == 0 {
					t.Log(msg)
				} else {
					t.Error(msg)
				}
			}
			t.Logf("%d pages: %d tracker hosts contacted, %d optional cookies set (summed over pages)", len(pages), hosts, cookies)
			for _, h := range necessaryHosts {
				if !reached[h] {
					t.Errorf("necessary host %s was never contacted: the page lost a necessary script", h)
				}
			}
			if mode.noGuard && hosts+cookies == 0 {
				t.Errorf("without the guard nothing leaked: the pages' late tags (dynamic.html) should, so the harness sees nothing")
			}
		})
	}
}
