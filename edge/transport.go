//go:build !js

package edge

import (
	"net"
	"net/http"
	"time"
)

// defaultTransport is the native origin transport: no proxy from the
// environment, the config's header limits and timeouts, and no automatic
// gzip (the proxy decodes gzip itself).
func defaultTransport(c *Config) http.RoundTripper {
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           256,
		MaxIdleConnsPerHost:    64,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  time.Duration(c.HeaderTimeout),
		MaxResponseHeaderBytes: int64(c.MaxHeaderBytes),
		DisableCompression:     true,
	}
}

// Server returns a native http.Server for h with the config's limits:
// header size, read-header and idle timeouts. The CLI adds TLS.
func (c *Config) Server(h http.Handler) *http.Server {
	return &http.Server{
		Addr:              c.Listen,
		Handler:           h,
		MaxHeaderBytes:    c.MaxHeaderBytes,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
}
