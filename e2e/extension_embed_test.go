//go:build e2e

package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// socialPage embeds a post of a social network (X), whose category GPC
// keeps off whatever the person grants.
const socialPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>post</title></head><body>
<h1>A post</h1>
<iframe src="https://platform.twitter.com/embed/Tweet.html?id=20" width="550" height="400" title="X post"></iframe>
</body></html>`

// extEmbedWorld serves embedPage (a YouTube and a Vimeo player) on the
// extension tests' site, socialPage on /social, and the embed hosts by a
// recorder, all on loopback over TLS.
func extEmbedWorld(t *testing.T) (*World, *embedRecorder) {
	t.Helper()
	rec := &embedRecorder{}
	site := map[string]http.Handler{extSite: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if r.URL.Path == "/social" {
			io.WriteString(w, socialPage)
			return
		}
		io.WriteString(w, embedPage)
	})}
	for _, h := range append(embedHosts, "platform.twitter.com") {
		site[h] = rec.handler(h)
	}
	return newWorld(t, site), rec
}

// startExtEmbeds loads the built extension in a fresh Chromium against a
// fresh embed world and waits until the core is ready and the rules are
// applied.
func startExtEmbeds(t *testing.T) (w *World, rec *embedRecorder, b, opt *Browser, id string) {
	t.Helper()
	dir := builtExtension(t, false)
	w, rec = extEmbedWorld(t)
	b = extBrowser(t, w, dir)
	id = extensionID(t, b)
	opt = openExtPage(t, b, id, "options.html")
	sendExt[map[string]any](t, opt, `{cmd: 'ready'}`)
	return w, rec, b, opt, id
}

// waitPlaceholders waits for n placeholders and no iframe left on the page.
func waitPlaceholders(t *testing.T, b *Browser, n int) {
	t.Helper()
	expr := `document.querySelectorAll("[data-cg-embed]").length === ` + strconv.Itoa(n) + ` && document.querySelectorAll("iframe").length === 0`
	if err := pollAcross(b, expr, 15*time.Second, 2*time.Second); err != nil {
		t.Fatalf("waiting for %d placeholders: %v (page: %s)", n, err,
			Eval[string](t, b, `document.body ? document.body.innerHTML.slice(0, 600) : ""`))
	}
}

// waitFrame waits until a cross-site frame (its own target, site
// isolation) has committed a document whose URL starts with prefix (a frame
// blocked by the browser commits chrome-error://chromewebdata/ instead),
// and the page has loaded, so that a screenshot shows it.
func waitFrame(t *testing.T, b *Browser, prefix string) {
	t.Helper()
	var last []string
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		ts, err := chromedp.Targets(b.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		last = last[:0]
		for _, ti := range ts {
			if ti.Type != "iframe" {
				continue
			}
			last = append(last, ti.URL)
			if strings.HasPrefix(ti.URL, prefix) && Eval[bool](t, b, `document.readyState === "complete"`) {
				time.Sleep(300 * time.Millisecond) // paint
				return
			}
		}
	}
	t.Fatalf("no frame loaded %s (frames: %v)", prefix, last)
}

// jsonString is v as JSON.
func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestExtensionEmbeds: with the extension's defaults (nothing granted,
// GPC on) a page's YouTube and Vimeo players become the proxy's
// placeholders and nothing is requested from either host; "Load this once"
// loads that player only, for this page view (after a reload the
// placeholder is back, still without a request); "Always allow" records
// functional for the site (the popup's per-site consent) and loads both
// players, and after a reload they load directly. A social post under GPC
// offers only "Load this once".
func TestExtensionEmbeds(t *testing.T) {
	w, rec, b, opt, _ := startExtEmbeds(t)
	dir := screenshotDir(t)
	page := "https://" + extSite + "/"
	b.Navigate(t, w, page)
	waitPlaceholders(t, b, 2)
	noEmbedHits(t, rec, "before any click")
	size := Eval[string](t, b, `Array.from(document.querySelectorAll("[data-cg-embed]")).map(function(e){var r=e.getBoundingClientRect();return Math.round(r.width)+"x"+Math.round(r.height)}).join(",")`)
	if size != "560x315,640x360" {
		t.Errorf("placeholder sizes %s, want 560x315,640x360", size)
	}
	if got := Eval[string](t, b, `document.querySelector("[data-cg-vendor=youtube]").innerText`); !strings.Contains(got, "YouTube") ||
		!strings.Contains(got, "functional") || !strings.Contains(got, "Load this once") || !strings.Contains(got, "Always allow YouTube") {
		t.Errorf("placeholder text does not name the vendor, the category and both choices: %q", got)
	}
	// Styled by the extension (a constructed stylesheet), as the proxy's.
	if got := Eval[string](t, b, `(function(){var p=document.querySelector("[data-cg-embed]"),s=getComputedStyle(p),q=getComputedStyle(p.querySelector("button"));return s.backgroundColor+" "+s.display+" "+q.minHeight})()`); got != "rgb(31, 36, 48) inline-grid 44px" {
		t.Errorf("placeholder style: %q", got)
	}
	// A page script's synthetic click loads nothing.
	Eval[bool](t, b, `document.querySelector("[data-cg-vendor=youtube] [data-cg-action=once]").click(), true`)
	time.Sleep(500 * time.Millisecond)
	noEmbedHits(t, rec, "after a synthetic click")
	elementShot(t, b, dir, "ext-embed-youtube-placeholder", chromedp.CSS(`[data-cg-vendor=youtube]`))

	// Load this once: that player only.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(ytOnce))); err != nil {
		t.Fatalf("click Load this once: %v", err)
	}
	waitUntil(t, "the YouTube player to load", func() bool { return rec.count("www.youtube.com") > 0 })
	if got := Eval[string](t, b, `(function(){var f=document.querySelector("iframe");return f?f.src+" "+f.width+"x"+f.height+" "+f.hasAttribute("allowfullscreen"):"none"})()`); got != "https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0 560x315 true" {
		t.Errorf("restored iframe: %q", got)
	}
	if !Eval[bool](t, b, `document.activeElement && document.activeElement.tagName === "IFRAME"`) {
		t.Errorf("focus did not move to the loaded player")
	}
	waitFrame(t, b, "https://www.youtube.com/embed/")
	time.Sleep(300 * time.Millisecond)
	if n := rec.count("player.vimeo.com"); n != 0 {
		t.Errorf("Vimeo loaded by YouTube's Load this once: %s", rec)
	}
	screenshot(t, b, dir, "ext-embed-after-once")

	// Once is once: after a reload the placeholder is back, no request.
	rec.reset()
	b.Navigate(t, w, page)
	waitPlaceholders(t, b, 2)
	noEmbedHits(t, rec, "after a reload that followed Load this once")

	// Always allow: functional for this site, both players load.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(vimeoAlway))); err != nil {
		t.Fatalf("click Always allow Vimeo: %v", err)
	}
	waitUntil(t, "both players to load", func() bool { return rec.count("player.vimeo.com") > 0 && rec.count("www.youtube.com") > 0 })
	if n := Eval[int](t, b, `document.querySelectorAll("iframe").length`); n != 2 {
		t.Errorf("%d iframes after Always allow, want 2", n)
	}
	s := sendExt[map[string]any](t, opt, `{cmd: 'settings'}`)
	if got := jsonString(s["sites"]); !strings.Contains(got, `"news.test":{"allow":["functional"]}`) {
		t.Errorf("Always allow did not record functional for the site: %s", got)
	}
	if got := jsonString(s["granted"]); got != "[]" {
		t.Errorf("Always allow changed the global choice: %s", got)
	}

	// The choice survives a reload: the players load directly.
	rec.reset()
	b.Navigate(t, w, page)
	if err := pollAcross(b, `document.querySelectorAll("iframe").length === 2`, 10*time.Second, 2*time.Second); err != nil {
		t.Fatalf("players after a reload: %v", err)
	}
	if n := Eval[int](t, b, `document.querySelectorAll("[data-cg-embed]").length`); n != 0 {
		t.Errorf("%d placeholders after Always allow and a reload", n)
	}
	waitUntil(t, "both players to load directly", func() bool { return rec.count("player.vimeo.com") > 0 && rec.count("www.youtube.com") > 0 })
	waitFrame(t, b, "https://player.vimeo.com/video/")
	screenshot(t, b, dir, "ext-embed-after-always-reload")

	// A social post under GPC (the default): only "Load this once".
	b.Navigate(t, w, page+"social")
	waitPlaceholders(t, b, 1)
	if got := Eval[string](t, b, `(function(){var p=document.querySelector("[data-cg-embed]");return p.getAttribute("data-cg-category")+" "+p.querySelectorAll("button").length+" "+!!p.querySelector("[data-cg-action=always]")+" "+/Global Privacy Control/.test(p.innerText)})()`); got != "social 1 false true" {
		t.Errorf("social placeholder under GPC: %q", got)
	}
	if n := rec.count("platform.twitter.com"); n != 0 {
		t.Errorf("the social post loaded before a click: %s", rec)
	}
	elementShot(t, b, dir, "ext-embed-social-gpc", chromedp.CSS(`[data-cg-embed]`))
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`[data-cg-embed] [data-cg-action=once]`))); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the social post to load once", func() bool { return rec.count("platform.twitter.com") > 0 })
}

// TestExtensionEmbedsMobileKeyboard: at 375x667 the extension's
// placeholders fit the screen at the players' aspect ratio; with the
// keyboard only, Tab reaches "Load this once" (visible focus ring) and
// Enter loads that player, and only it. The page is opened with the
// service worker stopped (its questions wait for the core, none is lost);
// a paused site gets no placeholders.
func TestExtensionEmbedsMobileKeyboard(t *testing.T) {
	w, rec, b, opt, id := startExtEmbeds(t)
	dir := screenshotDir(t)
	if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(375, 667)); err != nil {
		t.Fatal(err)
	}
	// The worker stopped (as after 30 s idle): the frames' questions wait
	// for it and its core to start, and are answered.
	stopServiceWorker(t, b, id)
	b.Navigate(t, w, "https://"+extSite+"/")
	waitPlaceholders(t, b, 2)
	noEmbedHits(t, rec, "before any key press")
	keyboardOnce(t, b, rec, dir, "ext-embed-375")
	waitFrame(t, b, "https://www.youtube.com/embed/")
	screenshot(t, b, dir, "ext-embed-375-loaded")

	// A paused site gets no placeholders: its embeds load as written.
	sendExt[map[string]any](t, opt, `{cmd: 'save', settings: {sites: {'news.test': {paused: true}}}}`)
	rec.reset()
	b.Navigate(t, w, "https://"+extSite+"/")
	waitUntil(t, "both players to load on a paused site", func() bool { return rec.count("player.vimeo.com") > 0 && rec.count("www.youtube.com") > 0 })
	time.Sleep(500 * time.Millisecond)
	if got := Eval[string](t, b, `document.querySelectorAll("iframe").length+" "+document.querySelectorAll("[data-cg-embed]").length`); got != "2 0" {
		t.Errorf("paused site: iframes and placeholders %s, want 2 0", got)
	}
}
