package edge

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/consentguard/consentguard/edge/demo"
)

// zoneTransport stands in for Cloudflare sending a Worker's subrequests to
// its own zone to the origin server: every request goes to addr (over
// plain HTTP), whatever its URL's host, which stays the Host.
type zoneTransport struct {
	addr string
	mu   sync.Mutex
	urls []string
}

func (z *zoneTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	z.mu.Lock()
	z.urls = append(z.urls, r.URL.String())
	z.mu.Unlock()
	t := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, z.addr)
	}}
	defer t.CloseIdleConnections()
	r = r.Clone(r.Context())
	r.URL.Scheme = "http" // the test origin speaks plain HTTP
	resp, err := t.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body) // the transport closes with this call
	resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(b)))
	return resp, err
}

// TestOriginSelf: with origin "self" each request goes to its own URL (the
// visitor's host among the sites, https when the visitor used it) with the
// visitor's Host; the native proxy refuses "self".
func TestOriginSelf(t *testing.T) {
	var mu sync.Mutex
	var hosts []string
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts = append(hosts, r.Host)
		mu.Unlock()
		demo.Origin().ServeHTTP(w, r)
	}))
	defer origin.Close()
	zt := &zoneTransport{addr: strings.TrimPrefix(origin.URL, "http://")}
	cfg := Config{Origin: "self", Sites: []string{"harbor.example", "www.harbor.example"}, Secret: testSecret}
	p, err := New(cfg, testEngine(t), zt, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ target, wantURL, wantHost string }{
		{"http://harbor.example/shop?x=1", "http://harbor.example/shop?x=1", "harbor.example"},
		{"https://www.harbor.example/", "https://www.harbor.example/", "www.harbor.example"},
		{"http://WWW.Harbor.Example:8080/journal", "http://www.harbor.example:8080/journal", "www.harbor.example:8080"},
	} {
		mu.Lock()
		hosts = nil
		mu.Unlock()
		zt.urls = nil
		w := httptest.NewRecorder()
		p.ServeHTTP(w, httptest.NewRequest("GET", tc.target, nil))
		if w.Code != 200 || !strings.Contains(w.Body.String(), "<html") {
			t.Errorf("%s: status %d", tc.target, w.Code)
			continue
		}
		if len(zt.urls) != 1 || zt.urls[0] != tc.wantURL {
			t.Errorf("%s: fetched %q, want %q", tc.target, zt.urls, tc.wantURL)
		}
		if len(hosts) != 1 || hosts[0] != tc.wantHost {
			t.Errorf("%s: origin saw Host %q, want %q", tc.target, hosts, tc.wantHost)
		}
	}
	// Any other Host is still refused before anything is fetched.
	zt.urls = nil
	w := httptest.NewRecorder()
	p.ServeHTTP(w, httptest.NewRequest("GET", "http://evil.example/", nil))
	if w.Code != http.StatusMisdirectedRequest || len(zt.urls) != 0 {
		t.Errorf("foreign host: status %d, fetched %q", w.Code, zt.urls)
	}
	// Natively "self" would loop back to the proxy: refused.
	if _, err := New(cfg, testEngine(t), nil, Options{}); err == nil || !strings.Contains(err.Error(), "self") {
		t.Errorf("native New with origin self: %v, want a refusal", err)
	}
}
