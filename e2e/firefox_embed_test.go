//go:build e2e

package e2e

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFirefoxEmbeds: in real Firefox ESR with the built extension, a page's
// YouTube and Vimeo players become the core's placeholders, styled, and
// neither host gets a request; a click from script loads nothing, "Load
// this once" (a trusted click, BiDi input.performActions) loads that player
// alone, and "Always allow" survives a reload.
func TestFirefoxEmbeds(t *testing.T) {
	ext := filepath.Join(extensionDist(t), "firefox")
	rec := &embedRecorder{}
	site := &ffSiteHandler{seen: map[string][]http.Header{}}
	embeds := &ffEmbedSite{ffSiteHandler: site}
	handlers := map[string]http.Handler{ffSite: embeds}
	for _, h := range embedHosts {
		handlers[h] = rec.handler(h)
	}
	w := newWorld(t, handlers)
	site.port = w.Port
	port := ":" + strconv.Itoa(w.Port)
	// Firefox maps host names to loopback, not ports: the embeds name ours.
	embeds.page = strings.NewReplacer("https://www.youtube.com/", "https://www.youtube.com"+port+"/",
		"https://player.vimeo.com/", "https://player.vimeo.com"+port+"/").Replace(embedPage)
	ff := newFirefox(t, w)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if _, err := ff.InstallExtension(ctx, ext); err != nil {
		t.Fatalf("webExtension.install %s: %v", ext, err)
	}
	url := "https://" + ffSite + port + "/"
	waitFirefoxExtensionLive(t, ff, w, site, url, 30*time.Second)
	rec.reset()
	ff.Go(t, w, url+"embeds")
	var got string
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		got = FirefoxEval[string](t, ff, `document.querySelectorAll("[data-cg-embed]").length+" "+document.querySelectorAll("iframe").length`)
		if got == "2 0" {
			break
		}
	}
	if got != "2 0" {
		t.Fatalf("placeholders and iframes %q, want 2 0", got)
	}
	if style := FirefoxEval[string](t, ff, `(function(){var p=document.querySelector("[data-cg-embed]"),s=getComputedStyle(p),q=getComputedStyle(p.querySelector("button"));return s.backgroundColor+" "+s.display+" "+q.minHeight})()`); style != "rgb(31, 36, 48) inline-grid 44px" {
		t.Errorf("placeholder style in Firefox: %q", style)
	}
	if txt := FirefoxEval[string](t, ff, `document.querySelector("[data-cg-vendor=youtube]").textContent`); !strings.Contains(txt, "Always allow YouTube") {
		t.Errorf("placeholder text %q", txt)
	}
	time.Sleep(300 * time.Millisecond)
	noEmbedHits(t, rec, "in Firefox")

	// A click from script is not the person's: nothing loads.
	FirefoxEval[bool](t, ff, `document.querySelector("[data-cg-vendor=youtube] [data-cg-action=once]").click(), true`)
	time.Sleep(500 * time.Millisecond)
	noEmbedHits(t, rec, "in Firefox after a synthetic click")

	// "Load this once", clicked through input.performActions: YouTube
	// alone loads, in the page, with its size.
	if err := ff.Click(ctx, ff.Context, ytOnce); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the YouTube player to load in Firefox", func() bool { return rec.count("www.youtube.com") > 0 })
	if got := FirefoxEval[string](t, ff, `(function(){var f=document.querySelector("iframe");return f?f.width+"x"+f.height+" "+document.querySelectorAll("[data-cg-embed]").length:"none"})()`); got != "560x315 1" {
		t.Errorf("after Load this once in Firefox: iframe and placeholders %q, want 560x315 1", got)
	}
	if n := rec.count("player.vimeo.com"); n != 0 {
		t.Errorf("Vimeo loaded by YouTube's Load this once in Firefox: %s", rec)
	}

	// Once is once; "Always allow Vimeo" allows the site's functional
	// embeds, which then load directly after a reload.
	rec.reset()
	ff.Go(t, w, url+"embeds")
	waitFirefox(t, ff, `document.querySelectorAll("[data-cg-embed]").length === 2`)
	noEmbedHits(t, rec, "in Firefox after a reload that followed Load this once")
	if err := ff.Click(ctx, ff.Context, vimeoAlway); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "both players to load in Firefox", func() bool { return rec.count("player.vimeo.com") > 0 && rec.count("www.youtube.com") > 0 })
	rec.reset()
	ff.Go(t, w, url+"embeds")
	waitFirefox(t, ff, `document.querySelectorAll("iframe").length === 2 && document.querySelectorAll("[data-cg-embed]").length === 0`)
	waitUntil(t, "both players to load directly in Firefox", func() bool { return rec.count("player.vimeo.com") > 0 && rec.count("www.youtube.com") > 0 })
}

// waitFirefox polls expr in the Firefox tab until it is true (10 s).
func waitFirefox(t *testing.T, ff *Firefox, expr string) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if FirefoxEval[bool](t, ff, expr) {
			return
		}
	}
	t.Fatalf("in Firefox, %s stayed false", expr)
}

// ffEmbedSite serves the embeds page on /embeds and the Firefox fixture
// site otherwise.
type ffEmbedSite struct {
	*ffSiteHandler
	page string
}

func (s *ffEmbedSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/embeds" {
		s.ffSiteHandler.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(s.page))
}
