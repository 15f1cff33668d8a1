package edge

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/consentguard/consentguard/edge/demo"
	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/consent"
)

// chunkOrigin serves a page in chunks of the given sizes (cycled).
type chunkOrigin struct {
	page  []byte
	sizes []byte
}

func (c chunkOrigin) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Request: r,
		Body: io.NopCloser(&chunkReader{b: c.page, sizes: c.sizes}), ContentLength: -1}, nil
}

type chunkReader struct {
	b     []byte
	sizes []byte
	i     int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := len(c.b)
	if len(c.sizes) > 0 {
		n = int(c.sizes[c.i%len(c.sizes)]) + 1
		c.i++
	}
	n = min(n, len(p), len(c.b))
	copy(p, c.b[:n])
	c.b = c.b[n:]
	return n, nil
}

// FuzzHandler runs pages through the whole handler with the real engine:
// the output does not depend on how the origin chunks the body, and with
// every category consented (and nothing to inject besides the head script)
// the page comes out byte for byte, plus the injection.
func FuzzHandler(f *testing.F) {
	for _, p := range demo.Pages {
		rec := httptest.NewRecorder()
		demo.Origin().ServeHTTP(rec, httptest.NewRequest("GET", p.Path, nil))
		f.Add(rec.Body.Bytes(), []byte{3, 200, 17})
	}
	f.Add([]byte(`<html><head><script>fbq('init','1')</script></head><body><img src="//www.facebook.com/tr?id=1"></body></html>`), []byte{0})
	// The embedded lists (fast to build in every fuzz worker).
	eng, err := policylists.Default()
	if err != nil {
		f.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError + 1}))
	cfg := Config{Origin: "http://origin.internal", Sites: []string{"harbor.example"}, Secret: testSecret}
	all := "consentguard=" + consent.EncodeCookie(consent.State{Granted: consent.All, Recorded: true}, []byte(testSecret), timeNow())
	injected := func() []byte {
		p, err := New(cfg, eng, chunkOrigin{}, Options{Log: quiet})
		if err != nil {
			f.Fatal(err)
		}
		return p.injectionFor(consent.State{Granted: consent.All, Recorded: true}, "").render(cspPlan{})
	}()
	run := func(t *testing.T, page, sizes []byte, cookie string) []byte {
		p, err := New(cfg, eng, chunkOrigin{page, sizes}, Options{Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "http://harbor.example/", nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, req)
		return rec.Body.Bytes()
	}
	f.Fuzz(func(t *testing.T, page, sizes []byte) {
		if len(page) > 16<<10 {
			t.Skip("pages over 16 KiB in byte-sized chunks are too slow to fuzz")
		}
		whole := run(t, page, nil, "")
		if chunked := run(t, page, sizes, ""); !bytes.Equal(whole, chunked) {
			t.Fatalf("output depends on chunking:\n%q\n%q", whole, chunked)
		}
		// A proxy that has seen the page answers from its decision and
		// snippet caches: the same bytes.
		p, err := New(cfg, eng, chunkOrigin{page, sizes}, Options{Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			rec := httptest.NewRecorder()
			p.ServeHTTP(rec, httptest.NewRequest("GET", "http://harbor.example/", nil))
			if !bytes.Equal(rec.Body.Bytes(), whole) {
				t.Fatalf("request %d through one proxy differs:\n%q\n%q", i, whole, rec.Body.Bytes())
			}
		}
		out := run(t, page, sizes, all)
		i := bytes.Index(out, injected)
		if i < 0 {
			t.Fatalf("no injection in %q", out)
		}
		if without := append(append([]byte(nil), out[:i]...), out[i+len(injected):]...); !bytes.Equal(without, page) {
			t.Fatalf("accept-all changed the page:\n%q\n%q", page, without)
		}
	})
}

// FuzzSrcsetURLs: every URL is a non-empty piece of the value, without
// white space, not ending in a comma, in order and not overlapping.
func FuzzSrcsetURLs(f *testing.F) {
	for _, s := range []string{"a.jpg 1x, b.jpg 2x", "a,b", "x (a, b) 1x, y", "data:a,b 1x,c"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		pos := 0
		for _, u := range srcsetURLs(v) {
			if len(u) == 0 || u[len(u)-1] == ',' || bytes.ContainsAny(u, " \t\n\f\r") {
				t.Fatalf("srcsetURLs(%q): bad URL %q", v, u)
			}
			i := bytes.Index(v[pos:], u)
			if i < 0 {
				t.Fatalf("srcsetURLs(%q): %q is not in order in the value", v, u)
			}
			pos += i + len(u)
		}
	})
}
