package edge

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// pipeOrigin answers with a body from a net.Pipe, which has a read
// deadline like the Worker's fetch body: the proxy then holds the start of
// the page with that deadline instead of a goroutine and a timer.
type pipeOrigin struct{ body net.Conn }

func (o pipeOrigin) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Request: r,
		Body: o.body, ContentLength: -1}, nil
}

// flushRecorder records a response; first is closed at the first Flush
// after "first part" was written.
type flushRecorder struct {
	mu    sync.Mutex
	h     http.Header
	code  int
	body  bytes.Buffer
	first chan struct{}
	once  sync.Once
}

func (f *flushRecorder) Header() http.Header { return f.h }
func (f *flushRecorder) WriteHeader(code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.code == 0 {
		f.code = code
	}
}
func (f *flushRecorder) Write(b []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.code == 0 {
		f.code = 200
	}
	return f.body.Write(b)
}
func (f *flushRecorder) Flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if bytes.Contains(f.body.Bytes(), []byte("first part")) {
		f.once.Do(func() { close(f.first) })
	}
}

// TestHoldDeadline: with Config.Hold and a body that has a read deadline, a
// page complete at once goes out whole with its summary as a header, and a
// page whose origin pauses after its start is streamed: the start leaves
// within Hold, the summary follows as a trailer.
func TestHoldDeadline(t *testing.T) {
	const head = `<!DOCTYPE html><html><head><title>t</title>` +
		`<script src="https://www.google-analytics.com/analytics.js"></script></head><body><p>first part</p>`
	const tail = `<p>second part</p></body></html>`
	serve := func(t *testing.T, origin func(net.Conn)) (*flushRecorder, chan struct{}) {
		srv, cli := net.Pipe()
		go origin(srv)
		cfg := Config{Origin: "http://origin.example", Sites: []string{"harbor.example"}, Secret: testSecret,
			Banner: Banner{Enabled: true}, GPCJSON: true, GPCDate: "2026-11-30", Hold: Duration(50 * time.Millisecond)}
		p, err := New(cfg, testEngine(t), pipeOrigin{cli}, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		rec := &flushRecorder{h: http.Header{}, first: make(chan struct{})}
		done := make(chan struct{})
		go func() {
			defer close(done)
			p.ServeHTTP(rec, httptest.NewRequest("GET", "http://harbor.example/", nil))
		}()
		return rec, done
	}

	t.Run("complete", func(t *testing.T) {
		rec, done := serve(t, func(c net.Conn) {
			io.WriteString(c, head+tail)
			c.Close()
		})
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("no response")
		}
		if rec.h.Get("Trailer") != "" || rec.h.Get(HeaderSummary) == "" || rec.h.Get("Content-Length") == "" {
			t.Errorf("complete page: Trailer %q, %s %q, Content-Length %q; want the summary as a header",
				rec.h.Get("Trailer"), HeaderSummary, rec.h.Get(HeaderSummary), rec.h.Get("Content-Length"))
		}
		if b := rec.body.String(); !strings.Contains(b, "second part") || strings.Contains(b, "analytics.js") {
			t.Errorf("body = %q", b)
		}
	})

	t.Run("paused", func(t *testing.T) {
		release := make(chan struct{})
		var once sync.Once
		releaseOrigin := func() { once.Do(func() { close(release) }) }
		defer releaseOrigin()
		rec, done := serve(t, func(c net.Conn) {
			io.WriteString(c, head)
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
			io.WriteString(c, tail)
			c.Close()
		})
		select {
		case <-rec.first:
		case <-done:
			t.Fatal("the response ended before the origin was released")
		case <-time.After(5 * time.Second):
			t.Fatal("the start of the page was held while the origin paused")
		}
		rec.mu.Lock()
		if b := rec.body.String(); strings.Contains(b, "second part") || strings.Contains(b, "analytics.js") {
			t.Errorf("streamed start = %q", b)
		}
		if tr := rec.h.Get("Trailer"); !strings.Contains(tr, HeaderSummary) {
			t.Errorf("Trailer = %q, want %s declared", tr, HeaderSummary)
		}
		rec.mu.Unlock()
		releaseOrigin()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("no end of response")
		}
		if !strings.Contains(rec.body.String(), "second part") || rec.h.Get(HeaderSummary) == "" {
			t.Errorf("end: body %q, summary %q", rec.body.String(), rec.h.Get(HeaderSummary))
		}
	})
}
