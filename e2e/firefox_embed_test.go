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
// neither host gets a request. (The clicks are checked in Chromium: this
// BiDi client sends no trusted input.)
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
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
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
