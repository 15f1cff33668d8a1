//go:build js && wasm

// Command passworker is the baseline Worker of the workerd e2e tests: the
// same glue and bridge as edge/worker, but a plain pass-through to ORIGIN
// (no rewriting). The difference between it and the edge worker is the CPU
// consentguard adds per request.
package main

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/consentguard/consentguard/edge/worker/bridge"
)

func main() {
	id := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	var n atomic.Int64
	tr := &bridge.Transport{}
	static := make([]byte, 118535)
	bridge.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Consentguard-Instance", id+"/"+strconv.FormatInt(n.Add(1), 10))
		// MODE (benchmarks only): "static" answers 116 KB from memory (the
		// response path alone), "drain" fetches and discards the origin
		// body (the request path alone), "headers" fetches and reads nothing.
		mode, _ := bridge.Env("MODE")
		o, _ := bridge.Env("ORIGIN")
		if mode == "static" {
			w.Header().Set("Content-Type", "text/html")
			w.Write(static)
			return
		}
		ou, err := url.Parse(o)
		if err != nil || o == "" {
			http.Error(w, "ORIGIN not set", http.StatusInternalServerError)
			return
		}
		out := r.Clone(r.Context())
		out.URL = &url.URL{Scheme: ou.Scheme, Host: ou.Host, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
		out.RequestURI = ""
		res, err := tr.RoundTrip(out)
		if err != nil {
			http.Error(w, "origin: "+err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		if mode == "headers" {
			w.Write(make([]byte, 2000))
			return
		}
		if mode == "drain" {
			buf := make([]byte, 32<<10)
			reads := 0
			for {
				_, err := res.Body.Read(buf)
				reads++
				if err != nil {
					break
				}
			}
			w.Header().Set("X-Reads", strconv.Itoa(reads))
			w.Write(make([]byte, 2000))
			return
		}
		for k, vs := range res.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(res.StatusCode)
		io.Copy(w, res.Body)
	}))
}
