//go:build js && wasm

package bridge

import (
	"errors"
	"io"
	"net/http"
	"os"
	"sync"
	"syscall/js"
	"time"
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
// makeHeaders, makeStream, makeReader, looked up in context.bridge on first use.
var (
	helperOnce                                       sync.Once
	helperErr                                        error
	flatHeaders, makeHeaders, makeStream, makeReader js.Value
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
		flatHeaders, makeHeaders, makeStream, makeReader = h.Get("flatHeaders"), h.Get("makeHeaders"), h.Get("makeStream"), h.Get("makeReader")
		for _, f := range []js.Value{flatHeaders, makeHeaders, makeStream, makeReader} {
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

// streamReader reads a JS ReadableStream through makeReader
// (glue/bridge.mjs): every Read takes all the bytes queued so far (up to
// len(p)) in one call; only an empty queue costs a promise round trip, and
// that wait ends when len(p) bytes are queued (or a few ms after the first
// one), not at every small chunk; with batch set (origin bodies) a wait
// asks for batch bytes instead of len(p). The reader starts at the first
// Read, so an untouched body can still be handed over whole (WriteTo).
type streamReader struct {
	stream js.Value // the ReadableStream, until handed over or read
	r      js.Value // makeReader's object, from the first Read
	done   <-chan struct{}
	err    error
	// batch, when larger than the read buffer, is how many queued bytes
	// a wait asks for: Go is woken once per batch (or at the end, or a
	// few ms after the first byte: a slow origin still streams) instead
	// of once per read buffer.
	batch int
	// deadline, when set, bounds a Read's wait (SetReadDeadline).
	deadline time.Time
}

func newStreamReader(stream js.Value, done <-chan struct{}) *streamReader {
	return &streamReader{stream: stream, done: done}
}

func (r *streamReader) untouched() bool {
	return r.err == nil && r.r.IsUndefined() && !r.stream.IsUndefined()
}

// handOver gives the JS stream away; the reader is then at EOF.
func (r *streamReader) handOver() js.Value {
	s := r.stream
	r.stream = js.Undefined()
	r.err = ioEOF
	return s
}

// WriteTo copies the body to w. When w is the bridge's response writer and
// neither side has been used yet, the JS stream itself becomes the
// response body: workerd pipes it natively and no byte crosses into Go.
func (r *streamReader) WriteTo(w io.Writer) (int64, error) {
	if rw, ok := w.(*responseWriter); ok && rw.takeRaw(r) {
		return 0, nil
	}
	return io.Copy(w, readerOnly{r})
}

// readerOnly hides WriteTo from io.Copy.
type readerOnly struct{ io.Reader }

func (r *streamReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if r.r.IsUndefined() {
		r.r = makeReader.Invoke(r.stream)
		r.stream = js.Undefined()
	}
	for timed := false; ; {
		u8 := r.r.Call("take", len(p))
		if u8.Type() == js.TypeObject {
			return js.CopyBytesToGo(p, u8), nil
		}
		switch st := r.r.Call("state").String(); st {
		case "":
			if timed {
				// Woken with nothing queued and the stream open: the
				// deadline (workerd's clock only moves with I/O, so
				// time.Until would not tell).
				return 0, os.ErrDeadlineExceeded
			}
		case "done":
			r.err = ioEOF
			return 0, ioEOF
		default:
			r.err = errors.New("bridge: body: " + st)
			return 0, r.err
		}
		want := max(len(p), r.batch)
		var wait js.Value
		if r.deadline.IsZero() {
			wait = r.r.Call("wait", want)
		} else {
			d := time.Until(r.deadline)
			if d <= 0 {
				return 0, os.ErrDeadlineExceeded
			}
			wait = r.r.Call("wait", want, float64(d.Microseconds())/1000)
			timed = true
		}
		if _, err := await(wait, r.done); err != nil {
			r.err = err
			r.r.Call("cancel")
			return 0, err
		}
	}
}

// SetReadDeadline makes a Read that waits for the stream past t return
// os.ErrDeadlineExceeded (the stream stays usable); the zero t removes the
// deadline. The wait is a JS timer: no Go timer or goroutine.
func (r *streamReader) SetReadDeadline(t time.Time) error {
	r.deadline = t
	return nil
}

func (r *streamReader) Close() error {
	if r.err == nil {
		r.err = errClosed
		if !r.r.IsUndefined() {
			r.r.Call("cancel")
		} else if !r.stream.IsUndefined() {
			r.stream.Call("cancel")
		}
	}
	return nil
}

var errClosed = errors.New("bridge: body closed")
