//go:build e2e

package e2e

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// siteWorld starts the origin, the edge proxy in front of it for
// shop.example, and the loopback world around both.
func siteWorld(t *testing.T) (*World, *Origin) {
	t.Helper()
	o := newOrigin(t)
	p := newProxy(t, o.URL, siteHost, "www."+siteHost)
	w := newWorld(t, map[string]http.Handler{siteHost: p, "www." + siteHost: p})
	return w, o
}

// workerWorld is siteWorld with the built Worker, in real workerd, in
// front of the origin instead of the native handler: the world's TLS front
// passes the site's requests on to workerd with their Host and
// X-Forwarded-Proto (so the Worker sees the https URL the visitor used, as
// behind Cloudflare).
func workerWorld(t *testing.T) (*World, *Origin) {
	t.Helper()
	o := newOrigin(t)
	rp := workerFront(t, o.URL)
	w := newWorld(t, map[string]http.Handler{siteHost: rp, "www." + siteHost: rp})
	return w, o
}

// workerFront starts the built Worker in workerd in front of origin and
// returns the handler that passes the world's site requests on to it.
func workerFront(t *testing.T, origin string) http.Handler {
	t.Helper()
	wd := startWorkerd(t, buildWorker(t, "./edge/worker"), edgeVars(origin))
	target, err := url.Parse(wd.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.Out.Host = pr.In.Host
		pr.SetXForwarded()
	}}
}

// fronts are the two ways the site is served to the browser: the native
// proxy handler and the Worker in workerd.
var fronts = []struct {
	name  string
	world func(*testing.T) (*World, *Origin)
}{{"native", siteWorld}, {"worker", workerWorld}}

func cookieNames(t *testing.T, b *Browser) []string {
	var names []string
	for _, c := range b.Cookies(t) {
		names = append(names, c.Name+"@"+c.Domain)
	}
	return names
}

// nonConsented reports cookie names that belong to analytics, advertising
// or session replay in this page's world.
func isTrackerCookie(name string) bool {
	n, _, _ := strings.Cut(name, "@")
	return n == "_gid" || n == "_fbp" || n == "fr" || strings.HasPrefix(n, "_ga") || strings.HasPrefix(n, "_hj")
}

// pageHits are the recorded hits minus Chromium's own background traffic
// to Google's infrastructure (time, component updates, accounts), which no
// page causes.
func pageHits(w *World) []Hit {
	var out []Hit
	for _, h := range w.Hits() {
		if strings.HasSuffix(h.Host, ".google.com") || strings.HasSuffix(h.Host, ".googleapis.com") ||
			strings.HasSuffix(h.Host, ".gvt1.com") || strings.HasSuffix(h.Host, ".gstatic.com") {
			continue
		}
		out = append(out, h)
	}
	return out
}

func hasCookie(t *testing.T, b *Browser, name string) bool {
	for _, n := range cookieNames(t, b) {
		if nm, _, _ := strings.Cut(n, "@"); nm == name {
			return true
		}
	}
	return false
}

func pageIntact(t *testing.T, b *Browser) {
	t.Helper()
	if got := Eval[string](t, b, "document.getElementById('text').textContent"); got != pageText {
		t.Errorf("page text = %q, want %q", got, pageText)
	}
	if got := Eval[string](t, b, "document.title"); got != pageTitle {
		t.Errorf("title = %q", got)
	}
	if got := Eval[string](t, b, "document.getElementById('pre').textContent"); got != "  keep   this\n\texactly " {
		t.Errorf("pre = %q", got)
	}
	if !Eval[bool](t, b, "window.__appLoaded === true") {
		t.Errorf("the site's own script did not run")
	}
}

// pollAcross waits until expr is true in the page, across a navigation: a
// poll (of at most each) interrupted by the navigation is retried until
// total has passed.
func pollAcross(b *Browser, expr string, total, each time.Duration) error {
	var err error
	for end := time.Now().Add(total); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if _, err = chromedp.Run(b.Ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(each))); err == nil {
			return nil
		}
	}
	return err
}

// followLink clicks a link and waits for the next page and the requests it
// caused (a hyperlink-auditing ping is sent as the link is followed).
func followLink(t *testing.T, b *Browser, w *World, css, nextID string) {
	t.Helper()
	// A DOM click: the banner may cover the link on a first visit.
	if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`(function(){var a=document.querySelector('`+css+`');if(!a)return false;a.click();return true})()`)); err != nil {
		t.Fatalf("click %s: %v", css, err)
	}
	if err := pollAcross(b, `!!document.getElementById('`+nextID+`')`, 10*time.Second, 3*time.Second); err != nil {
		t.Fatalf("after clicking %s: %v", css, err)
	}
	time.Sleep(200 * time.Millisecond)
	w.waitQuiet(500*time.Millisecond, 5*time.Second)
}

// pingHits are the hits of the #roast link's ping.
func pingHits(w *World) []Hit {
	var out []Hit
	for _, h := range w.HitsTo("www.google-analytics.com") {
		if h.Path == "/collect" && strings.Contains(h.Query, "ea=ping") {
			out = append(out, h)
		}
	}
	return out
}

// TestChromiumNoConsent: a first visit with no choice recorded. No request
// reaches any tracker host, no tracker cookie is stored, the page is
// intact, the banner is shown.
func TestChromiumNoConsent(t *testing.T) {
	for _, f := range fronts {
		t.Run(f.name, func(t *testing.T) { testNoConsent(t, f.world) })
	}
}

func testNoConsent(t *testing.T, world func(*testing.T) (*World, *Origin)) {
	w, _ := world(t)
	b := newBrowser(t, w)
	b.Navigate(t, w, "https://"+siteHost+"/")

	if hits := w.HitsTo(trackerHosts...); len(hits) > 0 {
		t.Errorf("tracker hosts reached without consent:%s", hitList(hits))
	}
	if hits := pageHits(w); len(hits) > 0 {
		t.Errorf("unexpected third-party requests:%s", hitList(hits))
	}
	for _, n := range cookieNames(t, b) {
		if isTrackerCookie(n) {
			t.Errorf("non-consented cookie stored: %s", n)
		}
	}
	pageIntact(t, b)
	if !hasCookie(t, b, "shop_theme") {
		t.Errorf("the site's own first-party cookie was not stored: %q", cookieNames(t, b))
	}
	// The images stay, from the site: the tracker srcset candidate and
	// <picture> source are gone.
	for _, id := range []string{"hero", "roastery"} {
		if src := Eval[string](t, b, "document.getElementById('"+id+"').currentSrc"); !strings.HasPrefix(src, "https://"+siteHost+"/static/") {
			t.Errorf("#%s shows %q, want the site's own image", id, src)
		}
	}
	if !Eval[bool](t, b, "window.__lateInjected === true") {
		t.Errorf("the late injection did not run (nothing tested)")
	}
	if Eval[bool](t, b, "window.__hotjarLoaded === true") {
		t.Errorf("a script injected later by JS to a tracker host ran")
	}
	// The banner: Reject all and Accept all, one click each, same look.
	if !Eval[bool](t, b, "!!document.getElementById('cg-banner')") {
		t.Fatalf("consent banner not shown on a first visit")
	}
	same := Eval[bool](t, b, `(function(){
		var r = document.querySelector('#cg-banner button[value=reject]'), a = document.querySelector('#cg-banner button[value=accept]');
		if (!r || !a) return false;
		var cr = getComputedStyle(r), ca = getComputedStyle(a);
		return cr.backgroundColor === ca.backgroundColor && cr.fontSize === ca.fontSize && cr.fontWeight === ca.fontWeight &&
			Math.abs(r.offsetHeight - a.offsetHeight) <= 1;
	})()`)
	if !same {
		t.Errorf("Reject all and Accept all are not equally prominent")
	}
	// Following the link sends no ping to GA: the attribute is gone.
	followLink(t, b, w, "#roast", "next")
	if hits := pingHits(w); len(hits) > 0 {
		t.Errorf("a link's ping reached GA without consent:%s", hitList(hits))
	}
}

// TestChromiumAnalyticsOnly: the visitor accepts analytics only (the
// banner's form POST). GA loads and collects; ads and session replay do
// not; the script injected later by JS (Hotjar) stays blocked by the guard.
func TestChromiumAnalyticsOnly(t *testing.T) {
	for _, f := range fronts {
		t.Run(f.name, func(t *testing.T) { testAnalyticsOnly(t, f.world) })
	}
}

func testAnalyticsOnly(t *testing.T, world func(*testing.T) (*World, *Origin)) {
	w, o := world(t)
	b := newBrowser(t, w)
	b.Navigate(t, w, "https://"+siteHost+"/")
	// The visitor opens the second layer ("Customise"), ticks Analytics and
	// saves: a real form POST to /.consentguard/consent, then the redirect
	// back to the page.
	w.Reset()
	if err := chromedp.Do(b.Ctx,
		chromedp.Click(chromedp.CSS(`#cg-more`)),
		chromedp.Click(chromedp.CSS(`#cg-banner input[value=analytics]`)),
		chromedp.Click(chromedp.CSS(`#cg-banner button[value=save]`)),
	); err != nil {
		t.Fatalf("banner: %v", err)
	}
	// The reloaded page: no banner, fully loaded.
	if err := pollAcross(b, `!document.getElementById('cg-banner') && document.readyState === 'complete'`, 15*time.Second, 5*time.Second); err != nil {
		t.Fatalf("page after saving the choice: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	w.waitQuiet(500*time.Millisecond, 5*time.Second)
	if Eval[bool](t, b, "!!document.getElementById('cg-banner')") {
		t.Errorf("banner shown again after a recorded choice")
	}
	if !hasCookie(t, b, "consentguard") {
		t.Fatalf("no consentguard cookie after saving the choice: %q", cookieNames(t, b))
	}

	ga := w.HitsTo(analyticsHosts...)
	var gotTag, gotCollect bool
	for _, h := range ga {
		gotTag = gotTag || h.Host == "www.googletagmanager.com" && h.Path == "/gtag/js"
		gotCollect = gotCollect || strings.HasSuffix(h.Host, "google-analytics.com") && h.Path == "/g/collect"
	}
	if !gotTag || !gotCollect {
		t.Errorf("analytics consented but GA did not load and collect (tag %v, collect %v):%s", gotTag, gotCollect, hitList(w.Hits()))
	}
	if hits := w.HitsTo(adHosts...); len(hits) > 0 {
		t.Errorf("ad/replay hosts reached with analytics-only consent:%s", hitList(hits))
	}
	names := cookieNames(t, b)
	var ga4 bool
	for _, n := range names {
		nm, _, _ := strings.Cut(n, "@")
		if nm == "_ga" {
			ga4 = true
		}
		if nm == "_fbp" || nm == "fr" || strings.HasPrefix(nm, "_hj") {
			t.Errorf("advertising/replay cookie stored: %s", n)
		}
	}
	if !ga4 {
		t.Errorf("analytics consented but _ga not stored (cookies %q)", names)
	}
	pageIntact(t, b)
	if !Eval[bool](t, b, "window.__lateInjected === true") || Eval[bool](t, b, "window.__hotjarLoaded === true") {
		t.Errorf("late Hotjar injection: ran %v, loaded %v", Eval[bool](t, b, "window.__lateInjected === true"), Eval[bool](t, b, "window.__hotjarLoaded === true"))
	}
	blocked := Eval[string](t, b, "JSON.stringify(window.__consentguard ? window.__consentguard.blocked : null)")
	if !strings.Contains(blocked, "hotjar") {
		t.Errorf("guard log lacks the Hotjar script: %s", blocked)
	}
	// The origin got the consented cookies only.
	if last, ok := o.Last("/"); ok {
		ck := last.Header.Get("Cookie")
		if strings.Contains(ck, "_fbp") || strings.Contains(ck, "_hj") {
			t.Errorf("origin received non-consented cookies: %q", ck)
		}
	}
	// Analytics consented: the link's GA ping stays and is sent (this
	// also shows the browser sends pings at all, so the no-consent test's
	// "no ping" means something).
	w.Reset()
	followLink(t, b, w, "#roast", "next")
	if hits := pingHits(w); len(hits) != 1 || hits[0].Method != "POST" {
		t.Errorf("analytics consented: want one POST ping to GA, got:%s", hitList(pingHits(w)))
	}
}

// TestChromiumWebSocket: the page's own WebSocket works through the proxy
// (handshake passed on, connection spliced), and the origin gets only the
// consented cookies on the handshake.
func TestChromiumWebSocket(t *testing.T) {
	w, _ := siteWorld(t)
	b := newBrowser(t, w)
	b.Navigate(t, w, "https://"+siteHost+"/")
	Eval[bool](t, b, `(document.cookie = "_ga=GA1.1.42.42; path=/", document.cookie = "cart=3; path=/", true)`)
	got := Eval[string](t, b, `new Promise(function (resolve) {
		var ws = new WebSocket("wss://`+siteHost+`/live");
		ws.onopen = function () { ws.send("hello from the page"); };
		ws.onmessage = function (e) { resolve(e.data); ws.close(); };
		ws.onerror = function () { resolve("error"); };
		setTimeout(function () { resolve("timeout"); }, 5000);
	})`)
	if !strings.HasPrefix(got, "HELLO FROM THE PAGE cookie=") {
		t.Fatalf("WebSocket echo = %q", got)
	}
	if ck := strings.TrimPrefix(got, "HELLO FROM THE PAGE cookie="); !strings.Contains(ck, "cart=3") || strings.Contains(ck, "_ga=") {
		t.Errorf("origin got Cookie %q on the handshake, want cart=3 and no _ga", ck)
	}
}
