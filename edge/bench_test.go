package edge

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"

	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/consent"
)

// memOrigin answers every request with one page from memory, so the
// benchmark measures the handler, not the network.
type memOrigin struct{ page []byte }

func (m memOrigin) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Request: r,
		Body: io.NopCloser(bytes.NewReader(m.page)), ContentLength: int64(len(m.page))}, nil
}

type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Flush()                      {}

// BenchmarkHandler runs whole requests through the proxy for the pages of
// ../shared/data/html, under default consent (everything non-necessary
// removed), with HTML minify off and on.
func BenchmarkHandler(b *testing.B) {
	pages, _ := filepath.Glob(filepath.Join(fixture.Shared(b), "data/html/*.html"))
	eng := testEngine(b)
	for _, minify := range []bool{false, true} {
		for _, file := range pages {
			page, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			name := filepath.Base(file)
			if minify {
				name = "minify/" + name
			} else {
				name = "rewrite/" + name
			}
			b.Run(name, func(b *testing.B) {
				cfg := Config{Origin: "http://origin.internal", Sites: []string{"harbor.example"}, Secret: testSecret, Minify: minify}
				// The per-page Info line is off: this measures the proxy, not slog.
				quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
				p, err := New(cfg, eng, memOrigin{page}, Options{Log: quiet})
				if err != nil {
					b.Fatal(err)
				}
				req := httptest.NewRequest("GET", "http://harbor.example/", nil)
				req.Header.Set("Cookie", "consentguard="+consent.EncodeCookie(consent.State{Recorded: true}, []byte(testSecret), timeNow()))
				b.SetBytes(int64(len(page)))
				b.ReportAllocs()
				for b.Loop() {
					p.ServeHTTP(&discardWriter{h: http.Header{}}, req)
				}
			})
		}
	}
}

// TestMemoryBounded: a 16 MiB page goes through with memory that does not
// grow with the page (the rewriter holds at most one tag or script).
func TestMemoryBounded(t *testing.T) {
	var page bytes.Buffer
	page.WriteString(`<!doctype html><html><head><title>big</title></head><body>`)
	para := bytes.Repeat([]byte("<p>Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing elit.</p>\n"), 64)
	for page.Len() < 16<<20 {
		page.Write(para)
	}
	page.WriteString(`<script src="https://www.google-analytics.com/analytics.js"></script></body></html>`)
	eng := testEngine(t)
	cfg := Config{Origin: "http://origin.internal", Sites: []string{"harbor.example"}, Secret: testSecret}
	p, err := New(cfg, eng, memOrigin{page.Bytes()}, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "http://harbor.example/", nil)
	cw := &countWriter{h: http.Header{}}
	p.ServeHTTP(cw, req) // warm caches (injection, pools)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cw = &countWriter{h: http.Header{}}
	p.ServeHTTP(cw, req)
	runtime.ReadMemStats(&after)
	if cw.n < int64(page.Len())-100 {
		t.Fatalf("only %d of %d bytes written", cw.n, page.Len())
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d bytes allocated for a %d byte page", alloc, page.Len())
	limit := uint64(2 << 20) // the held start of the page, buffers, the injection
	if raceEnabled {
		limit = 8 << 20 // still half the page: nothing buffers it whole
	}
	if alloc > limit {
		t.Errorf("allocated %d bytes for a %d byte page: not streaming", alloc, page.Len())
	}
}

type countWriter struct {
	h http.Header
	n int64
}

func (c *countWriter) Header() http.Header         { return c.h }
func (c *countWriter) Write(b []byte) (int, error) { c.n += int64(len(b)); return len(b), nil }
func (c *countWriter) WriteHeader(int)             {}
func (c *countWriter) Flush()                      {}

// BenchmarkHandlerPage serves page-100k the way the Worker does (banner on,
// no consent cookie: the configured defaults, HTML minify off, the per-page
// Info log line formatted) and reports the handler's cost per page, with the
// Worker's engine (the embedded lists) and with EasyList and EasyPrivacy
// added. Run it under js/wasm, where the Worker runs:
//
//	GOOS=js GOARCH=wasm go test -exec=/usr/local/go/lib/wasm/go_js_wasm_exec -run XXX -bench HandlerPage ./edge/
func BenchmarkHandlerPage(b *testing.B) {
	page, err := os.ReadFile(filepath.Join(fixture.Shared(b), "data/html/page-100k.html"))
	if err != nil {
		b.Fatal(err)
	}
	for _, lists := range []string{"worker", "easylist"} {
		b.Run(lists, func(b *testing.B) {
			eng, err := policylists.Default()
			if err != nil {
				b.Fatal(err)
			}
			if lists == "easylist" {
				eng = testEngine(b)
			}
			cfg := Config{Origin: "http://origin.internal", Sites: []string{"harbor.example", "www.harbor.example"},
				Secret: testSecret, Banner: Banner{Enabled: true}, GPCJSON: true, GPCDate: "2026-11-30"}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			p, err := New(cfg, eng, memOrigin{page}, Options{Log: log})
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest("GET", "http://harbor.example/page-100k", nil)
			req.Header.Set("Accept-Encoding", "gzip, deflate, br")
			req.Header.Set("User-Agent", "Go-http-client/1.1")
			p.ServeHTTP(&discardWriter{h: http.Header{}}, req) // warm: injection, pools
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				p.ServeHTTP(&discardWriter{h: http.Header{}}, req)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
		})
	}
}
