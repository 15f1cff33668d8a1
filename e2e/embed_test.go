//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// embedPage is a page with two functional embeds (a YouTube and a Vimeo
// player) of different sizes, a link and text.
const embedPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Harbor Coffee: videos</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:16px;max-width:720px;color:#222}</style>
</head>
<body>
<h1>Harbor Coffee videos</h1>
<p id="text">How we roast, and our visit to the farm.</p>
<h2>How we roast</h2>
<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0" title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; encrypted-media; picture-in-picture" allowfullscreen></iframe>
<h2>Farm visit</h2>
<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" width="640" height="360" title="Vimeo video player" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>
<p><a id="more" href="/more">More stories</a></p>
</body>
</html>
`

// strictCSP is a nonce-based policy that allows no inline style either
// (the page's own <style> stays unstyled), with the embeds' frames allowed.
const strictCSP = "default-src 'self'; script-src 'nonce-cSpN0nce' 'strict-dynamic'; style-src 'self'; " +
	"frame-src https://www.youtube.com https://player.vimeo.com; object-src 'none'; base-uri 'none'"

// embedHosts are the embeds' hosts. They are served as site hosts of the
// loopback world (so its certificate covers them) by a recorder: every
// request the browser makes to them is logged.
var embedHosts = []string{"www.youtube.com", "player.vimeo.com"}

type embedRecorder struct {
	mu   sync.Mutex
	hits []string // host + path
}

func (e *embedRecorder) handler(host string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.hits = append(e.hits, host+r.URL.Path)
		e.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><title>player</title><body style="margin:0;background:#000;color:#fff;font:24px sans-serif"><p style="padding:1em">`+host+` player</p>`)
	})
}

// count returns the requests to host so far.
func (e *embedRecorder) count(host string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, h := range e.hits {
		if strings.HasPrefix(h, host+"/") {
			n++
		}
	}
	return n
}

func (e *embedRecorder) reset() {
	e.mu.Lock()
	e.hits = nil
	e.mu.Unlock()
}

func (e *embedRecorder) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return fmt.Sprint(e.hits)
}

// waitUntil polls cond (Go side) for up to 10 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// embedWorld serves embedPage from a loopback origin through the edge
// proxy (the real lists) for shop.example, and the embed hosts by a
// recorder.
//
// With worker, the built Worker in real workerd is the front instead of
// the native handler (as in workerWorld).
func embedWorld(t *testing.T, worker bool) (*World, *embedRecorder) {
	t.Helper()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if r.URL.Path == "/csp" {
			w.Header().Set("Content-Security-Policy", strictCSP)
		}
		io.WriteString(w, embedPage)
	}))
	t.Cleanup(origin.Close)
	rec := &embedRecorder{}
	var p http.Handler
	if worker {
		p = workerFront(t, origin.URL)
	} else {
		p = newProxy(t, origin.URL, siteHost)
	}
	site := map[string]http.Handler{siteHost: p}
	for _, h := range embedHosts {
		site[h] = rec.handler(h)
	}
	return newWorld(t, site), rec
}

// elementShot saves a screenshot of the element sel as name.png in dir.
func elementShot[S chromedp.Selectable](t *testing.T, b *Browser, dir, name string, sel S) {
	t.Helper()
	png, err := chromedp.Run(b.Ctx, chromedp.Screenshot(sel))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", file)
}

func shotName(worker bool, name string) string {
	if worker {
		return "worker-" + name
	}
	return name
}

const (
	ytOnce     = `[data-cg-vendor=youtube] [data-cg-action=once]`
	vimeoAlway = `[data-cg-vendor=vimeo] [data-cg-action=always]`
	rejectAll  = `#cg-banner button[value=reject]`
)

// noEmbedHits fails when the page contacted an embed host.
func noEmbedHits(t *testing.T, rec *embedRecorder, when string) {
	t.Helper()
	if n := rec.count("www.youtube.com") + rec.count("player.vimeo.com"); n != 0 {
		t.Fatalf("embed hosts contacted %s: %s", when, rec)
	}
}

// afterReject waits for the page the banner's "Reject all" returns to.
func afterReject(t *testing.T, b *Browser, w *World) {
	t.Helper()
	if err := pollAcross(b, `!document.getElementById("cg-banner") && document.querySelectorAll("[data-cg-embed]").length === 2`, 10*time.Second, 2*time.Second); err != nil {
		t.Fatalf("page after Reject all: %v", err)
	}
	w.waitQuiet(500*time.Millisecond, 5*time.Second)
}

// TestChromiumEmbeds: through the proxy, with nothing granted, the page
// makes no request to the embed hosts; "Load this once" loads that embed
// only, and only for this page view; "Always allow" records functional
// consent and loads every functional embed, and after a reload the embeds
// load directly.
func TestChromiumEmbeds(t *testing.T) {
	for _, f := range []struct {
		name   string
		worker bool
	}{{"native", false}, {"worker", true}} {
		t.Run(f.name, func(t *testing.T) { embedsVisit(t, f.worker) })
	}
}

func embedsVisit(t *testing.T, worker bool) {
	w, rec := embedWorld(t, worker)
	b := newBrowser(t, w)
	dir := screenshotDir(t)
	page := "https://" + siteHost + "/"
	b.Navigate(t, w, page)
	noEmbedHits(t, rec, "with the banner shown")
	// The visitor rejects everything in the banner, then meets the embeds.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(rejectAll))); err != nil {
		t.Fatalf("Reject all: %v", err)
	}
	afterReject(t, b, w)
	noEmbedHits(t, rec, "before any click on a placeholder")
	if n := Eval[int](t, b, `document.querySelectorAll("[data-cg-embed]").length`); n != 2 {
		t.Fatalf("%d placeholders, want 2", n)
	}
	if n := Eval[int](t, b, `document.querySelectorAll("iframe").length`); n != 0 {
		t.Fatalf("%d iframes before any click", n)
	}
	// Same size as the embeds (the window is wider than both).
	size := Eval[string](t, b, `Array.from(document.querySelectorAll("[data-cg-embed]")).map(function(e){var r=e.getBoundingClientRect();return Math.round(r.width)+"x"+Math.round(r.height)}).join(",")`)
	if size != "560x315,640x360" {
		t.Errorf("placeholder sizes %s, want 560x315,640x360", size)
	}
	if got := Eval[string](t, b, `document.querySelector("[data-cg-vendor=youtube]").innerText`); !strings.Contains(got, "YouTube") ||
		!strings.Contains(got, "functional") || !strings.Contains(got, "Load this once") || !strings.Contains(got, "Always allow YouTube") {
		t.Errorf("placeholder text does not name the vendor, the category and both choices: %q", got)
	}
	elementShot(t, b, dir, shotName(worker, "embed-youtube-placeholder"), chromedp.CSS(`[data-cg-vendor=youtube]`))

	// Load this once: that embed only.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(ytOnce))); err != nil {
		t.Fatalf("click Load this once: %v", err)
	}
	waitUntil(t, "the YouTube embed to load", func() bool { return rec.count("www.youtube.com") > 0 })
	if got := Eval[string](t, b, `(function(){var f=document.querySelector("iframe");return f?f.src+" "+f.getAttribute("data-consentguard")+" "+f.width+"x"+f.height+" "+f.hasAttribute("allowfullscreen"):"none"})()`); got != "https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0 null 560x315 true" {
		t.Errorf("restored iframe: %q", got)
	}
	if !Eval[bool](t, b, `document.activeElement && document.activeElement.tagName === "IFRAME"`) {
		t.Errorf("focus did not move to the loaded embed")
	}
	time.Sleep(300 * time.Millisecond)
	if n := rec.count("player.vimeo.com"); n != 0 {
		t.Errorf("Vimeo loaded by YouTube's Load this once: %s", rec)
	}
	screenshot(t, b, dir, shotName(worker, "embed-after-once"))

	// Once is once: a reload shows the placeholders again.
	rec.reset()
	b.Navigate(t, w, page)
	if n := Eval[int](t, b, `document.querySelectorAll("[data-cg-embed]").length`); n != 2 || rec.count("www.youtube.com") != 0 {
		t.Fatalf("after a reload: %d placeholders, embed requests %s", n, rec)
	}

	// Always allow: consent for functional, every functional embed loads.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(vimeoAlway))); err != nil {
		t.Fatalf("click Always allow Vimeo: %v", err)
	}
	waitUntil(t, "both embeds to load", func() bool { return rec.count("player.vimeo.com") > 0 && rec.count("www.youtube.com") > 0 })
	if n := Eval[int](t, b, `document.querySelectorAll("iframe").length`); n != 2 {
		t.Errorf("%d iframes after Always allow, want 2", n)
	}
	if !Eval[bool](t, b, `fetch("/.consentguard/consent").then(function(r){return r.json()}).then(function(s){return s.recorded && s.granted.indexOf("functional")>=0 && s.granted.indexOf("analytics")<0})`) {
		t.Errorf("Always allow did not record functional (alone) consent")
	}

	// The choice survives a reload: the embeds load directly.
	rec.reset()
	b.Navigate(t, w, page)
	if n := Eval[int](t, b, `document.querySelectorAll("[data-cg-embed]").length`); n != 0 {
		t.Errorf("%d placeholders after Always allow and a reload", n)
	}
	if rec.count("www.youtube.com") == 0 || rec.count("player.vimeo.com") == 0 {
		t.Errorf("embeds not loaded directly after a reload: %s", rec)
	}
	screenshot(t, b, dir, shotName(worker, "embed-after-always-reload"))
}

// TestChromiumEmbedsMobileKeyboard: at 375x667 the placeholders fit the
// screen at the embeds' aspect ratio with their text and buttons; with the
// keyboard only, Tab reaches "Load this once" (with a visible focus ring)
// and Enter loads the embed.
func TestChromiumEmbedsMobileKeyboard(t *testing.T) {
	w, rec := embedWorld(t, false)
	b := newBrowser(t, w)
	dir := screenshotDir(t)
	if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(375, 667)); err != nil {
		t.Fatal(err)
	}
	b.Navigate(t, w, "https://"+siteHost+"/")
	noEmbedHits(t, rec, "with the banner shown")
	// Keyboard only, from the start: the banner has focus; Tab to "Reject
	// all", Enter.
	tabTo(t, b, rejectAll)
	if err := chromedp.Do(b.Ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	afterReject(t, b, w)
	noEmbedHits(t, rec, "before any key press on a placeholder")
	keyboardOnce(t, b, rec, dir, "embed-375")
}

// keyboardOnce checks the two placeholders at 375 px (placeholderLayout),
// then, with the keyboard only, tabs to YouTube's "Load this once" (a
// visible focus ring, nothing loaded by focus), presses Enter and waits for
// that embed alone to load, focused. Screenshots are named prefix-*.
func keyboardOnce(t *testing.T, b *Browser, rec *embedRecorder, dir, prefix string) {
	t.Helper()
	if layout := Eval[string](t, b, placeholderLayout); layout != "ok,ok" {
		t.Errorf("layout at 375 px: %s", layout)
	}
	elementShot(t, b, dir, prefix+"-youtube", chromedp.CSS(`[data-cg-vendor=youtube]`))
	tabTo(t, b, ytOnce)
	if ring := Eval[string](t, b, `(function(){var s=getComputedStyle(document.activeElement);return s.outlineStyle+" "+s.outlineWidth})()`); ring != "solid 3px" {
		t.Errorf("focus ring %q, want solid 3px", ring)
	}
	Eval[bool](t, b, `document.activeElement.scrollIntoView({block:"center"}),true`)
	screenshot(t, b, dir, prefix+"-focus")
	if rec.count("www.youtube.com") != 0 {
		t.Fatalf("focus alone loaded the embed: %s", rec)
	}
	if err := chromedp.Do(b.Ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "Enter to load the YouTube embed", func() bool { return rec.count("www.youtube.com") > 0 })
	time.Sleep(300 * time.Millisecond)
	if rec.count("player.vimeo.com") != 0 {
		t.Errorf("Vimeo loaded too: %s", rec)
	}
	if !Eval[bool](t, b, `document.activeElement.tagName === "IFRAME"`) {
		t.Errorf("focus not on the loaded embed")
	}
}

// placeholderLayout checks each placeholder at 375 px: within the screen,
// at the embed's aspect ratio, no shorter than the scaled embed, its
// buttons inside it and at least 44 px high ("ok" per placeholder).
const placeholderLayout = `Array.from(document.querySelectorAll("[data-cg-embed]")).map(function(e){
		var r=e.getBoundingClientRect(), box=e.querySelector("svg").getBoundingClientRect(), bad=[];
		if (r.left < 0 || r.right > 375) bad.push("outside "+r.left+"-"+r.right);
		if (Math.abs(box.width/box.height - Number(e.querySelector("svg").getAttribute("width"))/Number(e.querySelector("svg").getAttribute("height"))) > 0.02) bad.push("ratio");
		if (r.height < box.height - 1) bad.push("shorter than the embed");
		e.querySelectorAll("button").forEach(function(b){var q=b.getBoundingClientRect();
			if (q.left < r.left || q.right > r.right+0.5 || q.bottom > r.bottom+0.5) bad.push("button outside");
			if (q.height < 44) bad.push("button "+q.height+"px");});
		return bad.join(";") || "ok";}).join(",")`

// tabTo presses Tab until the element matching sel has focus (at most 40
// times).
func tabTo(t *testing.T, b *Browser, sel string) {
	t.Helper()
	for i := 0; i < 40; i++ {
		if err := chromedp.Do(b.Ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		if Eval[bool](t, b, `!!document.activeElement && document.activeElement.matches("`+sel+`")`) {
			return
		}
	}
	t.Fatalf("Tab never reached %s (focus on %s)", sel, Eval[string](t, b, `document.activeElement ? document.activeElement.outerHTML.slice(0,120) : "nothing"`))
}

// beaconPage has a first-party ping on a link and a site script that sends
// two first-party beacons: one to a tracker's path signature (a GA4
// collection endpoint the site proxies under its own /metrics/, as a server-side
// tag manager does), one to the
// site's own API.
const beaconPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>beacons</title></head>
<body>
<p><a id="go" href="/next" ping="/stats/click?item=kenya">Kenya Nyeri</a></p>
<script>
window.__beacons = [
  navigator.sendBeacon("/metrics/g/collect?v=2&tid=G-SELF123&en=page_view", "x"),
  navigator.sendBeacon("/api/ok", "y")
];
</script>
</body></html>
`

// TestChromiumBeacons: with nothing granted the first-party ping is gone
// and the first-party beacon to a tracker path signature is refused by
// the runtime guard, while the site's own beacon goes out; with analytics
// granted both the ping and the beacon reach the origin (so the first
// check could fail).
func TestChromiumBeacons(t *testing.T) {
	var mu sync.Mutex
	var got []string
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		switch r.URL.Path {
		case "/":
			io.WriteString(w, beaconPage)
		case "/next":
			io.WriteString(w, `<!doctype html><title>next</title><p id="next">next</p>`)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	t.Cleanup(origin.Close)
	seen := func(req string) bool {
		mu.Lock()
		defer mu.Unlock()
		for _, g := range got {
			if g == req {
				return true
			}
		}
		return false
	}
	w := newWorld(t, map[string]http.Handler{siteHost: newProxy(t, origin.URL, siteHost)})
	b := newBrowser(t, w)
	visit := func() {
		mu.Lock()
		got = nil
		mu.Unlock()
		b.Navigate(t, w, "https://"+siteHost+"/")
		if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`#go`))); err != nil {
			t.Fatalf("click: %v", err)
		}
		if err := pollAcross(b, `!!document.getElementById("next")`, 10*time.Second, 2*time.Second); err != nil {
			t.Fatalf("navigation: %v", err)
		}
		time.Sleep(500 * time.Millisecond) // pings are sent asynchronously
	}

	// A ping set by a script, on a link to the site's own page.
	jsPing := `(function(){var a=document.createElement("a");a.href="/next";a.ping="/stats/js";document.body.appendChild(a);return a.getAttribute("ping")||""})()`
	visit()
	waitUntil(t, "the site's own beacon", func() bool { return seen("POST /api/ok") })
	b.Navigate(t, w, "https://"+siteHost+"/")
	if got := Eval[string](t, b, jsPing); got != "" {
		t.Errorf("ping set by a script kept with nothing granted: %q", got)
	}
	if seen("POST /stats/click") {
		t.Error("first-party ping sent with nothing granted")
	}
	if seen("POST /metrics/g/collect") {
		t.Error("first-party beacon to a GA4 path signature sent with nothing granted")
	}

	// Grant analytics (as the banner's Save would) and go again.
	if !Eval[bool](t, b, `fetch("/.consentguard/consent",{method:"POST",headers:{Accept:"application/json"},body:new URLSearchParams("action=save&c=analytics")}).then(function(r){return r.ok})`) {
		t.Fatal("recording analytics consent failed")
	}
	visit()
	waitUntil(t, "the ping and the beacon with analytics granted", func() bool {
		return seen("POST /stats/click") && seen("POST /metrics/g/collect") && seen("POST /api/ok")
	})
	b.Navigate(t, w, "https://"+siteHost+"/")
	if got := Eval[string](t, b, jsPing); got != "/stats/js" {
		t.Errorf("ping set by a script with analytics granted: %q", got)
	}
}

// TestChromiumEmbedsCSP: under a strict nonce CSP (no inline styles at
// all) the placeholder is styled and its button works: the restore script
// runs with the page's nonce, and its styles are a constructed stylesheet.
func TestChromiumEmbedsCSP(t *testing.T) {
	w, rec := embedWorld(t, false)
	b := newBrowser(t, w)
	if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(1000, 1400)); err != nil {
		t.Fatal(err)
	}
	b.Navigate(t, w, "https://"+siteHost+"/csp")
	noEmbedHits(t, rec, "with the banner shown")
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(rejectAll))); err != nil {
		t.Fatalf("Reject all: %v", err)
	}
	afterReject(t, b, w)
	// (Browsers hide nonce attributes from the DOM: the script's working
	// is the proof.)
	if !Eval[bool](t, b, `window.__cgEmbed === 1 && !!window.__consentguard`) {
		t.Fatal("the injected scripts did not run under the CSP")
	}
	if got := Eval[string](t, b, `(function(){var p=document.querySelector("[data-cg-embed]"),s=getComputedStyle(p),q=getComputedStyle(p.querySelector("button"));return s.backgroundColor+" "+s.display+" "+q.minHeight})()`); got != "rgb(31, 36, 48) inline-grid 44px" {
		t.Errorf("placeholder style under the CSP: %q", got)
	}
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(ytOnce))); err != nil {
		t.Fatalf("click Load this once: %v", err)
	}
	waitUntil(t, "the YouTube embed to load under the CSP", func() bool { return rec.count("www.youtube.com") > 0 })
}
