//go:build js

package edge

import "net/http"

// defaultTransport: under js/wasm the caller passes its fetch transport
// (net/http's client would add about 1.2 MB to the Worker and does not work
// in workerd).
func defaultTransport(*Config) http.RoundTripper { return nil }
