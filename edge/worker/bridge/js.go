//go:build js && wasm

package bridge

import (
	"errors"
	"net/http"
	"sync"
	"syscall/js"
)

// JS helpers compiled once per isolate. Moving whole header lists as one
// string costs one call instead of three per header.
var (
	global       = js.Global().Get("globalThis") // the real globalThis, not syumai's proxy
	uint8Array   = global.Get("Uint8Array")
	responseCtor = global.Get("Response")
	promiseCtor  = global.Get("Promise")
	objectCtor   = global.Get("Object")
)

// The helpers of glue/bridge.mjs (Workers forbid eval): flatHeaders,
// makeHeaders, makeStream, looked up in context.bridge on first use.
var (
	helperOnce                           sync.Once
	helperErr                            error
	flatHeaders, makeHeaders, makeStream js.Value
)

// ErrNoGlue is returned when context.bridge (glue/bridge.mjs) is missing.
var ErrNoGlue = errors.New("bridge: context.bridge (glue/bridge.mjs) is missing")

func helpers() error {
	helperOnce.Do(func() {
		h := js.Global().Get("context").Get("bridge")
		if h.Type() != js.TypeObject {
			helperErr = ErrNoGlue
			return
		}
		flatHeaders, makeHeaders, makeStream = h.Get("flatHeaders"), h.Get("makeHeaders"), h.Get("makeStream")
		for _, f := range []js.Value{flatHeaders, makeHeaders, makeStream} {
			if f.Type() != js.TypeFunction {
				helperErr = ErrNoGlue
			}
		}
	})
	return helperErr
}

// readHeaders converts a JS Headers object to an http.Header without
// splitting any value; each Set-Cookie is its own value.
// The caller has checked helpers().
func readHeaders(jh js.Value) http.Header {
	s := flatHeaders.Invoke(jh).String()
	return parseFlat(s)
}

// await waits for a JS promise. It must be called from a goroutine other
// than a JS callback's.
func await(p js.Value, done <-chan struct{}) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var ok, fail js.Func
	ok = js.FuncOf(func(_ js.Value, a []js.Value) any {
		ch <- result{v: arg0(a)}
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, a []js.Value) any {
		ch <- result{err: jsError(arg0(a))}
		return nil
	})
	p.Call("then", ok, fail)
	var r result
	select {
	case r = <-ch:
	case <-done:
		// The promise settles later; the callbacks stay alive until then.
		go func() {
			<-ch
			ok.Release()
			fail.Release()
		}()
		return js.Value{}, errCanceled
	}
	ok.Release()
	fail.Release()
	return r.v, r.err
}

var errCanceled = errors.New("bridge: canceled")

func arg0(a []js.Value) js.Value {
	if len(a) == 0 {
		return js.Undefined()
	}
	return a[0]
}

// jsError turns a rejected value into an error.
func jsError(v js.Value) error {
	if v.Type() == js.TypeObject {
		if m := v.Get("message"); m.Type() == js.TypeString {
			if n := v.Get("name"); n.Type() == js.TypeString {
				return errors.New(n.String() + ": " + m.String())
			}
			return errors.New(m.String())
		}
	}
	return errors.New(v.Call("toString").String())
}

// streamReader reads a JS ReadableStream of Uint8Array chunks.
type streamReader struct {
	reader js.Value // ReadableStreamDefaultReader
	chunk  js.Value // current Uint8Array
	off    int      // read offset in chunk
	n      int      // chunk length
	done   <-chan struct{}
	err    error
}

func newStreamReader(stream js.Value, done <-chan struct{}) *streamReader {
	return &streamReader{reader: stream.Call("getReader"), done: done}
}

func (r *streamReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	for r.off >= r.n {
		res, err := await(r.reader.Call("read"), r.done)
		if err != nil {
			r.err = err
			return 0, err
		}
		if res.Get("done").Bool() {
			r.err = ioEOF
			return 0, ioEOF
		}
		r.chunk = res.Get("value")
		r.off, r.n = 0, r.chunk.Get("byteLength").Int()
	}
	var n int
	if r.off == 0 && len(p) >= r.n {
		n = js.CopyBytesToGo(p, r.chunk)
	} else {
		end := min(r.n, r.off+len(p))
		n = js.CopyBytesToGo(p, r.chunk.Call("subarray", r.off, end))
	}
	r.off += n
	if r.off >= r.n {
		r.chunk = js.Undefined()
	}
	return n, nil
}

func (r *streamReader) Close() error {
	if r.err == nil {
		r.err = errClosed
		r.reader.Call("cancel")
	}
	return nil
}

var errClosed = errors.New("bridge: body closed")
