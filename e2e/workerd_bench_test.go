//go:build e2e

package e2e

import (
	"github.com/consentguard/consentguard/internal/fixture"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// fetchPage GETs path from the worker as the site and returns the latency
// to the last body byte.
func fetchPage(b testing.TB, w *Workerd, path string) time.Duration {
	req, _ := http.NewRequest("GET", w.URL+path, nil)
	req.Host = siteHost
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	d := time.Since(start)
	if err != nil || res.StatusCode != 200 || n < 1000 {
		b.Fatalf("GET %s: status %d, %d bytes, %v\n%s", path, res.StatusCode, n, err, w.Log())
	}
	return d
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkWorkerdColdWarm measures, per fresh workerd, the first request
// (isolate start: Go runtime start once, engine build, edge.New, one 100 KB
// page) against the p50 of the next 50 requests served by the same Go
// instance. Run with -benchtime 3x.
func BenchmarkWorkerdColdWarm(b *testing.B) {
	for _, pkg := range []struct{ name, path string }{{"edge", "./edge/worker"}, {"pass", "./e2e/testdata/passworker"}} {
		b.Run(pkg.name, func(b *testing.B) {
			o := newOrigin(b)
			dir := buildWorker(b, pkg.path)
			var first, warm time.Duration
			for range b.N {
				w := startWorkerd(b, dir, edgeVars(o.URL))
				first += fetchPage(b, w, "/page-100k")
				var lat []time.Duration
				for range 50 {
					lat = append(lat, fetchPage(b, w, "/page-100k"))
				}
				warm += percentile(lat, 0.5)
				w.cmd.Process.Kill()
			}
			b.ReportMetric(ms(first)/float64(b.N), "first-ms")
			b.ReportMetric(ms(warm)/float64(b.N), "warm-p50-ms")
		})
	}
}

// BenchmarkWorkerdPage measures warm requests for a 100 KB page through
// workerd: wall-time percentiles, the CPU workerd used per request
// (cpu-ms/op: user+system of the whole process from /proc, 10 ms ticks, so
// use -benchtime 200x or more) and that of its busiest thread
// (thread-cpu-ms/op: the isolate's thread; the rest is I/O and V8's
// background compilation and GC, closest to what Workers bill). "pass" is the same glue and bridge without
// consentguard: edge minus pass is the CPU consentguard adds.
func BenchmarkWorkerdPage(b *testing.B) {
	cases := []struct {
		name, pkg string
		vars      map[string]string
	}{
		{"js", "", nil},
		{"js-loop", "", map[string]string{"MODE": "loop"}},
		{"pass", "./e2e/testdata/passworker", nil},
		{"pass-static", "./e2e/testdata/passworker", map[string]string{"MODE": "static"}},
		{"pass-drain", "./e2e/testdata/passworker", map[string]string{"MODE": "drain"}},
		{"pass-headers", "./e2e/testdata/passworker", map[string]string{"MODE": "headers"}},
		{"edge", "./edge/worker", nil},
		{"edge-minify", "./edge/worker", map[string]string{"MINIFY": "true"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			o := newOrigin(b)
			dir := filepath.Join(fixture.Root(b), "e2e", "testdata", "jsworker")
			if c.pkg != "" {
				dir = buildWorker(b, c.pkg)
			}
			vars := edgeVars(o.URL)
			for k, v := range c.vars {
				vars[k] = v
			}
			w := startWorkerd(b, dir, vars)
			for range 10 { // warm up: start Go, build the engine, JIT
				fetchPage(b, w, "/page-100k")
			}
			lat := make([]time.Duration, 0, b.N)
			cpu0 := w.CPU(b)
			th0 := w.ThreadCPU(b)
			b.ResetTimer()
			for range b.N {
				lat = append(lat, fetchPage(b, w, "/page-100k"))
			}
			b.StopTimer()
			cpu := w.CPU(b) - cpu0
			req := busiest(th0, w.ThreadCPU(b))
			b.ReportMetric(ms(req)/float64(b.N), "thread-cpu-ms/op")
			b.ReportMetric(ms(percentile(lat, 0.5)), "p50-ms")
			b.ReportMetric(ms(percentile(lat, 0.9)), "p90-ms")
			b.ReportMetric(ms(cpu)/float64(b.N), "cpu-ms/op")
			b.SetBytes(int64(len(o.big)))
		})
	}
}
