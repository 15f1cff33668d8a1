//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/consentguard/consentguard/extension/build"
	"github.com/consentguard/consentguard/internal/fixture"
)

// extSite is the site host of the extension tests.
const extSite = "news.test"

// extTrackers are tracker hosts outside the shared world's list, served by
// the recording handler below (social, fingerprinting).
var extTrackers = []string{"www.linkedin.com", "api.fpjs.io"}

var (
	extOnce sync.Once
	extDir  string
	extErr  error
)

// builtExtension builds the Go core and the Chromium distribution once per
// test binary, with the same build program as make extension, into a
// temporary folder (extension/dist is left to make).
func builtExtension(t testing.TB, noCore bool) string {
	t.Helper()
	root := fixture.Root(t)
	ac := filepath.Join(root, ".cache", "npm", "node_modules", "@duckduckgo", "autoconsent")
	if _, err := os.Stat(ac); err != nil {
		fixture.Missing(t, "autoconsent not installed: run scripts/install-autoconsent.sh (make deps)")
	}
	if noCore {
		dir, err := os.MkdirTemp("", "cg-ext-nocore-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		if err := buildExtension(root, dir, true); err != nil {
			t.Fatal(err)
		}
		return filepath.Join(dir, "chromium")
	}
	extOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cg-ext-")
		if err != nil {
			extErr = err
			return
		}
		extErr = buildExtension(root, dir, false)
		extDir = filepath.Join(dir, "chromium")
	})
	if extErr != nil {
		t.Fatal(extErr)
	}
	return extDir
}

// buildExtension builds both distributions into out, as make extension
// does (the core from make wasm, unless noCore), with the extra Adblock Plus
// lists given (the upstream ruleset).
func buildExtension(root, out string, noCore bool, lists ...string) error {
	wasm := filepath.Join(root, "bin", "guard.wasm")
	if !noCore {
		cmd := exec.Command("make", "-s", "-C", root, "wasm")
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("make wasm: %v\n%s", err, b)
		}
	}
	_, err := build.Build(build.Options{Root: root, Src: filepath.Join(root, "extension", "src"), Out: out, Wasm: wasm,
		WasmExec:    filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"),
		Autoconsent: filepath.Join(root, ".cache", "npm", "node_modules", "@duckduckgo", "autoconsent"), NoCore: noCore, Lists: lists})
	return err
}

// extWorld records what the extension test's site and extra trackers get.
type extWorld struct {
	*World
	mu      sync.Mutex
	headers map[string]http.Header // path -> last request headers of the site
	loads   map[string]int         // path -> requests of the site
	extra   []Hit
}

func (e *extWorld) siteHeaders(path string) http.Header {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.headers[path]
}

func (e *extWorld) siteLoads(path string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.loads[path]
}

func (e *extWorld) extraHits() []Hit {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Hit(nil), e.extra...)
}

func (e *extWorld) reset() {
	e.World.Reset()
	e.mu.Lock()
	e.extra = nil
	e.mu.Unlock()
}

func newExtWorld(t testing.TB) *extWorld {
	e := &extWorld{headers: map[string]http.Header{}, loads: map[string]int{}}
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.headers[r.URL.Path] = r.Header.Clone()
		e.loads[r.URL.Path]++
		e.mu.Unlock()
		serveExtSite(w, r)
	})
	rec := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := strings.Cut(r.Host, ":")
		e.mu.Lock()
		e.extra = append(e.extra, Hit{Host: host, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, At: time.Now()})
		e.mu.Unlock()
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte("/* stub */"))
	})
	m := map[string]http.Handler{extSite: site, extWidgetHost: http.HandlerFunc(serveExtWidget)}
	for _, h := range extTrackers {
		m[h] = rec
	}
	e.World = newWorld(t, m)
	return e
}

// The extension test page: its first inline script records GPC; it loads
// trackers of every category, a same-site iframe, a srcdoc iframe and a
// worker, sets _ga from JS and shows a OneTrust-like banner.
const extPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>News</title>
<script>window.__gpcFirst = navigator.globalPrivacyControl === true;
document.cookie = "_ga=GA1.1.99.1700000000; path=/; max-age=3600";
document.cookie = "site_pref=compact; path=/; max-age=3600";</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST123"></script>
<script async src="https://connect.facebook.net/en_US/fbevents.js"></script>
<script async src="https://static.hotjar.com/c/hotjar-42.js?sv=6"></script>
<script async src="https://www.linkedin.com/embed/share.js"></script>
<script async src="https://api.fpjs.io/agent.js"></script>
<script src="/app.js"></script>
</head><body>
<h1 id="text">Today's news</h1>
<img src="https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1/?x=1" alt="">
<img src="https://www.clarity.ms/collect.gif" alt="">
<img src="/g/collect?v=2&tid=G-FIRSTPARTY&en=page_view" alt="">
<img src="/metrics/g/collect?v=2&tid=G-FIRSTPARTY&en=scroll" alt="">
<iframe id="same" src="/frame.html"></iframe>
<iframe id="srcdoc" srcdoc="<script>parent.postMessage({srcdoc: navigator.globalPrivacyControl === true}, '*')</script>"></iframe>
<div id="onetrust-banner-sdk" style="position:fixed;bottom:0;left:0;right:0;padding:20px;background:#eee">
We use cookies.
<button id="onetrust-accept-btn-handler" onclick="window.__accepted=true">Accept all</button>
<button id="onetrust-reject-all-handler" onclick="window.__rejected=true;window.OnetrustActiveGroups=',C0001,';document.getElementById('onetrust-banner-sdk').style.display='none'">Reject all</button>
</div>
<script>
window.__results = {};
addEventListener('message', function (e) { Object.assign(window.__results, e.data); });
var w = new Worker('/worker.js');
w.onmessage = function (e) { window.__results.worker = e.data.gpc; window.__results.workerRelative = e.data.helper && e.data.data === 'ok'; };
</script>
</body></html>`

// extWidgetHost serves a third-party widget that embeds Google Analytics:
// news.test's /embedded.html frames it.
const extWidgetHost = "widgets.partner.test"

func serveExtWidget(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(`<!doctype html><title>widget</title><p>Weather: sunny</p>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-WIDGET1"></script>`))
}

func serveExtSite(w http.ResponseWriter, r *http.Request) {
	html := func(s string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(s))
	}
	switch r.URL.Path {
	case "/":
		html(extPage)
	case "/loop.html":
		// A site that shows its banner again after every answer (it
		// reloads on "reject all" and never remembers the choice).
		html(`<!doctype html><title>loop</title><div id="onetrust-banner-sdk" style="position:fixed;bottom:0;left:0;right:0;padding:20px;background:#eee">Cookies?
<button id="onetrust-accept-btn-handler">Accept all</button>
<button id="onetrust-reject-all-handler" onclick="location.reload()">Reject all</button></div>`)
	case "/csp.html":
		// A strict site: workers only from its own origin (no blob:).
		w.Header().Set("Content-Security-Policy", "worker-src 'self'")
		html(`<!doctype html><title>csp</title><script>
window.__results = {};
var w = new Worker('/worker.js');
w.onmessage = function (e) { window.__results.worker = e.data.gpc; window.__results.workerRelative = e.data.helper && e.data.data === 'ok'; };
w.onerror = function () { window.__results.workerError = true; };
</script>`)
	case "/embedded.html":
		html(`<!doctype html><title>embedded</title><h1>With a partner's widget</h1>
<iframe src="https://` + extWidgetHost + `/widget.html"></iframe>`)
	case "/frame.html":
		html(`<!doctype html><script>parent.postMessage({frame: navigator.globalPrivacyControl === true}, '*')</script>`)
	case "/worker.js":
		w.Header().Set("Content-Type", "text/javascript")
		// Relative URLs, as worker scripts use them.
		w.Write([]byte(`importScripts('worker-helper.js');
fetch('worker-data.txt').then(function (r) { return r.text(); }).then(function (t) {
  postMessage({gpc: self.navigator.globalPrivacyControl === true, helper: self.__helper === true, data: t});
});`))
	case "/worker-helper.js":
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(`self.__helper = true;`))
	case "/worker-data.txt":
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(`ok`))
	case "/app.js":
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(`window.__appLoaded = true;`))
	default:
		http.NotFound(w, r)
	}
}

// startExtension builds (once) and loads the extension in a fresh
// Chromium against a fresh world, opens its options page and waits until
// the Go core is ready and the rules are applied.
func startExtension(t testing.TB) (w *extWorld, b *Browser, id string, opt *Browser) {
	t.Helper()
	dir := builtExtension(t, false)
	w = newExtWorld(t)
	b = extBrowser(t, w.World, dir)
	id = extensionID(t, b)
	opt = openExtPage(t, b, id, "options.html")
	sendExt[map[string]any](t, opt, `{cmd: 'ready'}`)
	return w, b, id, opt
}

// extBrowser starts Chromium with the extension loaded (our own flag list:
// chromedp's defaults carry --disable-extensions).
func extBrowser(t testing.TB, w *World, dir string) *Browser {
	return newBrowser(t, w, chromedp.Flag("load-extension", dir), chromedp.Flag("disable-extensions-except", dir))
}

// extensionID waits for the extension's service worker and returns the id.
func extensionID(t testing.TB, b *Browser) string {
	t.Helper()
	end := time.Now().Add(20 * time.Second)
	for time.Now().Before(end) {
		ts, err := chromedp.Targets(b.Ctx)
		if err == nil {
			for _, ti := range ts {
				if ti.Type == "service_worker" && strings.HasPrefix(ti.URL, "chrome-extension://") && strings.HasSuffix(ti.URL, "/background.js") {
					return strings.TrimSuffix(strings.TrimPrefix(ti.URL, "chrome-extension://"), "/background.js")
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the extension's service worker did not start")
	return ""
}

// extPage opens an extension page in a tab of its own.
func openExtPage(t testing.TB, b *Browser, id, page string) *Browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.Ctx)
	t.Cleanup(cancel)
	p := &Browser{Ctx: ctx, out: b.out, cancel: cancel}
	if err := chromedp.Do(ctx, chromedp.Navigate("chrome-extension://"+id+"/"+page)); err != nil {
		t.Fatalf("open %s: %v", page, err)
	}
	return p
}

// sendExt sends a command to the background from an extension page and
// returns the JSON of its answer's value.
func sendExt[T any](t testing.TB, p *Browser, msg string) T {
	t.Helper()
	return Eval[T](t, p, `chrome.runtime.sendMessage(`+msg+`).then(r => { if (!r.ok) throw new Error(r.error); return r.value; })`)
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
