//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// BenchmarkExtensionCoreReady: the extension's service worker is stopped
// through CDP and woken by a message from an extension page, b.N times;
// the worker reports when the Go core was ready, in milliseconds since the
// worker started (performance.now() in the worker). Between wakes the
// browser is left to settle for 2 s, off the clock: a worker is woken after
// 30 s idle, not while the previous one's start-up work is still running.
// Reports the median and p90 of ready (ms-ready-p50, ms-ready-p90), the
// medians of when the core's bytes were open (ms-opened-p50) and the module
// instantiated (ms-instantiated-p50); the first start after install, in a
// browser still starting (ms-first-ready); and, measured off the clock
// after each wake, a wake whose cached copy was deleted, as the first start
// after an update is (ms-package-ready-p50: the core read from the package).
func BenchmarkExtensionCoreReady(b *testing.B) {
	_, br, id, opt := startExtension(b)
	first := coreTiming(b, sendExt[map[string]any](b, opt, `{cmd: 'ready'}`))
	if first.source != "package" {
		b.Fatalf("first start read the core from %q, want the package", first.source)
	}
	var ready, inst, opened, pkg []float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		chromedp.Do(opt.Ctx, chromedp.Sleep(2e9))
		stopServiceWorker(b, br, id)
		b.StartTimer()
		tm := coreTiming(b, sendExt[map[string]any](b, opt, `{cmd: 'ready'}`))
		if tm.source != "cache" {
			b.Fatalf("wake %d read the core from %q, want the cache", i, tm.source)
		}
		ready = append(ready, tm.ready)
		inst = append(inst, tm.instantiated)
		opened = append(opened, tm.opened)
		// The same wake without the cached copy (the first start after an
		// install or update reads the package), off the clock.
		b.StopTimer()
		chromedp.Do(opt.Ctx, chromedp.Sleep(2e9))
		stopServiceWorker(b, br, id)
		Eval[bool](b, opt, `caches.delete('consentguard-core')`)
		tm = coreTiming(b, sendExt[map[string]any](b, opt, `{cmd: 'ready'}`))
		if tm.source != "package" {
			b.Fatalf("wake %d without the cache read the core from %q, want the package", i, tm.source)
		}
		pkg = append(pkg, tm.ready)
		b.StartTimer()
	}
	b.StopTimer()
	p := func(xs []float64, q float64) float64 {
		sort.Float64s(xs)
		return xs[int(float64(len(xs)-1)*q+0.5)]
	}
	b.ReportMetric(first.ready, "ms-first-ready")
	b.ReportMetric(p(pkg, 0.5), "ms-package-ready-p50")
	b.ReportMetric(p(opened, 0.5), "ms-opened-p50")
	b.ReportMetric(p(inst, 0.5), "ms-instantiated-p50")
	b.ReportMetric(p(ready, 0.5), "ms-ready-p50")
	b.ReportMetric(p(ready, 0.9), "ms-ready-p90")
}

type coreTimes struct {
	source                      string
	opened, instantiated, ready float64
}

// coreTiming reads the worker's consentguardTiming from a 'ready' answer.
func coreTiming(b *testing.B, r map[string]any) coreTimes {
	b.Helper()
	tm, _ := r["timing"].(map[string]any)
	var t coreTimes
	var ok bool
	if t.ready, ok = tm["ready"].(float64); !ok {
		b.Fatalf("no timing in %v", r)
	}
	t.source, _ = tm["source"].(string)
	t.opened, _ = tm["opened"].(float64)
	t.instantiated, _ = tm["instantiated"].(float64)
	return t
}

// BenchmarkExtensionMemory compares the memory of the extension's process
// (the renderer that runs its service worker, --extension-process) with
// the Go core and without it (the same build, guard.wasm left out). Reports
// the proportional set size (PSS, from /proc/PID/smaps_rollup) of each, in
// MB, after the worker has answered and settled.
func BenchmarkExtensionMemory(b *testing.B) {
	for _, tc := range []struct {
		name   string
		noCore bool
		cmd    string
	}{{"core", false, `{cmd: 'ready'}`}, {"nocore", true, `{cmd: 'settings'}`}} {
		b.Run(tc.name, func(b *testing.B) {
			var sum float64
			for i := 0; i < b.N; i++ {
				dir := builtExtension(b, tc.noCore)
				w := newExtWorld(b)
				br := extBrowser(b, w.World, dir)
				id := extensionID(b, br)
				opt := openExtPage(b, br, id, "options.html")
				sendExt[map[string]any](b, opt, tc.cmd)
				chromedp.Do(opt.Ctx, chromedp.Sleep(2e9))
				// Close the options page: only the worker remains in the
				// extension process.
				chromedp.Do(opt.Ctx, chromedp.Navigate("about:blank"))
				chromedp.Do(br.Ctx, chromedp.Sleep(1e9))
				pid := chromedp.FromContext(br.Ctx).Browser.Process().Pid
				mb := extensionProcessPSS(b, pid)
				if mb == 0 {
					b.Fatal("no extension process found")
				}
				sum += mb
				br.cancel()
			}
			b.ReportMetric(sum/float64(b.N), "MB-pss")
		})
	}
}

// extensionProcessPSS sums the PSS of the browser's descendants that run
// with --extension-process.
func extensionProcessPSS(b *testing.B, browserPID int) float64 {
	parents := map[int]int{}
	cmdlines := map[int]string{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
		if len(f) > 2 {
			parents[pid], _ = strconv.Atoi(f[1])
		}
		cl, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		cmdlines[pid] = string(cl)
	}
	under := func(pid int) bool {
		for p := pid; p > 1; p = parents[p] {
			if p == browserPID {
				return true
			}
		}
		return false
	}
	var kb float64
	for pid, cl := range cmdlines {
		if !strings.Contains(cl, "--extension-process") || !under(pid) {
			continue
		}
		sr, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "smaps_rollup"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(sr), "\n") {
			if strings.HasPrefix(line, "Pss:") {
				v, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
				kb += v
			}
		}
	}
	return kb / 1024
}

// BenchmarkExtensionCookieSweep: the sweep every worker start makes over
// the stored cookies (so that one set while the worker was down is removed)
// with 2,000 cookies on 200 sites, 100 of them Google Analytics cookies it
// must remove. The sweep is run in the worker through CDP, b.N times; the
// first run removes the 100 (checked), later runs judge the 1,900 left.
// Reports the median of the later runs (ms-sweep-p50) and the first
// (ms-sweep-first).
func BenchmarkExtensionCookieSweep(b *testing.B) {
	_, br, id, _ := startExtension(b)
	exp := cdp.TimeSinceEpoch(float64(time.Now().Add(time.Hour).Unix()))
	var cs []*network.CookieParam
	for i := 0; i < 2000; i++ {
		name := fmt.Sprintf("pref_%d", i)
		if i%20 == 0 {
			name = fmt.Sprintf("_ga_%d", i)
		}
		cs = append(cs, &network.CookieParam{Name: name, Value: "v", Domain: fmt.Sprintf("site%d.example", i%200), Path: "/", Secure: true, Expires: exp})
	}
	// Set in one call while the worker is stopped: its onChanged events
	// come before the clock starts.
	stopServiceWorker(b, br, id)
	if _, err := chromedp.CallBrowser(br.Ctx, storage.SetCookies, storage.SetCookiesParams{Cookies: cs}); err != nil {
		b.Fatal(err)
	}
	var tid target.ID
	openExtPage(b, br, id, "options.html") // wakes the worker
	for end := time.Now().Add(10 * time.Second); tid == "" && time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		ts, _ := chromedp.Targets(br.Ctx)
		for _, ti := range ts {
			if ti.Type == "service_worker" && strings.Contains(ti.URL, id) {
				tid = ti.TargetID
			}
		}
	}
	ctx, cancel := chromedp.NewContext(br.Ctx, chromedp.WithTargetID(tid))
	defer cancel()
	run := func() float64 {
		ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(async () => { await whenCore(); await cookieChain; const t0 = performance.now(); await sweep(); return performance.now() - t0; })()`, chromedp.EvalAwaitPromise))
		if err != nil {
			b.Fatal(err)
		}
		return ms
	}
	first := run()
	left, err := chromedp.CallBrowser(br.Ctx, storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		b.Fatal(err)
	}
	ga, pref := 0, 0
	for _, c := range left.Cookies {
		switch {
		case strings.HasPrefix(c.Name, "_ga_"):
			ga++
		case strings.HasPrefix(c.Name, "pref_"):
			pref++
		}
	}
	if ga != 0 || pref != 1900 {
		b.Fatalf("after the sweep: %d _ga cookies left (want 0), %d others (want 1900)", ga, pref)
	}
	var ms []float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ms = append(ms, run())
	}
	b.StopTimer()
	sort.Float64s(ms)
	b.ReportMetric(first, "ms-sweep-first")
	b.ReportMetric(ms[len(ms)/2], "ms-sweep-p50")
}
