//go:build js && wasm

package main

// Benchmarks of the edge handler itself under a JS engine (node's V8, as
// in workerd), without workerd's HTTP and the bridge: the origin is an
// in-memory RoundTripper. Run:
//
//	GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" -run XXX -bench . ./edge/worker

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/consentguard/consentguard/edge"
	"github.com/consentguard/consentguard/policylists"
)

type memOrigin struct{ page []byte }

func (m memOrigin) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"text/html; charset=utf-8"}},
		Body:          io.NopCloser(bytes.NewReader(m.page)),
		ContentLength: int64(len(m.page)),
		Request:       r,
	}, nil
}

func sharedPage(b *testing.B) []byte {
	dir, _ := os.Getwd()
	for ; dir != "/"; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
	}
	p, err := os.ReadFile(filepath.Join(dir, "..", "shared", "data", "html", "page-100k.html"))
	if err != nil {
		if os.Getenv("CI") != "" {
			b.Fatal(err)
		}
		b.Skip(err)
	}
	return p
}

func BenchmarkStart(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		// What the first request pays besides the Go runtime start.
		if _, _, err := policylists.NewBuilder().Build(); err != nil {
			b.Fatal(err)
		}
		if _, err := snippets(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEdgePage100K(b *testing.B) {
	page := sharedPage(b)
	for _, minify := range []bool{false, true} {
		name := "rewrite"
		if minify {
			name = "rewrite+minify"
		}
		b.Run(name, func(b *testing.B) {
			eng, err := policylists.Default()
			if err != nil {
				b.Fatal(err)
			}
			snip, err := snippets()
			if err != nil {
				b.Fatal(err)
			}
			cfg := edge.Config{Origin: "http://origin.test", Sites: []string{"shop.example"}, Secret: "bench-secret-0123456789", Minify: minify, Banner: edge.Banner{Enabled: true}}
			p, err := edge.New(cfg, eng, memOrigin{page}, edge.Options{Snippets: snip, Log: discardLog()})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest("GET", "http://shop.example/", nil)
				w := httptest.NewRecorder()
				p.ServeHTTP(w, r)
				if w.Code != 200 || w.Body.Len() < len(page)/2 {
					b.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
				}
			}
		})
	}
}
