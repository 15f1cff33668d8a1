//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/consentguard/consentguard/internal/fixture"
)

// ffSite is the fixture site of the Firefox test.
const ffSite = "coffee.test"

// ffPage is the fixture page: its first inline script records what
// navigator.globalPrivacyControl is before anything else runs; two tracker
// scripts (Google Analytics: analytics, the Meta pixel: advertising) and a
// first-party script report whether they loaded.
func ffPage(port int) string {
	p := strconv.Itoa(port)
	return `<!doctype html>
<html><head><meta charset="utf-8"><title>Firefox fixture</title>
<script>window.__gpcFirst = navigator.globalPrivacyControl;</script>
<script>window.__loaded = {}; function mark(n, ok) { window.__loaded[n] = ok; }</script>
<script src="https://www.google-analytics.com:` + p + `/analytics.js" onload="mark('ga', true)" onerror="mark('ga', false)"></script>
<script src="https://connect.facebook.net:` + p + `/en_US/fbevents.js" onload="mark('fb', true)" onerror="mark('fb', false)"></script>
<script src="/static/app.js" onload="mark('app', true)" onerror="mark('app', false)"></script>
</head><body><p id="text">Fresh coffee beans</p></body></html>`
}

// ffSiteHandler serves the fixture site and records the headers of each
// request it gets, by path.
type ffSiteHandler struct {
	port int
	mu   sync.Mutex
	seen map[string][]http.Header
}

func (h *ffSiteHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.seen[r.URL.Path] = append(h.seen[r.URL.Path], r.Header.Clone())
	h.mu.Unlock()
	switch r.URL.Path {
	case "/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(ffPage(h.port)))
	case "/static/app.js":
		w.Header().Set("Content-Type", "text/javascript")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(`window.__appLoaded = true;`))
	default:
		http.NotFound(w, r)
	}
}

func (h *ffSiteHandler) last(path string) (http.Header, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.seen[path]
	if len(s) == 0 {
		return nil, false
	}
	return s[len(s)-1], true
}

func (h *ffSiteHandler) reset() {
	h.mu.Lock()
	h.seen = map[string][]http.Header{}
	h.mu.Unlock()
}

var (
	distOnce sync.Once
	distDir  string
	distErr  error
)

// extensionDist returns the built extension/dist (chromium and firefox
// folders): it runs `make extension` once per test binary, the build the
// extension ships from. CONSENTGUARD_EXTENSION_DIST may name an already
// built dist folder instead.
func extensionDist(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("CONSENTGUARD_EXTENSION_DIST"); d != "" {
		return d
	}
	root := fixture.Root(t)
	distOnce.Do(func() {
		if _, err := os.Stat(filepath.Join(root, "extension", "cmd", "extbuild")); err != nil {
			distErr = fmt.Errorf("no extension build in this tree (extension/cmd/extbuild): %v", err)
			return
		}
		cmd := exec.Command("make", "-C", root, "extension")
		if out, err := cmd.CombinedOutput(); err != nil {
			distErr = fmt.Errorf("make extension: %v\n%s", err, tail(string(out), 3000))
			return
		}
		distDir = filepath.Join(root, "extension", "dist")
	})
	if distErr != nil {
		t.Fatal(distErr)
	}
	return distDir
}

// TestFirefoxExtension installs the built extension/dist/firefox into real
// Firefox ESR as a temporary add-on over WebDriver BiDi and loads one
// fixture page over TLS (a test CA trusted in the profile's NSS database)
// with real tracker host names answered from loopback. First, without the
// extension, the control: no Sec-GPC, navigator.globalPrivacyControl is not
// true and the trackers load, so Firefox itself neither blocks nor signals.
// Then, with the extension: the origin sees Sec-GPC: 1, the page's first
// inline script sees navigator.globalPrivacyControl === true, Google
// Analytics and the Meta pixel never reach their hosts, and the site's own
// script loads.
func TestFirefoxExtension(t *testing.T) {
	ext := filepath.Join(extensionDist(t), "firefox")
	site := &ffSiteHandler{seen: map[string][]http.Header{}}
	w := newWorld(t, map[string]http.Handler{ffSite: site})
	site.port = w.Port
	ff := newFirefox(t, w)
	url := fmt.Sprintf("https://%s:%d/", ffSite, w.Port)
	trackers := []string{"www.google-analytics.com", "connect.facebook.net"}

	ff.Go(t, w, url)
	if h, ok := site.last("/"); !ok {
		t.Fatal("control: the origin got no request for /")
	} else if v := h.Get("Sec-GPC"); v != "" {
		t.Fatalf("control: Firefox sent Sec-GPC %q without the extension: the test would prove nothing", v)
	}
	if gpc := FirefoxEval[any](t, ff, "window.__gpcFirst === true"); gpc != false {
		t.Fatalf("control: navigator.globalPrivacyControl is true without the extension")
	}
	if hits := w.HitsTo(trackers...); len(hits) != 2 {
		t.Fatalf("control: want both tracker scripts fetched without the extension, got:%s", hitList(hits))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id, err := ff.InstallExtension(ctx, ext)
	if err != nil {
		t.Fatalf("webExtension.install %s: %v", ext, err)
	}
	t.Logf("installed %s as %s", ext, id)
	// Firefox registers the static rulesets and starts the background page
	// asynchronously after the install answers: wait, bounded, until the
	// origin sees Sec-GPC on a navigation (a busy machine takes seconds),
	// then check everything on a fresh load.
	waitFirefoxExtensionLive(t, ff, w, site, url, 30*time.Second)

	w.Reset()
	site.reset()
	ff.Go(t, w, url)
	h, ok := site.last("/")
	if !ok {
		t.Fatal("the origin got no request for / with the extension")
	}
	if v := h.Get("Sec-GPC"); v != "1" {
		t.Errorf("origin saw Sec-GPC %q on the navigation, want 1", v)
	}
	if v, ok := site.last("/static/app.js"); !ok {
		t.Error("the first-party script was not requested")
	} else if v.Get("Sec-GPC") != "1" {
		t.Errorf("origin saw Sec-GPC %q on the first-party script, want 1", v.Get("Sec-GPC"))
	}
	if !FirefoxEval[bool](t, ff, "window.__gpcFirst === true") {
		t.Errorf("first inline script saw navigator.globalPrivacyControl = %v, want true",
			FirefoxEval[any](t, ff, "String(window.__gpcFirst)"))
	}
	if hits := w.HitsTo(trackers...); len(hits) != 0 {
		t.Errorf("tracker scripts reached their hosts with the extension:%s", hitList(hits))
	}
	var loaded map[string]bool
	if err := json.Unmarshal([]byte(FirefoxEval[string](t, ff, "JSON.stringify(window.__loaded)")), &loaded); err != nil {
		t.Fatal(err)
	}
	if loaded["ga"] || loaded["fb"] {
		t.Errorf("tracker scripts loaded: %v", loaded)
	}
	if !loaded["app"] || !FirefoxEval[bool](t, ff, "window.__appLoaded === true") {
		t.Errorf("first-party script did not load: %v", loaded)
	}
	if txt := FirefoxEval[string](t, ff, "document.getElementById('text').textContent"); txt != "Fresh coffee beans" {
		t.Errorf("page text %q", txt)
	}
}

// waitFirefoxExtensionLive navigates to url until the origin sees Sec-GPC: 1,
// or fails the test after limit.
func waitFirefoxExtensionLive(t *testing.T, ff *Firefox, w *World, site *ffSiteHandler, url string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		site.reset()
		ff.Go(t, w, url)
		if h, ok := site.last("/"); ok && h.Get("Sec-GPC") == "1" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the extension sent no Sec-GPC within %v of its install", limit)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
