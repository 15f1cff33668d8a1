package rewrite

import (
	"bytes"
	"sort"
	"testing"
)

// BenchmarkRewrite measures the rewrite of the shared pages in 16 KiB
// chunks: keep-all (tokenizing only), and the lol-html anchor's task
// (remove tracker <script src>, <img src>, <iframe src>; inject at the
// start of <head>).
func BenchmarkRewrite(b *testing.B) {
	pg := pages(b)
	names := make([]string, 0, len(pg))
	for n := range pg {
		names = append(names, n)
	}
	sort.Strings(names)
	hosts := loadHosts(b)
	handlers := []struct {
		name string
		h    Handler
		opt  Options
	}{
		{"keepall", KeepAll{}, Options{}},
		{"anchor", anchorHandler{hosts: hosts}, Options{Inject: []byte("<script>window.__consent={v:1};</script>")}},
	}
	for _, hc := range handlers {
		for _, name := range names {
			src := pg[name]
			b.Run(hc.name+"/"+name, func(b *testing.B) {
				var out bytes.Buffer
				out.Grow(len(src) + 1024)
				r := New(&out, hc.h, hc.opt)
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				for b.Loop() {
					out.Reset()
					r.Reset(&out, hc.h, hc.opt)
					for off := 0; off < len(src); off += 16 << 10 {
						r.Write(src[off:min(off+16<<10, len(src))])
					}
					r.Close()
				}
			})
		}
	}
}

// BenchmarkRewriteAll is the whole set of pages as one figure.
func BenchmarkRewriteAll(b *testing.B) {
	pg := pages(b)
	h := anchorHandler{hosts: loadHosts(b)}
	opt := Options{Inject: []byte("<script>window.__consent={v:1};</script>")}
	total := 0
	for _, src := range pg {
		total += len(src)
	}
	var out bytes.Buffer
	r := New(&out, h, opt)
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range pg {
			out.Reset()
			r.Reset(&out, h, opt)
			for off := 0; off < len(src); off += 16 << 10 {
				r.Write(src[off:min(off+16<<10, len(src))])
			}
			r.Close()
		}
	}
}

// BenchmarkRewriteNew includes creating the Rewriter per page (no Reset).
func BenchmarkRewriteNew(b *testing.B) {
	src := pages(b)["page-100k.html"]
	h := anchorHandler{hosts: loadHosts(b)}
	opt := Options{Inject: []byte("<script>window.__consent={v:1};</script>")}
	dst := make([]byte, 0, len(src)+1024)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		dst = Rewrite(dst[:0], src, h, opt)
	}
}
