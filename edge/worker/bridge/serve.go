//go:build js && wasm

package bridge

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall/js"
)

// BufferSize is the size of the buffer in front of every response body:
// each flush to JS costs a call and a copy, and small writes are very slow.
const BufferSize = 32 << 10

// Serve makes h the handler of every fetch event of this isolate and never
// returns. The glue calls context.binding.handleRequest(request), which
// returns a Promise of a Response. Serve then calls context.ready() to tell
// the glue that the handler is installed. (No custom wasm import: the
// module also instantiates under plain wasm_exec.js, e.g. in tests.)
func Serve(h http.Handler) {
	Register(h)
	if r := js.Global().Get("context").Get("ready"); r.Type() == js.TypeFunction {
		r.Invoke()
	}
	select {}
}

// Register installs h as context.binding.handleRequest without signalling
// readiness (for hosts other than the glue, such as tests under node).
func Register(h http.Handler) {
	binding := js.Global().Get("context").Get("binding")
	binding.Set("handleRequest", Handler(h))
}

// Env returns the worker environment variable name ([vars] in
// wrangler.toml, bindings in a capnp config), set by the glue as
// context.env. Non-string values (bindings) are reported as absent.
func Env(name string) (string, bool) {
	env := js.Global().Get("context").Get("env")
	if env.Type() != js.TypeObject {
		return "", false
	}
	v := env.Get(name)
	if v.Type() != js.TypeString {
		return "", false
	}
	return v.String(), true
}

// Handler returns a JS function (request) => Promise<Response> serving h.
func Handler(h http.Handler) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) any {
		jreq := arg0(args)
		var exec js.Func
		exec = js.FuncOf(func(_ js.Value, pa []js.Value) any {
			exec.Release()
			resolve, reject := pa[0], pa[1]
			go serve(h, jreq, resolve, reject)
			return nil
		})
		return promiseCtor.New(exec)
	})
}

func serve(h http.Handler, jreq js.Value, resolve, reject js.Value) {
	if err := helpers(); err != nil {
		reject.Invoke(js.Global().Get("Error").New(err.Error()))
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := toRequest(ctx, jreq)
	if err != nil {
		reject.Invoke(js.Global().Get("Error").New("consentguard: " + err.Error()))
		return
	}
	rw := newResponseWriter(req, resolve, ctx.Done())
	rw.onCancel = cancel // the visitor went away: abort the origin fetch too
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(os.Stderr, "consentguard: panic serving %s: %v\n%s", req.URL.Path, p, debug.Stack())
			rw.abort(fmt.Sprint("consentguard: internal error"))
			return
		}
		rw.finish()
	}()
	h.ServeHTTP(rw, req)
}

// toRequest converts a JS Request to a server-side *http.Request: URL holds
// the path and query, Host the visitor's host.
func toRequest(ctx context.Context, jreq js.Value) (*http.Request, error) {
	raw := jreq.Get("url").String()
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	header := readHeaders(jreq.Get("headers"))
	host := u.Host
	r := &http.Request{
		Method:     jreq.Get("method").String(),
		URL:        &url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery},
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     header,
		Host:       host,
		RequestURI: u.RequestURI(),
		RemoteAddr: header.Get("Cf-Connecting-Ip"),
		Body:       http.NoBody,
	}
	if r.RemoteAddr == "" {
		r.RemoteAddr = "127.0.0.1:0"
	} else if !strings.Contains(r.RemoteAddr, ":") || strings.Count(r.RemoteAddr, ":") > 1 && !strings.HasPrefix(r.RemoteAddr, "[") {
		r.RemoteAddr = netJoin(r.RemoteAddr)
	}
	if u.Scheme == "https" {
		r.TLS = &tls.ConnectionState{HandshakeComplete: true, ServerName: u.Hostname()}
	}
	if b := jreq.Get("body"); b.Type() == js.TypeObject {
		r.Body = newStreamReader(b, ctx.Done())
		r.ContentLength = -1
		if cl, err := strconv.ParseInt(header.Get("Content-Length"), 10, 64); err == nil && cl >= 0 {
			r.ContentLength = cl
		}
	}
	return r.WithContext(ctx), nil
}

func netJoin(ip string) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]:0"
	}
	return ip + ":0"
}

// responseWriter buffers the body (BufferSize) and hands it to a JS
// ReadableStream. As in net/http, WriteHeader fixes the status and the
// header; the Response is resolved at the first body byte, Flush, or when
// the handler returns. An unmodified origin body copied with io.Copy from a
// Transport response is handed to workerd as is (see streamReader.WriteTo):
// no byte crosses into Go.
type responseWriter struct {
	req       *http.Request
	header    http.Header
	resolve   js.Value
	done      <-chan struct{}
	buf       *bufio.Writer
	status    int
	committed bool // WriteHeader happened (explicitly or implicitly)
	resolved  bool // the JS Response exists
	raw       bool // the body is a JS stream handed over whole
	noBody    bool
	closed    bool
	init      js.Value // ResponseInit, built at commit

	stream   js.Value // {stream, push, close, error}
	pull     chan struct{}
	cancel   chan struct{}
	funcs    [2]js.Func
	canceled bool
	onCancel func()
	mu       sync.Mutex
}

var bufPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, BufferSize) }}

func newResponseWriter(req *http.Request, resolve js.Value, done <-chan struct{}) *responseWriter {
	return &responseWriter{req: req, header: make(http.Header), resolve: resolve, done: done}
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(code int) {
	if w.committed {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		return // informational responses are not forwarded
	}
	w.commit(code)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.committed {
		if w.header.Get("Content-Type") == "" && len(p) > 0 && w.header.Get("Content-Encoding") == "" {
			w.header.Set("Content-Type", http.DetectContentType(p))
		}
		w.commit(http.StatusOK)
	}
	if w.noBody {
		return len(p), nil
	}
	if w.raw {
		return 0, errRawBody
	}
	w.open()
	if w.canceled {
		return 0, errCanceled
	}
	return w.buf.Write(p)
}

var errRawBody = errors.New("bridge: write after the body was handed over")

// Flush sends the buffered bytes to the visitor (http.Flusher).
func (w *responseWriter) Flush() {
	if !w.committed {
		w.commit(http.StatusOK)
	}
	w.open()
	if w.buf != nil {
		w.buf.Flush()
	}
}

// ReadFrom lets io.Copy fill the buffer directly, or hand over the JS
// stream of an unread Transport body.
func (w *responseWriter) ReadFrom(r io.Reader) (int64, error) {
	if sr, ok := r.(*streamReader); ok && w.takeRaw(sr) {
		return 0, nil
	}
	if !w.committed {
		w.commit(http.StatusOK)
	}
	if w.noBody {
		return io.Copy(io.Discard, r)
	}
	if w.raw {
		return 0, errRawBody
	}
	w.open()
	return w.buf.ReadFrom(r)
}

// takeRaw makes sr's JS stream the response body when nothing of either
// has been read or written yet.
func (w *responseWriter) takeRaw(sr *streamReader) bool {
	if w.resolved || w.raw || !sr.untouched() {
		return false
	}
	if !w.committed {
		w.commit(http.StatusOK)
	}
	if w.noBody {
		return false
	}
	w.raw = true
	w.resolved = true
	w.resolve.Invoke(responseCtor.New(sr.handOver(), w.init))
	return true
}

// commit fixes the status and the header (later changes are ignored, as
// in net/http).
func (w *responseWriter) commit(code int) {
	w.committed = true
	w.status = code
	w.noBody = w.req.Method == http.MethodHead || code == http.StatusNoContent ||
		code == http.StatusNotModified || code == http.StatusResetContent || code == http.StatusSwitchingProtocols
	// The Workers Response has no trailers: drop the announcement and any
	// http.TrailerPrefix keys (values set after the body are lost).
	w.header.Del("Trailer")
	for k := range w.header {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			delete(w.header, k)
		}
	}
	w.init = objectCtor.New()
	w.init.Set("status", code)
	w.init.Set("headers", makeHeaders.Invoke(headerString(w.header)))
	if w.header.Get("Content-Encoding") != "" {
		// The body is already encoded: workerd must not encode it again.
		w.init.Set("encodeBody", "manual")
	}
}

// open resolves the Response with a Go-fed stream (once).
func (w *responseWriter) open() {
	if w.resolved {
		return
	}
	w.resolved = true
	var body any = nil
	if !w.noBody {
		w.pull = make(chan struct{}, 1)
		w.cancel = make(chan struct{})
		w.funcs[0] = js.FuncOf(func(js.Value, []js.Value) any {
			select {
			case w.pull <- struct{}{}:
			default:
			}
			return nil
		})
		w.funcs[1] = js.FuncOf(func(js.Value, []js.Value) any {
			w.mu.Lock()
			if !w.canceled {
				w.canceled = true
				close(w.cancel)
				if w.onCancel != nil {
					w.onCancel()
				}
			}
			w.mu.Unlock()
			return nil
		})
		w.stream = makeStream.Invoke(w.funcs[0], w.funcs[1])
		body = w.stream.Get("stream")
		w.buf = bufPool.Get().(*bufio.Writer)
		w.buf.Reset(chunkWriter{w})
	}
	w.resolve.Invoke(responseCtor.New(body, w.init))
}

// chunkWriter moves one buffered chunk into the JS stream, waiting for the
// reader when the stream's queue is full.
type chunkWriter struct{ w *responseWriter }

func (c chunkWriter) Write(p []byte) (int, error) {
	w := c.w
	if w.canceled {
		return 0, errCanceled
	}
	u8 := uint8Array.New(len(p))
	js.CopyBytesToJS(u8, p)
	if d := w.stream.Call("push", u8); d.Type() == js.TypeNumber && d.Float() <= 0 {
		select {
		case <-w.pull:
		case <-w.cancel:
			return 0, errCanceled
		}
	}
	return len(p), nil
}

// finish flushes and closes the stream after the handler returned.
func (w *responseWriter) finish() {
	if !w.committed {
		w.commit(http.StatusOK)
	}
	w.open()
	if w.buf != nil {
		err := w.buf.Flush()
		if err == nil {
			w.stream.Call("close")
		} else {
			w.stream.Call("error", err.Error())
		}
	}
	w.release()
}

// abort ends a response after a panic: a 500 if nothing was sent yet, a
// broken stream otherwise (never a silently truncated page).
func (w *responseWriter) abort(msg string) {
	if !w.resolved {
		w.header = http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
		w.committed = false
		w.commit(http.StatusInternalServerError)
		w.open()
		w.buf.WriteString("internal error\n")
		w.finish()
		return
	}
	if w.stream.Truthy() {
		w.stream.Call("error", msg)
	}
	w.release()
}

func (w *responseWriter) release() {
	if w.closed {
		return
	}
	w.closed = true
	if w.buf != nil {
		w.buf.Reset(nil)
		bufPool.Put(w.buf)
		w.buf = nil
	}
	for _, f := range w.funcs {
		if f.Truthy() {
			f.Release()
		}
	}
}
