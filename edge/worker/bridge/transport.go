//go:build js && wasm

package bridge

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall/js"
)

// Transport is an http.RoundTripper over the Workers fetch API. Redirects
// are returned, not followed. It does not use net/http's client.
type Transport struct {
	// MaxBodyBytes bounds the request body sent upstream (0: unlimited).
	MaxBodyBytes int64
}

// OriginBatch is how many bytes of an origin body are queued in JS before
// a waiting Read is woken (unless the body ends first, or a few ms have
// passed since its first byte arrived, so a slow origin still streams): a
// small page costs one Go wake-up, not one per read buffer.
const OriginBatch = 256 << 10

// ErrBodyTooLarge is returned when a request body exceeds MaxBodyBytes.
var ErrBodyTooLarge = errors.New("bridge: request body too large")

var abortController = global.Get("AbortController")

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil || (req.URL.Scheme != "http" && req.URL.Scheme != "https") {
		return nil, errors.New("bridge: unsupported URL " + req.URL.String())
	}
	h := req.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if req.Host != "" && req.Host != req.URL.Host {
		h.Set("Host", req.Host)
	}
	if err := helpers(); err != nil {
		return nil, err
	}
	init := objectCtor.New()
	init.Set("method", req.Method)
	init.Set("headers", makeHeaders.Invoke(headerString(h)))
	init.Set("redirect", "manual")
	if req.Body != nil && req.Body != http.NoBody {
		var r io.Reader = req.Body
		if t.MaxBodyBytes > 0 {
			r = io.LimitReader(req.Body, t.MaxBodyBytes+1)
		}
		b, err := io.ReadAll(r)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		if t.MaxBodyBytes > 0 && int64(len(b)) > t.MaxBodyBytes {
			return nil, ErrBodyTooLarge
		}
		if len(b) > 0 && req.Method != http.MethodGet && req.Method != http.MethodHead {
			u8 := uint8Array.New(len(b))
			js.CopyBytesToJS(u8, b)
			init.Set("body", u8)
		}
	}
	ctx := req.Context()
	done := ctx.Done()
	if done != nil {
		ac := abortController.New()
		init.Set("signal", ac.Get("signal"))
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			select {
			case <-done:
				ac.Call("abort")
			case <-stop:
			}
		}()
	}
	res, err := await(global.Call("fetch", req.URL.String(), init), done)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	status := res.Get("status").Int()
	resp := &http.Response{
		Status:        strconv.Itoa(status) + " " + res.Get("statusText").String(),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        readHeaders(res.Get("headers")),
		ContentLength: -1,
		Request:       req,
		Body:          http.NoBody,
	}
	switch strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))) {
	case "gzip", "x-gzip", "br":
		// The Workers fetch (like node's) decodes these bodies itself but
		// keeps the header: Go gets the decoded bytes, so the header goes,
		// with the now wrong length (net/http's client does the same).
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.Uncompressed = true
	default:
		if cl, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); err == nil && cl >= 0 {
			resp.ContentLength = cl
		}
	}
	if b := res.Get("body"); b.Type() == js.TypeObject {
		sr := newStreamReader(b, done)
		sr.batch = OriginBatch
		resp.Body = sr
	} else {
		resp.ContentLength = 0
	}
	return resp, nil
}
