//go:build linux

package rewrite

import (
	"bytes"
	"runtime"
	"sort"
	"syscall"
	"testing"
)

// threadCPU returns the CPU time used by the calling OS thread.
func threadCPU() int64 {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkRewriteCPU reports, besides wall-clock MB/s, the throughput per
// CPU second of the rewriting thread (cpu-MB/s), which stays meaningful on a
// machine shared with other jobs. Task: the lol-html anchor's, 16 KiB chunks.
func BenchmarkRewriteCPU(b *testing.B) {
	pg := pages(b)
	names := make([]string, 0, len(pg))
	for n := range pg {
		names = append(names, n)
	}
	sort.Strings(names)
	h := anchorHandler{hosts: loadHosts(b)}
	opt := Options{Inject: []byte("<script>window.__consent={v:1};</script>")}
	for _, name := range names {
		src := pg[name]
		b.Run(name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var out bytes.Buffer
			out.Grow(len(src) + 1024)
			r := New(&out, h, opt)
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			cpu0 := threadCPU()
			for b.Loop() {
				out.Reset()
				r.Reset(&out, h, opt)
				for off := 0; off < len(src); off += 16 << 10 {
					r.Write(src[off:min(off+16<<10, len(src))])
				}
				r.Close()
			}
			if cpu := threadCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(len(src))*float64(b.N)/1e6/(float64(cpu)/1e9), "cpu-MB/s")
			}
		})
	}
}
