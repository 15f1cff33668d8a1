// Package bridge connects Go's net/http types to the Workers runtime
// (workerd) through syscall/js, without syumai's request adapter and
// without net/http's client:
//
//   - Serve registers an http.Handler as the isolate's request handler. The
//     Go runtime is started once per isolate by the consentguard glue
//     (edge/worker/glue/worker.mjs) and every fetch event is dispatched to
//     the same Go instance, so package-level caches survive between requests.
//   - Transport is an http.RoundTripper over the Workers fetch, called with
//     globalThis as this (the unbound call throws "Illegal invocation" in
//     workerd). Response headers are read unsplit; Set-Cookie values come
//     from Headers.getSetCookie(), one value per cookie.
//
// Header values are never split on commas in either direction. Bodies
// stream both ways: the response through a 32 KiB buffer into a JS
// ReadableStream (with backpressure), origin bodies through a JS read-ahead
// queue (a BYOB reader taking all the runtime has buffered per read) that
// wakes Go once per 256 KiB batch, at the end, or a few ms after the first
// byte, rather than per ~4 KiB chunk (each Go wake-up costs tens of
// microseconds of CPU in workerd). An origin body
// that the handler copies untouched with io.Copy is handed to workerd as
// is and never enters Go. The JS halves live in glue/bridge.mjs because
// Workers forbid eval.
//
// The syscall/js parts build only for js/wasm; they run under node as well
// as under workerd (node has the same fetch, Request, Response, Headers and
// ReadableStream), which is how their tests run:
//
//	GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./edge/worker/...
//
// The header codec (flat.go) is plain Go, tested and fuzzed natively.
package bridge
