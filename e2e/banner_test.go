//go:build e2e

package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/consentguard/consentguard/edge"
	"github.com/consentguard/consentguard/internal/fixture"
)

// screens are the window sizes the banner is tested at.
var screens = []struct {
	name string
	w, h int64
}{{"desktop", 1280, 800}, {"phone", 375, 667}}

// screenshotDir is where the browser tests keep their screenshots as
// artefacts, left in place after the run: $CONSENTGUARD_SCREENSHOTS, else
// .cache/screenshots in the repository (ignored by git).
func screenshotDir(t *testing.T) string {
	d := os.Getenv("CONSENTGUARD_SCREENSHOTS")
	if d == "" {
		d = filepath.Join(fixture.Root(t), ".cache", "screenshots")
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

// screenshot saves the viewport as name.png in dir.
func screenshot(t *testing.T, b *Browser, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", file)
}

// bannerWorld serves the site through the native proxy with a privacy
// policy link and French as the site's default language.
func bannerWorld(t *testing.T) *World {
	o := newOrigin(t)
	p := newProxyWith(t, o.URL, func(c *edge.Config) {
		c.Banner.PolicyURL = "/privacy"
		c.Banner.Language = "fr"
	}, siteHost, "www."+siteHost)
	return newWorld(t, map[string]http.Handler{siteHost: p, "www." + siteHost: p})
}

// active describes document.activeElement: its id, else its tag and value
// or text.
const active = `(function(){var e=document.activeElement;if(!e)return "";if(e.id)return "#"+e.id;return e.tagName.toLowerCase()+(e.value?"["+e.value+"]":"")+(e.tagName==="A"?":"+e.textContent:"")})()`

func key(t *testing.T, b *Browser, k string) {
	t.Helper()
	if err := chromedp.Do(b.Ctx, chromedp.KeyEvent(k)); err != nil {
		t.Fatalf("key %q: %v", k, err)
	}
	time.Sleep(50 * time.Millisecond)
}

func waitFor(t *testing.T, b *Browser, expr string) {
	t.Helper()
	if err := pollAcross(b, expr, 15*time.Second, 5*time.Second); err != nil {
		t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// TestChromiumBannerKeyboard: at desktop and phone sizes the first layer
// takes at most 40% of the height, shows no categories, and is usable
// with the keyboard alone: focus starts on its title, Tab goes policy
// link, Reject all, Accept all, Customise; Enter on Customise opens the
// categories (focus on the first); Escape closes them (focus back on
// Customise), Escape again closes the banner and focus returns to the
// page. The control reopens it with the keyboard; Escape gives focus back
// to the control.
func TestChromiumBannerKeyboard(t *testing.T) {
	dir := screenshotDir(t)
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			w := bannerWorld(t)
			b := newBrowser(t, w, chromedp.Flag("accept-lang", "en-GB,en"))
			if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(sc.w, sc.h)); err != nil {
				t.Fatal(err)
			}
			b.Navigate(t, w, "https://"+siteHost+"/")
			waitFor(t, b, `!!document.getElementById('cg-banner')`)
			ratio := Eval[float64](t, b, `document.getElementById('cg-banner').getBoundingClientRect().height / innerHeight`)
			t.Logf("%s: first layer %.0f%% of the height", sc.name, ratio*100)
			if ratio > 0.40 {
				t.Errorf("first layer takes %.0f%% of a %dx%d window, want <= 40%%", ratio*100, sc.w, sc.h)
			}
			if Eval[bool](t, b, `!document.getElementById('cg-l2').hidden || document.getElementById('cg-l2').offsetHeight > 0`) {
				t.Error("categories visible in the first layer")
			}
			text := Eval[string](t, b, `document.getElementById('cg-text-s').textContent`)
			if !strings.Contains(text, "analytics") || !strings.Contains(text, "advertising") {
				t.Errorf("first layer does not name the categories the page uses: %q", text)
			}
			screenshot(t, b, dir, "banner-first-"+sc.name)

			if got := Eval[string](t, b, active); got != "#cg-title" {
				t.Errorf("focus at start on %q, want the banner title", got)
			}
			for _, want := range []string{"a:Privacy policy", "button[reject]", "button[accept]", "#cg-more"} {
				key(t, b, kb.Tab)
				if got := Eval[string](t, b, active); got != want {
					t.Fatalf("Tab: focus on %q, want %q", got, want)
				}
			}
			key(t, b, kb.Enter)
			if got := Eval[string](t, b, active); got != "input[functional]" {
				t.Errorf("after Customise focus on %q, want the first category", got)
			}
			if Eval[bool](t, b, `document.getElementById('cg-l2').hidden || !document.getElementById('cg-save').offsetHeight`) {
				t.Error("Customise did not show the categories and Save")
			}
			screenshot(t, b, dir, "banner-second-"+sc.name)
			key(t, b, kb.Escape)
			if got := Eval[string](t, b, active); got != "#cg-more" || !Eval[bool](t, b, `document.getElementById('cg-l2').hidden`) {
				t.Errorf("Escape in the second layer: focus on %q, categories hidden %v", got, Eval[bool](t, b, `document.getElementById('cg-l2').hidden`))
			}
			key(t, b, kb.Escape)
			if !Eval[bool](t, b, `document.getElementById('cg-banner').hidden`) {
				t.Fatal("Escape did not close the banner")
			}
			if got := Eval[string](t, b, `document.activeElement === document.body ? "body" : `+active); got != "body" {
				t.Errorf("after closing, focus on %q, want the page", got)
			}
			// The control, reached with the keyboard, reopens the banner.
			Eval[bool](t, b, `(document.getElementById('cg-choices').focus(), true)`)
			key(t, b, kb.Enter)
			if got := Eval[string](t, b, active); got != "#cg-title" || Eval[bool](t, b, `document.getElementById('cg-banner').hidden`) {
				t.Errorf("control: banner not reopened (focus on %q)", got)
			}
			key(t, b, kb.Escape)
			if got := Eval[string](t, b, active); got != "#cg-choices" {
				t.Errorf("after closing the reopened banner focus on %q, want the control", got)
			}
			screenshot(t, b, dir, "control-"+sc.name)
			// The JS API opens the categories directly.
			Eval[bool](t, b, `(consentguard.open({customise: true}), true)`)
			if got := Eval[string](t, b, active); got != "input[functional]" || Eval[bool](t, b, `document.getElementById('cg-l2').hidden`) {
				t.Errorf("consentguard.open({customise: true}): focus on %q, categories hidden %v", got, Eval[bool](t, b, `document.getElementById('cg-l2').hidden`))
			}
		})
	}
}

// TestChromiumBannerLanguage: the banner speaks the browser's language
// (Accept-Language from --accept-lang), the site's default (French here)
// when it has none of the browser's.
func TestChromiumBannerLanguage(t *testing.T) {
	dir := screenshotDir(t)
	w := bannerWorld(t)
	for _, tc := range []struct{ accept, lang, reject, control string }{
		{"en-US,en", "en", "Reject all", "Privacy choices"},
		{"de-DE,de", "de", "Alle ablehnen", "Datenschutz-Einstellungen"},
		{"es-ES,es", "es", "Rechazar todo", "Opciones de privacidad"},
		{"ja-JP,ja", "fr", "Tout refuser", "Choix de confidentialit\u00e9"},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			b := newBrowser(t, w, chromedp.Flag("accept-lang", tc.accept))
			if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(375, 667)); err != nil {
				t.Fatal(err)
			}
			b.Navigate(t, w, "https://"+siteHost+"/")
			waitFor(t, b, `!!document.getElementById('cg-banner')`)
			if ratio := Eval[float64](t, b, `document.getElementById('cg-banner').getBoundingClientRect().height / innerHeight`); ratio > 0.40 {
				t.Errorf("%s: first layer takes %.0f%% of a 375x667 window, want <= 40%%", tc.lang, ratio*100)
			}
			got := Eval[[]string](t, b, `[document.getElementById('cg-banner').lang, document.querySelector('#cg-banner button[value=reject]').textContent, document.getElementById('cg-choices').textContent]`)
			if got[0] != tc.lang || got[1] != tc.reject || got[2] != tc.control {
				t.Errorf("Accept-Language %s: banner %q, want %s %q %q", tc.accept, got, tc.lang, tc.reject, tc.control)
			}
			screenshot(t, b, dir, "banner-"+tc.lang+"-"+strings.Split(tc.accept, ",")[0])
		})
	}
}

// TestChromiumWithdrawal: the visitor grants analytics (GA loads and
// stores _ga), then withdraws through the "Privacy choices" control: the
// banner reopens with analytics ticked, "Reject all" records the new
// choice and the response expires _ga. Then the consent page the control
// links to, without JavaScript, shows the current choice.
func TestChromiumWithdrawal(t *testing.T) {
	for _, f := range fronts {
		t.Run(f.name, func(t *testing.T) { testWithdrawal(t, f.world) })
	}
}

func testWithdrawal(t *testing.T, world func(*testing.T) (*World, *Origin)) {
	dir := screenshotDir(t)
	w, _ := world(t)
	b := newBrowser(t, w)
	if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	b.Navigate(t, w, "https://"+siteHost+"/")
	waitFor(t, b, `!!document.getElementById('cg-banner')`)
	if err := chromedp.Do(b.Ctx,
		chromedp.Click(chromedp.CSS(`#cg-more`)),
		chromedp.Click(chromedp.CSS(`#cg-banner input[value=analytics]`)),
		chromedp.Click(chromedp.CSS(`#cg-save`)),
	); err != nil {
		t.Fatalf("grant analytics: %v", err)
	}
	waitFor(t, b, `!document.getElementById('cg-banner') && document.readyState === 'complete'`)
	time.Sleep(300 * time.Millisecond)
	w.waitQuiet(500*time.Millisecond, 5*time.Second)
	if !hasCookie(t, b, "_ga") {
		t.Fatalf("analytics granted but no _ga (cookies %q)", cookieNames(t, b))
	}
	// Withdraw: the control reopens the banner with the choice ticked.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`#cg-choices`))); err != nil {
		t.Fatalf("control: %v", err)
	}
	waitFor(t, b, `!!document.getElementById('cg-banner') && !document.getElementById('cg-banner').hidden`)
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`#cg-more`))); err != nil {
		t.Fatal(err)
	}
	if !Eval[bool](t, b, `document.querySelector('#cg-banner input[value=analytics]').checked && !document.querySelector('#cg-banner input[value=advertising]').checked`) {
		t.Error("reopened banner does not show the current choice (analytics only)")
	}
	screenshot(t, b, dir, "withdraw-reopened")
	w.Reset()
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`#cg-banner button[value=reject]`))); err != nil {
		t.Fatalf("reject: %v", err)
	}
	waitFor(t, b, `!document.getElementById('cg-banner') && document.readyState === 'complete'`)
	time.Sleep(300 * time.Millisecond)
	w.waitQuiet(500*time.Millisecond, 5*time.Second)
	if hasCookie(t, b, "_ga") {
		t.Errorf("_ga still stored after withdrawing analytics (cookies %q)", cookieNames(t, b))
	}
	if hits := w.HitsTo(analyticsHosts...); len(hits) > 0 {
		t.Errorf("GA reached after withdrawal:%s", hitList(hits))
	}
	// The control's link target, as a visitor without JavaScript gets it.
	href := Eval[string](t, b, `document.getElementById('cg-choices').href`)
	b.Navigate(t, w, href)
	if Eval[bool](t, b, `document.querySelector('input[value=analytics]').checked`) || !Eval[bool](t, b, `!!document.querySelector('form[method=post] button[value=save]')`) {
		t.Error("consent page: analytics still ticked or no form")
	}
	screenshot(t, b, dir, "consent-page")
}

// TestChromiumGuardCached: the page references the guard as an external
// script that runs before the page's own (the injected script after it
// sees the guard's consentguard API), and the second navigation takes it
// from the browser's cache: the proxy is asked for it once.
func TestChromiumGuardCached(t *testing.T) {
	o := newOrigin(t)
	p := newProxy(t, o.URL, siteHost, "www."+siteHost)
	var guardGets atomic.Int32
	count := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, edge.GuardPrefix) {
			guardGets.Add(1)
		}
		p.ServeHTTP(w, r)
	})
	w := newWorld(t, map[string]http.Handler{siteHost: count, "www." + siteHost: count})
	b := newBrowser(t, w)
	b.Navigate(t, w, "https://"+siteHost+"/")
	src := Eval[string](t, b, `(document.querySelector('script[src*="/.consentguard/guard."]')||{}).src||""`)
	if src == "" || !Eval[bool](t, b, `typeof consentguard === "object" && typeof consentguard.open === "function"`) {
		t.Fatalf("external guard not loaded (src %q)", src)
	}
	b.Navigate(t, w, "https://"+siteHost+"/static/next.html")
	if got := Eval[string](t, b, `(document.querySelector('script[src*="/.consentguard/guard."]')||{}).src||""`); got != src {
		t.Fatalf("second page references %q, want %q", got, src)
	}
	if !Eval[bool](t, b, `typeof consentguard === "object"`) {
		t.Error("guard did not run on the second page")
	}
	if n := guardGets.Load(); n != 1 {
		t.Errorf("guard fetched %d times over two navigations, want 1 (then the cache)", n)
	}
}

// TestChromiumGuardCSP: under the page's own Content-Security-Policy the
// inline part (Consent Mode defaults) and the external guard both run in
// Chromium: through 'self', through the page's nonce (with
// 'strict-dynamic'), through the hash added for the external script's
// integrity, and inline when the policy has only 'unsafe-inline'.
func TestChromiumGuardCSP(t *testing.T) {
	policies := map[string]string{
		"/self":   "script-src 'self'",
		"/nonce":  "script-src 'nonce-n0nce' 'strict-dynamic'",
		"/hash":   "script-src https://cdn.allowed.test",
		"/inline": "script-src 'unsafe-inline' https://cdn.allowed.test",
	}
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		csp, ok := policies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", csp)
		w.Write([]byte(`<!doctype html><html><head><title>csp</title></head><body><p>csp page</p></body></html>`))
	}))
	t.Cleanup(origin.Close)
	p := newProxy(t, origin.URL, siteHost)
	w := newWorld(t, map[string]http.Handler{siteHost: p})
	b := newBrowser(t, w)
	for _, path := range []string{"/self", "/nonce", "/hash", "/inline"} {
		b.Navigate(t, w, "https://"+siteHost+path)
		got := Eval[[]bool](t, b, `[!!(window.dataLayer && dataLayer.length && dataLayer[0][0] === "consent"),
			typeof consentguard === "object", !!document.querySelector('script[src*="/.consentguard/guard."]')]`)
		if !got[0] || !got[1] {
			t.Errorf("%s (%s): consent mode ran %v, guard ran %v", path, policies[path], got[0], got[1])
		}
		if wantExt := path != "/inline"; got[2] != wantExt {
			t.Errorf("%s: external guard referenced %v, want %v", path, got[2], wantExt)
		}
	}
}
