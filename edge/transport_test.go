package edge

import (
	"net"
	"net/http"
	"runtime"
)

// testTransport is nil (New's native transport) except under js/wasm,
// which has none: there a Transport dialing Go's in-process network
// reaches the httptest origins (a DialContext keeps net/http from using
// the JS fetch API).
func testTransport() http.RoundTripper {
	if runtime.GOOS != "js" {
		return nil
	}
	return &http.Transport{DialContext: (&net.Dialer{}).DialContext}
}
