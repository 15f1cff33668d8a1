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
// Header values are never split on commas in either direction.
//
// The package builds only for js/wasm. It runs under node as well as under
// workerd (node provides fetch, Request, Response, Headers and
// ReadableStream), which is how its tests run.
package bridge
