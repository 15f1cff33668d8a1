//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/consentguard/consentguard/internal/fixture"
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
// use -benchtime 200x or more), that of its busiest thread
// (thread-cpu-ms/op: the isolate's thread; the rest is I/O and V8's
// background compilation and GC, closest to what Workers bill), and the
// isolate thread's CPU per request in nanoseconds from schedstat
// (req-cpu-p50-ms, req-cpu-p90-ms: what the Workers CPU limit applies to). "pass" is the same glue and bridge without
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
			th0 := w.ThreadCPU(b)
			for range 10 { // warm up: start Go, build the engine, JIT
				fetchPage(b, w, "/page-100k")
			}
			iso := w.IsolateThread(th0, w.ThreadCPU(b))
			lat := make([]time.Duration, 0, b.N)
			reqCPU := make([]time.Duration, 0, b.N)
			cpu0 := w.CPU(b)
			th0 = w.ThreadCPU(b)
			b.ResetTimer()
			// Each request is charged all isolate CPU from its start to the
			// next one's, so work finishing after the last byte counts.
			last, _ := threadCPU(iso)
			for range b.N {
				lat = append(lat, fetchPage(b, w, "/page-100k"))
				c, ok := threadCPU(iso)
				if !ok {
					b.Fatalf("isolate thread %s ended", iso)
				}
				reqCPU = append(reqCPU, c-last)
				last = c
			}
			b.StopTimer()
			cpu := w.CPU(b) - cpu0
			req := busiest(th0, w.ThreadCPU(b))
			b.ReportMetric(ms(percentile(reqCPU, 0.5)), "req-cpu-p50-ms")
			b.ReportMetric(ms(percentile(reqCPU, 0.9)), "req-cpu-p90-ms")
			b.ReportMetric(ms(req)/float64(b.N), "thread-cpu-ms/op")
			b.ReportMetric(ms(percentile(lat, 0.5)), "p50-ms")
			b.ReportMetric(ms(percentile(lat, 0.9)), "p90-ms")
			b.ReportMetric(ms(cpu)/float64(b.N), "cpu-ms/op")
			b.SetBytes(int64(len(o.big)))
		})
	}
}

// BenchmarkWorkerdAdded measures the CPU consentguard adds to a 100 KB page
// in workerd: the edge Worker and the pass-through Worker (same glue and
// bridge, no consentguard) run side by side and are asked in turn, so that
// machine noise falls on both alike. Each request is charged the CPU that
// workerd's main thread (the one running the isolate) used from its start
// to the next request's, in nanoseconds from schedstat; V8 compiles in
// background threads, which Workers do not bill.
//
// V8 tiers the Go module up function by function as they get hot, in the
// background: per-request CPU keeps falling for the first ~1000 requests of
// an isolate. The warm-up is reported (edge-cpu-p50 over requests 1-100,
// 101-500 and 501-2000) and the measured requests follow 2000 of them.
// Reported: the p50 of each Worker, and added-cpu-p50-ms, the p50 of edge
// minus pass over consecutive pairs. Use -benchtime 1000x.
func BenchmarkWorkerdAdded(b *testing.B) {
	const warm = 2000
	for _, c := range []struct {
		name string
		vars map[string]string
	}{{"edge", nil}, {"edge-minify", map[string]string{"MINIFY": "true"}}} {
		b.Run(c.name, func(b *testing.B) {
			o := newOrigin(b)
			vars := edgeVars(o.URL)
			for k, v := range c.vars {
				vars[k] = v
			}
			type side struct {
				w    *Workerd
				main string
				last time.Duration
				cpu  []time.Duration
			}
			sides := []*side{
				{w: startWorkerd(b, buildWorker(b, "./edge/worker"), vars)},
				{w: startWorkerd(b, buildWorker(b, "./e2e/testdata/passworker"), edgeVars(o.URL))},
			}
			step := func(s *side) time.Duration {
				fetchPage(b, s.w, "/page-100k")
				c, ok := threadCPU(s.main)
				if !ok {
					b.Fatalf("workerd main thread %s ended", s.main)
				}
				d := c - s.last
				s.last = c
				return d
			}
			var curve []time.Duration
			for i, s := range sides {
				pid := s.w.cmd.Process.Pid
				s.main = fmt.Sprintf("/proc/%d/task/%d", pid, pid)
				s.last, _ = threadCPU(s.main)
				for range warm {
					d := step(s)
					if i == 0 {
						curve = append(curve, d)
					}
				}
			}
			b.ResetTimer()
			for range b.N {
				for _, s := range sides {
					s.cpu = append(s.cpu, step(s))
				}
			}
			b.StopTimer()
			added := make([]time.Duration, b.N)
			for i := range added {
				added[i] = sides[0].cpu[i] - sides[1].cpu[i]
			}
			b.ReportMetric(ms(percentile(curve[1:100], 0.5)), "warmup-1-100-cpu-p50-ms")
			b.ReportMetric(ms(percentile(curve[100:500], 0.5)), "warmup-101-500-cpu-p50-ms")
			b.ReportMetric(ms(percentile(curve[500:], 0.5)), "warmup-501-2000-cpu-p50-ms")
			b.ReportMetric(ms(percentile(sides[0].cpu, 0.5)), "edge-cpu-p50-ms")
			b.ReportMetric(ms(percentile(sides[1].cpu, 0.5)), "pass-cpu-p50-ms")
			b.ReportMetric(ms(percentile(added, 0.5)), "added-cpu-p50-ms")
			b.ReportMetric(ms(percentile(added, 0.9)), "added-cpu-p90-ms")
			b.SetBytes(int64(len(o.big)))
		})
	}
}
