//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/consentguard/consentguard/internal/fixture"
)

// builtExtensionLists builds both distributions with the given Adblock Plus
// list text as the extra list (make extension EXT_LISTS=...) into a
// temporary folder and returns it.
func builtExtensionLists(t testing.TB, list string) string {
	t.Helper()
	root := fixture.Root(t)
	if _, err := os.Stat(filepath.Join(root, ".cache", "npm", "node_modules", "@duckduckgo", "autoconsent")); err != nil {
		fixture.Missing(t, "autoconsent not installed: run scripts/install-autoconsent.sh (make deps)")
	}
	dir := t.TempDir()
	lp := filepath.Join(dir, "extra.txt")
	if err := os.WriteFile(lp, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "dist")
	if err := buildExtension(root, out, false, lp); err != nil {
		t.Fatal(err)
	}
	return out
}

// peerBlockingCases are the ids of the request-blocking page's cases
// (privacy-protections/request-blocking/main.js).
var peerBlockingCases = []string{"script", "style", "img", "picture", "object", "audio", "video", "iframe", "import", "font",
	"background", "websocket", "server-sent-events", "fetch", "xmlhttprequest", "sendBeacon", "favicon", "iframe-fetch",
	"iframe-fetch-depth-2", "webworker-fetch", "serviceworker-fetch", "csp-report", "redirected-fetch"}

// trackerRecorder records the requests that reach bad.third-party.site
// on their way to the peer pages' server.
type trackerRecorder struct {
	next http.Handler
	mu   sync.Mutex
	seen []string
}

func (r *trackerRecorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.seen = append(r.seen, req.Method+" "+req.URL.RequestURI())
	r.mu.Unlock()
	r.next.ServeHTTP(w, req)
}

func (r *trackerRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.seen
	r.seen = nil
	return s
}

// runBlockingPage opens DuckDuckGo's request-blocking page, starts it and
// returns each case's status once they have stopped changing.
func runBlockingPage(t *testing.T, b *Browser, w *World) map[string]string {
	t.Helper()
	url := "http://privacy-test-pages.site/privacy-protections/request-blocking/"
	b.Navigate(t, w, url)
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`#start`))); err != nil {
		t.Fatalf("click #start on %s: %v", url, err)
	}
	return blockingResults(t, url, 20*time.Second, func() string {
		return Eval[string](t, b, `JSON.stringify(results.results.map((r) => [r.id, r.status]))`)
	})
}

// blockingResults reads the request-blocking page's [id, status] pairs
// (read returns them as JSON) until they have not changed for 4 s, at most
// limit, and returns each case's status.
func blockingResults(t *testing.T, url string, limit time.Duration, read func() string) map[string]string {
	t.Helper()
	var last string
	stable := time.Now()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		cur := read()
		if cur != last {
			last, stable = cur, time.Now()
		} else if time.Since(stable) > 4*time.Second {
			break
		}
	}
	var pairs [][2]string
	if err := json.Unmarshal([]byte(last), &pairs); err != nil {
		t.Fatalf("results of %s: %v (%s)", url, err, last)
	}
	got := map[string]string{}
	for _, p := range pairs {
		got[p[0]] = p[1]
	}
	return got
}

func loadedCases(got map[string]string) []string {
	var out []string
	for id, st := range got {
		if st == "loaded" {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// TestPeerRequestBlockingChromium runs DuckDuckGo's request-blocking page
// (privacy-protections/request-blocking, its own server, loopback) in
// Chromium with the built extension. The page expects its blocklist to hold
// bad.third-party.site: with the extension built with the extra list
// "||bad.third-party.site^" (the upstream ruleset) no case may load and
// the tracker host sees no request; built without it (control), the same
// requests pass: the cases the page can observe load and the host is hit.
func TestPeerRequestBlockingChromium(t *testing.T) {
	site := peerPages(t)
	rec := &trackerRecorder{next: site["bad.third-party.site"]}
	site["bad.third-party.site"] = rec
	w := newWorld(t, site)
	run := func(dir string) (map[string]string, []string) {
		b := newBrowser(t, w, chromedp.Flag("load-extension", dir), chromedp.Flag("disable-extensions-except", dir))
		time.Sleep(time.Second) // the extension's worker registers its rules
		rec.take()
		got := runBlockingPage(t, b, w)
		return got, rec.take()
	}
	checkPeerBlocking(t, run, builtExtension(t, false), filepath.Join(builtExtensionLists(t, "! extra list for the test\n||bad.third-party.site^\n"), "chromium"))
}

// checkPeerBlocking runs the request-blocking page (run loads the given
// build and returns the cases' statuses and the requests that reached
// bad.third-party.site) with the control build, where every case must load
// and the host be reached, and with the build carrying
// "||bad.third-party.site^", where no case may load and no request arrive.
func checkPeerBlocking(t *testing.T, run func(dir string) (map[string]string, []string), controlDir, listDir string) {
	t.Helper()
	check := func(name string, got map[string]string) {
		for _, id := range peerBlockingCases {
			if _, ok := got[id]; !ok {
				t.Errorf("%s: case %s missing from the page's results %v", name, id, got)
			}
		}
		if len(got) != len(peerBlockingCases) {
			t.Errorf("%s: the page ran %d cases, want %d", name, len(got), len(peerBlockingCases))
		}
	}

	control, controlHits := run(controlDir)
	check("control", control)
	t.Logf("control (no extra list): loaded %v; %d requests reached bad.third-party.site", loadedCases(control), len(controlHits))
	// Without the list every case loads: the browser and the extension's
	// own rulesets leave bad.third-party.site alone.
	for _, id := range peerBlockingCases {
		if control[id] != "loaded" {
			t.Errorf("control: case %s = %q, want loaded (nothing blocks bad.third-party.site without the list)", id, control[id])
		}
	}
	if len(controlHits) == 0 {
		t.Error("control: bad.third-party.site saw no request")
	}

	blocked, hits := run(listDir)
	check("with list", blocked)
	t.Logf("with ||bad.third-party.site^: %v; %d requests reached bad.third-party.site", blocked, len(hits))
	if l := loadedCases(blocked); len(l) > 0 {
		t.Errorf("with ||bad.third-party.site^: cases %v loaded, want none", l)
	}
	if len(hits) > 0 {
		t.Errorf("with ||bad.third-party.site^: the tracker host saw %d requests:\n%s", len(hits), strings.Join(hits, "\n"))
	}
}

// TestExtensionUpstreamRealLists builds the extension with EasyPrivacy and
// EasyList from ../shared/data/lists (make extension EXT_LISTS=...), loads
// it into Chromium and checks that Chromium took the upstream ruleset (it
// is among the enabled rulesets: a ruleset over the limits or that fails to
// parse is not) and that it blocks: a script from 0emm.com (EasyPrivacy
// "||0emm.com^$third-party", in no list of ours) never reaches its host
// while a script from an unlisted host loads.
func TestExtensionUpstreamRealLists(t *testing.T) {
	out := builtWithRealLists(t)
	w := upstreamWorld(t)
	dir := filepath.Join(out, "chromium")
	b := extBrowser(t, w, dir)
	id := extensionID(t, b)
	opt := openExtPage(t, b, id, "options.html")
	sendExt[map[string]any](t, opt, `{cmd: 'ready'}`)
	enabled := Eval[[]string](t, opt, `chrome.declarativeNetRequest.getEnabledRulesets()`)
	if !slices.Contains(enabled, "upstream") {
		t.Fatalf("enabled rulesets %v lack upstream", enabled)
	}
	w.Reset()
	b.Navigate(t, w, fmt.Sprintf("http://shop.test:%d/", w.Port))
	w.waitQuiet(500*time.Millisecond, 5*time.Second)
	checkUpstreamPage(t, w, Eval[map[string]string](t, b, `window.__s`))

	// Every category granted and GPC off: the core blocks nothing, and the
	// lists go off with our rulesets; back to the defaults, they are on.
	for _, tc := range []struct {
		settings string
		on       bool
	}{
		{`{granted: ['functional', 'analytics', 'advertising', 'social', 'session-replay', 'tag-manager', 'fingerprinting'], gpc: false}`, false},
		{`{granted: [], gpc: true}`, true},
	} {
		sendExt[map[string]any](t, opt, `{cmd: 'save', settings: `+tc.settings+`}`)
		enabled := Eval[[]string](t, opt, `chrome.declarativeNetRequest.getEnabledRulesets()`)
		if slices.Contains(enabled, "upstream") != tc.on {
			t.Errorf("settings %s: enabled rulesets %v, want upstream on=%v", tc.settings, enabled, tc.on)
		}
	}
}

// TestFirefoxUpstreamRealLists is the same in Firefox ESR: the Firefox
// build with EasyPrivacy and EasyList installed over BiDi blocks 0emm.com.
func TestFirefoxUpstreamRealLists(t *testing.T) {
	out := builtWithRealLists(t)
	w := upstreamWorld(t)
	ff := newFirefox(t, w)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := ff.InstallExtension(ctx, filepath.Join(out, "firefox")); err != nil {
		t.Fatalf("webExtension.install: %v", err)
	}
	url := fmt.Sprintf("http://shop.test:%d/", w.Port)
	// Bounded wait for the rulesets to go live after the install.
	var got map[string]string
	for end := time.Now().Add(20 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		w.Reset()
		ff.Go(t, w, url)
		got = map[string]string{}
		json.Unmarshal([]byte(FirefoxEval[string](t, ff, `JSON.stringify(window.__s)`)), &got)
		if got["listed"] == "failed" || time.Now().After(end) {
			break
		}
	}
	checkUpstreamPage(t, w, got)
}

// builtWithRealLists builds both distributions with ../shared's EasyPrivacy
// and EasyList as extra lists and returns the dist folder.
func builtWithRealLists(t *testing.T) string {
	t.Helper()
	root := fixture.Root(t)
	var lists []string
	for _, n := range []string{"easyprivacy.txt", "easylist.txt"} {
		p := filepath.Join(fixture.Shared(t), "data", "lists", n)
		if _, err := os.Stat(p); err != nil {
			fixture.Missing(t, "list "+err.Error())
		}
		lists = append(lists, p)
	}
	out := filepath.Join(t.TempDir(), "dist")
	if err := buildExtension(root, out, false, lists...); err != nil {
		t.Fatal(err)
	}
	return out
}

// upstreamWorld serves shop.test: a page with a script from 0emm.com
// (EasyPrivacy "||0emm.com^$third-party", in no list of ours) and one from
// an unlisted host; each records whether it loaded in window.__s.
func upstreamWorld(t *testing.T) *World {
	var w *World
	page := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.Header().Set("Cache-Control", "no-store")
		fmt.Fprintf(rw, `<!doctype html><title>shop</title><script>window.__s = {};</script>
<script src="http://0emm.com:%[1]d/t.js" onload="__s.listed = 'loaded'" onerror="__s.listed = 'failed'"></script>
<script src="http://static.unlisted-cdn.test:%[1]d/app.js" onload="__s.other = 'loaded'" onerror="__s.other = 'failed'"></script>`, w.Port)
	})
	w = newWorld(t, map[string]http.Handler{"shop.test": page})
	return w
}

func checkUpstreamPage(t *testing.T, w *World, got map[string]string) {
	t.Helper()
	if got["listed"] != "failed" || got["other"] != "loaded" {
		t.Errorf("scripts: %v, want listed failed and other loaded", got)
	}
	if h := w.HitsTo("0emm.com"); len(h) != 0 {
		t.Errorf("0emm.com was reached:%s", hitList(h))
	}
	if h := w.HitsTo("static.unlisted-cdn.test"); len(h) != 1 {
		t.Errorf("unlisted host: %d requests, want 1", len(h))
	}
}

// TestPeerRequestBlockingFirefox runs the same request-blocking page in
// Firefox ESR with the built extension/dist/firefox, installed over
// WebDriver BiDi. The page's URLs carry no port, so Firefox uses the test
// world as its proxy; the page is served over TLS (Firefox has no service
// workers on plain http, and the page stops at that case without them). Built with "||bad.third-party.site^" no case may
// load and the host sees no request; the control build (without the list)
// lets the same requests through.
func TestPeerRequestBlockingFirefox(t *testing.T) {
	site := peerPages(t)
	rec := &trackerRecorder{next: site["bad.third-party.site"]}
	site["bad.third-party.site"] = rec
	w := newWorld(t, site)
	run := func(dir string) (map[string]string, []string) {
		ff := newFirefoxProxied(t, w)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := ff.InstallExtension(ctx, dir); err != nil {
			t.Fatalf("webExtension.install %s: %v", dir, err)
		}
		waitFirefoxGPC(t, ff, w, "https://privacy-test-pages.site/")
		rec.take()
		url := "https://privacy-test-pages.site/privacy-protections/request-blocking/"
		ff.Go(t, w, url)
		if _, err := ff.EvaluateActivated(ctx, ff.Context, `document.querySelector('#start').click()`); err != nil {
			t.Fatalf("click #start: %v", err)
		}
		got := blockingResults(t, url, 25*time.Second, func() string {
			return FirefoxEval[string](t, ff, `JSON.stringify(results.results.map((r) => [r.id, r.status]))`)
		})
		return got, rec.take()
	}
	checkPeerBlocking(t, run, filepath.Join(extensionDist(t), "firefox"),
		filepath.Join(builtExtensionLists(t, "! extra list for the test\n||bad.third-party.site^\n"), "firefox"))
}

// waitFirefoxGPC waits, bounded, until the extension Firefox just installed
// is live: its header rules make the peer pages' server reflect Sec-GPC: 1
// on a request from probe (a page of privacy-test-pages.site).
func waitFirefoxGPC(t *testing.T, ff *Firefox, w *World, probe string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ff.Go(t, w, probe)
		if FirefoxEval[string](t, ff, `fetch('/reflect-headers').then(r => r.json()).then(j => j.headers['sec-gpc'] || '')`) == "1" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the extension sent no Sec-GPC within 30s of its install")
		}
		time.Sleep(500 * time.Millisecond)
	}
}
