//go:build js && wasm

package bridge

// These tests run the bridge under node (GOOS=js GOARCH=wasm go test uses
// go_js_wasm_exec): node has the same fetch, Request, Response, Headers and
// ReadableStream APIs as workerd. The e2e tests run it in workerd itself.
//
//	GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./edge/worker/bridge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall/js"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	// Load glue/bridge.mjs as the glue does, but through Function (node
	// allows it; workerd does not, hence the glue).
	src, err := os.ReadFile("../glue/bridge.mjs")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := strings.ReplaceAll(string(src), "export function", "function") + "\nreturn {flatHeaders, makeHeaders, makeStream, makeReader};"
	ctx := js.Global().Get("Object").New()
	ctx.Set("bridge", js.Global().Get("Function").New(code).Invoke())
	js.Global().Set("context", ctx)
	os.Exit(m.Run())
}

func mustAwait(t *testing.T, p js.Value) js.Value {
	t.Helper()
	v, err := await(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// serveJS runs h on a JS Request built from url and init and returns the
// Response, its Set-Cookie values and its body.
func serveJS(t *testing.T, h http.Handler, url string, init map[string]any) (js.Value, []string, []byte) {
	t.Helper()
	jreq := js.Global().Get("Request").New(url, init)
	f := Handler(h)
	defer f.Release()
	res := mustAwait(t, f.Invoke(jreq))
	var cookies []string
	sc := res.Get("headers").Call("getSetCookie")
	for i := 0; i < sc.Length(); i++ {
		cookies = append(cookies, sc.Index(i).String())
	}
	var body []byte
	if b := res.Get("body"); b.Type() == js.TypeObject {
		var err error
		body, err = io.ReadAll(newStreamReader(b, nil))
		if err != nil {
			t.Fatalf("body: %v", err)
		}
	}
	return res, cookies, body
}

func TestHandler(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	cookieA := "a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly"
	cookieB := "b=2; Expires=Thu, 22 Oct 2026 07:28:00 GMT"
	tests := []struct {
		name    string
		url     string
		init    map[string]any
		h       http.HandlerFunc
		status  int
		body    []byte
		cookies []string
		header  map[string]string
		nilBody bool
	}{
		{
			name: "cookies with commas stay whole",
			url:  "https://shop.example/",
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Add("Set-Cookie", cookieA)
				w.Header().Add("Set-Cookie", cookieB)
				w.Header().Set("Content-Type", "text/plain")
				w.Write([]byte("ok"))
			},
			status: 200, body: []byte("ok"), cookies: []string{cookieA, cookieB},
		},
		{
			name: "request as a server sees it",
			url:  "https://shop.example/p/a%2Fb?q=1,2",
			init: map[string]any{"method": "POST", "body": "x=1&y=2", "headers": map[string]any{
				"Accept-Language": "de-DE,de;q=0.9,en;q=0.8", "Cookie": "a=1; b=2", "Sec-GPC": "1", "Content-Type": "application/x-www-form-urlencoded"}},
			h: func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				fmt.Fprintf(w, "%s|%s|%s|%s|%s|%d|%q|%s|%s|%v", r.Method, r.Host, r.URL.Path, r.URL.RawQuery, r.RequestURI,
					len(r.Header.Values("Accept-Language")), r.Header.Get("Accept-Language"), r.Header.Get("Cookie"), b, r.TLS != nil)
			},
			status: 200,
			body:   []byte(`POST|shop.example|/p/a/b|q=1,2|/p/a%2Fb?q=1,2|1|"de-DE,de;q=0.9,en;q=0.8"|a=1; b=2|x=1&y=2|true`),
		},
		{
			name: "tiny writes are buffered and backpressured",
			url:  "http://shop.example/big",
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				for i := 0; i < len(big); i += 8 {
					w.Write(big[i : i+8])
				}
			},
			status: 200, body: big,
		},
		{
			name: "io.Copy through ReadFrom",
			url:  "http://shop.example/copy",
			h: func(w http.ResponseWriter, r *http.Request) {
				io.Copy(w, bytes.NewReader(big))
			},
			status: 200, body: big,
		},
		{
			name:   "content type sniffed",
			url:    "http://shop.example/",
			h:      func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<!doctype html><p>hi")) },
			status: 200, body: []byte("<!doctype html><p>hi"), header: map[string]string{"content-type": "text/html; charset=utf-8"},
		},
		{
			name: "status and headers",
			url:  "http://shop.example/x",
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-A", "1, 2")
				http.Error(w, "bad gateway", 502)
			},
			status: 502, body: []byte("bad gateway\n"), header: map[string]string{"x-a": "1, 2"},
		},
		{
			name:    "HEAD has no body",
			url:     "http://shop.example/",
			init:    map[string]any{"method": "HEAD"},
			h:       func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ignored")) },
			status:  200,
			nilBody: true,
		},
		{
			name:    "304 has no body",
			url:     "http://shop.example/",
			h:       func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(304) },
			status:  304,
			nilBody: true,
		},
		{
			name:   "empty handler",
			url:    "http://shop.example/",
			h:      func(w http.ResponseWriter, r *http.Request) {},
			status: 200, body: []byte{},
		},
		{
			name:   "panic before any byte is a 500",
			url:    "http://shop.example/",
			h:      func(w http.ResponseWriter, r *http.Request) { panic("boom") },
			status: 500, body: []byte("internal error\n"),
		},
		{
			name: "trailers are dropped",
			url:  "http://shop.example/",
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Trailer", "X-Sum")
				w.Write([]byte("x"))
				w.Header().Set("X-Sum", "1")
			},
			status: 200, body: []byte("x"), header: map[string]string{"trailer": "", "x-sum": ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			init := tt.init
			if init == nil {
				init = map[string]any{}
			}
			res, cookies, body := serveJS(t, tt.h, tt.url, init)
			if got := res.Get("status").Int(); got != tt.status {
				t.Errorf("status %d, want %d", got, tt.status)
			}
			if tt.nilBody {
				if res.Get("body").Type() == js.TypeObject {
					t.Errorf("body is not null")
				}
			} else if !bytes.Equal(body, tt.body) {
				t.Errorf("body (%d bytes) = %.200q, want (%d bytes) %.200q", len(body), body, len(tt.body), tt.body)
			}
			if tt.cookies != nil && strings.Join(cookies, "\n") != strings.Join(tt.cookies, "\n") {
				t.Errorf("Set-Cookie = %q, want %q", cookies, tt.cookies)
			}
			for k, v := range tt.header {
				got := res.Get("headers").Call("get", k)
				gs := ""
				if got.Type() == js.TypeString {
					gs = got.String()
				}
				if gs != v {
					t.Errorf("header %s = %q, want %q", k, gs, v)
				}
			}
		})
	}
}

// originJS is a node HTTP server standing in for the origin.
const originJS = `
const http = require("http"), zlib = require("zlib");
const srv = http.createServer((req, res) => {
  if (req.url === "/cookies") {
    res.setHeader("Set-Cookie", ["a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/", "b=2; Expires=Thu, 22 Oct 2026 07:28:00 GMT"]);
    res.setHeader("X-List", "x, y");
    res.end("cookies");
  } else if (req.url === "/gzip") {
    res.setHeader("Content-Encoding", "gzip");
    res.end(zlib.gzipSync(Buffer.from("hello gzip".repeat(100))));
  } else if (req.url === "/echo") {
    let body = "";
    req.on("data", (c) => body += c);
    req.on("end", () => res.end(JSON.stringify({method: req.method, headers: req.headers, body})));
  } else if (req.url === "/redirect") {
    res.writeHead(302, {Location: "/elsewhere"}); res.end();
  } else if (req.url === "/big") {
    res.end(Buffer.alloc(118535, 97));
  } else if (req.url === "/slow") {
    res.write("first");
    setTimeout(() => res.end("x".repeat(300000)), 400);
  } else if (req.url === "/short") {
    res.setHeader("Content-Length", "1000");
    res.write("only this");
    setTimeout(() => res.destroy(), 20);
  } else if (req.url === "/hang") {
    res.write("partial");
  } else { res.statusCode = 404; res.end(); }
});
return new Promise((resolve) => srv.listen(0, "127.0.0.1", () => resolve({srv, port: srv.address().port})));
`

func TestTransport(t *testing.T) {
	if js.Global().Get("require").Type() != js.TypeFunction {
		t.Skip("not under node")
	}
	o := mustAwait(t, js.Global().Get("Function").New(originJS).Invoke())
	defer o.Get("srv").Call("close")
	base := fmt.Sprintf("http://127.0.0.1:%d", o.Get("port").Int())
	tr := &Transport{MaxBodyBytes: 100}

	get := func(t *testing.T, path string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		res, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		return res, string(b)
	}

	t.Run("set-cookie unsplit", func(t *testing.T) {
		res, body := get(t, "/cookies")
		want := []string{"a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/", "b=2; Expires=Thu, 22 Oct 2026 07:28:00 GMT"}
		if got := res.Header.Values("Set-Cookie"); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("Set-Cookie = %q, want %q", got, want)
		}
		if got := res.Header.Values("X-List"); len(got) != 1 || got[0] != "x, y" {
			t.Errorf("X-List = %q, want one value", got)
		}
		if body != "cookies" || res.StatusCode != 200 {
			t.Errorf("status %d body %q", res.StatusCode, body)
		}
	})
	t.Run("gzip decoded by fetch", func(t *testing.T) {
		res, body := get(t, "/gzip")
		if body != strings.Repeat("hello gzip", 100) || res.Header.Get("Content-Encoding") != "" || !res.Uncompressed {
			t.Errorf("Content-Encoding %q, Uncompressed %v, body %.40q", res.Header.Get("Content-Encoding"), res.Uncompressed, body)
		}
	})
	t.Run("body in small reads", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/big", nil)
		res, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.ContentLength != 118535 {
			t.Fatalf("ContentLength %d", res.ContentLength)
		}
		var got []byte
		buf := make([]byte, 1000) // many takes from one queued chunk
		for {
			n, err := res.Body.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if string(got) != strings.Repeat("a", 118535) {
			t.Errorf("body: %d bytes", len(got))
		}
	})
	t.Run("short body is an error", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/short", nil)
		res, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if _, err := io.ReadAll(res.Body); err == nil {
			t.Errorf("no error for a body shorter than its Content-Length")
		}
	})
	t.Run("unknown length streams", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/slow", nil)
		res, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		start := time.Now()
		buf := make([]byte, 32<<10)
		n, err := res.Body.Read(buf)
		if err != nil || string(buf[:n]) != "first" {
			t.Fatalf("first read %q, %v", buf[:n], err)
		}
		if d := time.Since(start); d > 300*time.Millisecond {
			t.Errorf("first bytes after %v: waited for the whole body", d)
		}
		rest, err := io.ReadAll(res.Body)
		if err != nil || string(rest) != strings.Repeat("x", 300000) {
			t.Errorf("rest: %d bytes, %v", len(rest), err)
		}
	})
	t.Run("redirect returned", func(t *testing.T) {
		res, _ := get(t, "/redirect")
		if res.StatusCode != 302 || res.Header.Get("Location") != "/elsewhere" {
			t.Errorf("status %d Location %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
	t.Run("request headers and body", func(t *testing.T) {
		req, _ := http.NewRequest("POST", base+"/echo", strings.NewReader("x=1"))
		req.Header.Set("Accept-Language", "de-DE,de;q=0.9")
		req.Header.Set("Sec-GPC", "1")
		req.Header.Add("Cookie", "a=1; b=2")
		res, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		s := string(b)
		for _, want := range []string{`"method":"POST"`, `"accept-language":"de-DE,de;q=0.9"`, `"sec-gpc":"1"`, `"cookie":"a=1; b=2"`, `"body":"x=1"`} {
			if !strings.Contains(s, want) {
				t.Errorf("origin saw %s, want %s in it", s, want)
			}
		}
	})
	t.Run("body limit", func(t *testing.T) {
		req, _ := http.NewRequest("POST", base+"/echo", strings.NewReader(strings.Repeat("x", 101)))
		if _, err := tr.RoundTrip(req); err != ErrBodyTooLarge {
			t.Errorf("err = %v, want ErrBodyTooLarge", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "http://127.0.0.1:1/", nil)
		if _, err := tr.RoundTrip(req); err == nil {
			t.Errorf("no error for a closed port")
		}
	})
	t.Run("cancel aborts a hanging body", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/hang", nil)
		res, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 7)
		if _, err := io.ReadFull(res.Body, buf); err != nil || string(buf) != "partial" {
			t.Fatalf("first bytes %q, %v", buf, err)
		}
		go func() { time.Sleep(20 * time.Millisecond); cancel() }()
		_, err = res.Body.Read(buf)
		if err == nil {
			t.Errorf("read after cancel: no error")
		}
	})
	t.Run("unsupported scheme", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "ftp://x/", nil)
		if _, err := tr.RoundTrip(req); err == nil {
			t.Errorf("no error for ftp")
		}
	})
}

// TestVisitorCancel: when the visitor's side cancels the body stream, the
// handler's request context ends (so the origin fetch is aborted) and its
// writes fail.
func TestVisitorCancel(t *testing.T) {
	done := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("first"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
			done <- fmt.Errorf("context not canceled")
			return
		}
		var err error
		for i := 0; i < 100 && err == nil; i++ {
			_, err = w.Write(bytes.Repeat([]byte("x"), BufferSize))
		}
		if err == nil {
			done <- fmt.Errorf("writes after cancel did not fail")
			return
		}
		done <- nil
	})
	f := Handler(h)
	defer f.Release()
	res := mustAwait(t, f.Invoke(js.Global().Get("Request").New("http://shop.example/")))
	mustAwait(t, res.Get("body").Call("cancel"))
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("handler did not finish")
	}
}

func BenchmarkTransportDrain(b *testing.B) {
	o, err := await(js.Global().Get("Function").New(originJS).Invoke(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer o.Get("srv").Call("close")
	url := fmt.Sprintf("http://127.0.0.1:%d/big", o.Get("port").Int())
	tr := &Transport{}
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest("GET", url, nil)
		res, err := tr.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if n != 118535 {
			b.Fatalf("%d bytes", n)
		}
	}
}

// BenchmarkFetchJS is the same exchange done by JS alone, for comparison.
func BenchmarkFetchJS(b *testing.B) {
	o, err := await(js.Global().Get("Function").New(originJS).Invoke(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer o.Get("srv").Call("close")
	url := fmt.Sprintf("http://127.0.0.1:%d/big", o.Get("port").Int())
	f := js.Global().Get("Function").New("url", "return fetch(url).then(r => r.arrayBuffer()).then(b => b.byteLength)")
	for b.Loop() {
		v, err := await(f.Invoke(url), nil)
		if err != nil || v.Int() != 118535 {
			b.Fatal(err)
		}
	}
}

// TestRawBody: an untouched origin body copied with io.Copy becomes the
// response body itself; once Go has read or written anything, the bytes
// go through Go, and either way the visitor gets the same body.
func TestRawBody(t *testing.T) {
	o := mustAwait(t, js.Global().Get("Function").New(originJS).Invoke())
	defer o.Get("srv").Call("close")
	base := fmt.Sprintf("http://127.0.0.1:%d", o.Get("port").Int())
	tr := &Transport{}
	for _, tc := range []struct {
		name    string
		prefix  string // written before the copy
		peek    bool   // read one byte before the copy
		wantRaw bool
	}{
		{"untouched", "", false, true},
		{"written first", "<!-- x -->", false, false},
		{"read first", "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var raw bool
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				req, _ := http.NewRequest("GET", base+"/big", nil)
				res, err := tr.RoundTrip(req)
				if err != nil {
					http.Error(w, err.Error(), 502)
					return
				}
				defer res.Body.Close()
				w.Header().Set("Content-Type", "application/octet-stream")
				w.WriteHeader(203)
				if tc.prefix != "" {
					w.Write([]byte(tc.prefix))
				}
				if tc.peek {
					b := make([]byte, 1)
					res.Body.Read(b)
					w.Write(b)
				}
				io.Copy(w, res.Body)
				raw = w.(*responseWriter).raw
			})
			res, _, body := serveJS(t, h, "http://shop.example/", map[string]any{})
			want := tc.prefix + strings.Repeat("a", 118535)
			if res.Get("status").Int() != 203 || string(body) != want {
				t.Errorf("status %d, body %d bytes (want %d)", res.Get("status").Int(), len(body), len(want))
			}
			if raw != tc.wantRaw {
				t.Errorf("raw = %v, want %v", raw, tc.wantRaw)
			}
		})
	}
}

// TestReadDeadline: a Read waiting on a silent stream returns
// os.ErrDeadlineExceeded at the deadline and the stream stays usable; a
// complete body is read past a deadline without error.
func TestReadDeadline(t *testing.T) {
	if err := helpers(); err != nil {
		t.Fatal(err)
	}
	page := bytes.Repeat([]byte("0123456789abcdef"), 100<<10/16)
	u8 := js.Global().Get("Uint8Array").New(len(page))
	js.CopyBytesToJS(u8, page)
	r := newStreamReader(js.Global().Get("Response").New(u8).Get("body"), nil)
	r.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, page) {
		t.Fatalf("complete body: read %d of %d bytes, err %v", len(got), len(page), err)
	}

	// A stream that sends a few bytes and then stays open.
	var ctrl js.Value
	start := js.FuncOf(func(_ js.Value, a []js.Value) any { ctrl = a[0]; return nil })
	defer start.Release()
	src := js.Global().Get("Object").New()
	src.Set("start", start)
	rs := js.Global().Get("ReadableStream").New(src)
	chunk := func(s string) js.Value {
		c := js.Global().Get("Uint8Array").New(len(s))
		js.CopyBytesToJS(c, []byte(s))
		return c
	}
	ctrl.Call("enqueue", chunk("hello"))
	sr := newStreamReader(rs, nil)
	buf := make([]byte, 32<<10)
	n, err := sr.Read(buf)
	if err != nil || string(buf[:n]) != "hello" {
		t.Fatalf("first read: %q, %v", buf[:n], err)
	}
	t0 := time.Now()
	sr.SetReadDeadline(t0.Add(30 * time.Millisecond))
	n, err = sr.Read(buf)
	if !errors.Is(err, os.ErrDeadlineExceeded) || n != 0 {
		t.Fatalf("silent stream: %d bytes, err %v; want os.ErrDeadlineExceeded", n, err)
	}
	if d := time.Since(t0); d < 25*time.Millisecond {
		t.Errorf("deadline error after %v, before the deadline", d)
	}
	sr.SetReadDeadline(time.Time{})
	ctrl.Call("enqueue", chunk(" world"))
	ctrl.Call("close")
	rest, err := io.ReadAll(sr)
	if err != nil || string(rest) != " world" {
		t.Fatalf("after the deadline: %q, %v", rest, err)
	}
}
