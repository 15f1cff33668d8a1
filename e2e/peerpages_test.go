//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// peerResult is one test case of a privacy-test-pages page (its global
// `results.results`).
type peerResult struct {
	ID    string          `json:"id"`
	Value json.RawMessage `json:"value"`
}

// runPeerPage opens a privacy-test-pages page in Chromium, clicks its start
// button (a real click, so the page may open its popup) and waits for the
// results.
func runPeerPage(t *testing.T, b *Browser, w *World, url string, timeout time.Duration) map[string]json.RawMessage {
	t.Helper()
	b.Navigate(t, w, url)
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`#start`))); err != nil {
		t.Fatalf("click #start on %s: %v", url, err)
	}
	return peerResults(t, url, timeout, func() string { return Eval[string](t, b, `JSON.stringify(results.results)`) })
}

// peerResults polls a page's results (read returns JSON.stringify of its
// results.results) until every test case has a value or timeout passes.
func peerResults(t *testing.T, url string, timeout time.Duration, read func() string) map[string]json.RawMessage {
	t.Helper()
	var res []peerResult
	end := time.Now().Add(timeout)
	for {
		raw := read()
		if err := json.Unmarshal([]byte(raw), &res); err != nil {
			t.Fatalf("results of %s: %v (%s)", url, err, raw)
		}
		done := len(res) > 0
		for _, r := range res {
			if string(r.Value) == "null" || len(r.Value) == 0 {
				done = false
			}
		}
		if done || time.Now().After(end) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	out := map[string]json.RawMessage{}
	for _, r := range res {
		out[r.ID] = r.Value
	}
	return out
}

// TestPeerGPCPageChromium runs DuckDuckGo's GPC test page
// (privacy-protections/gpc, served by its own server from loopback) in
// Chromium with the built extension/dist/chromium loaded. Every case must
// pass: Sec-GPC: 1 on the top-frame navigation (a popup the page opens), on
// an iframe and on a fetch, and navigator.globalPrivacyControl === true in
// the page and in an iframe. Chromium sends no GPC of its own, so each
// case fails without the extension.
//
// The page's request-blocking counterpart, which needs
// ||bad.third-party.site^ in the blocklist, is TestPeerRequestBlockingChromium
// (the extension built with that extra list).
func TestPeerGPCPageChromium(t *testing.T) {
	dir := filepath.Join(extensionDist(t), "chromium")
	w := newWorld(t, peerPages(t))
	b := newBrowser(t, w, chromedp.Flag("load-extension", dir), chromedp.Flag("disable-extensions-except", dir))
	time.Sleep(time.Second) // the extension's worker registers its rules
	got := runPeerPage(t, b, w, "http://privacy-test-pages.site/privacy-protections/gpc/", 15*time.Second)
	checkPeerGPC(t, got)
}

// checkPeerGPC requires every case of the GPC page to have passed.
func checkPeerGPC(t *testing.T, got map[string]json.RawMessage) {
	t.Helper()
	want := map[string]string{
		"top frame header": `"1"`,
		"top frame JS API": `true`,
		"frame header":     `"1"`,
		"frame JS API":     `true`,
		"subequest header": `"1"`, // sic: the page's id
	}
	for id, v := range want {
		if g, ok := got[id]; !ok {
			t.Errorf("%s: no such test case on the page (got %v)", id, got)
		} else if string(g) != v {
			t.Errorf("%s = %s, want %s", id, g, v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("the page ran %d cases, want %d: %v", len(got), len(want), got)
	}
}

// TestPeerGPCPageFirefox runs the same GPC page in Firefox ESR with the
// built extension/dist/firefox installed over WebDriver BiDi; the start
// button is pressed from a script with user activation, so the page may
// open its popup. Firefox's own GPC is off in the profile.
func TestPeerGPCPageFirefox(t *testing.T) {
	ext := filepath.Join(extensionDist(t), "firefox")
	w := newWorld(t, peerPages(t))
	ff := newFirefox(t, w)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := ff.InstallExtension(ctx, ext); err != nil {
		t.Fatalf("webExtension.install %s: %v", ext, err)
	}
	// Firefox starts the extension asynchronously after the install answers.
	waitFirefoxGPC(t, ff, w, fmt.Sprintf("http://privacy-test-pages.site:%d/", w.Port))
	url := fmt.Sprintf("http://privacy-test-pages.site:%d/privacy-protections/gpc/", w.Port)
	ff.Go(t, w, url)
	if _, err := ff.EvaluateActivated(ctx, ff.Context, `document.querySelector('#start').click()`); err != nil {
		t.Fatalf("click #start: %v", err)
	}
	got := peerResults(t, url, 15*time.Second, func() string {
		return FirefoxEval[string](t, ff, `JSON.stringify(results.results)`)
	})
	checkPeerGPC(t, got)
}
