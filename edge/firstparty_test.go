//go:build !js

package edge

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/consent"
)

// TestFirstPartyTrackerRequests: requests a page's JS makes to trackers
// served from the site's own paths are refused by the proxy (204, the
// origin never asked) without consent, and pass with it; navigations and
// the site's own files always pass.
func TestFirstPartyTrackerRequests(t *testing.T) {
	var asked atomic.Int64
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Write([]byte("origin"))
	}))
	defer origin.Close()
	eng, err := policylists.Default()
	if err != nil {
		t.Fatal(err)
	}
	var reports []Report
	p, err := New(Config{Origin: origin.URL, Sites: []string{"www.site.test"}, Secret: testSecret}, eng, nil,
		Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), OnReport: func(r Report) { reports = append(reports, r) }})
	if err != nil {
		t.Fatal(err)
	}
	analytics := signed(consent.Set(0).With(consent.Analytics))
	for _, c := range []struct {
		name, path, dest, mode, cookie string
		refused                        bool
	}{
		{"GA4 behind /metrics/, fetch", "/metrics/g/collect?v=2&tid=G-ABC123&en=page_view", "empty", "no-cors", "", true},
		{"GA4 behind /metrics/, image", "/metrics/g/collect?v=2&tid=G-ABC123&en=img", "image", "no-cors", "", true},
		{"PostHog reverse proxy, beacon", "/ingest/e/?ip=1&_=1700000000000&ver=1.96.1", "empty", "no-cors", "", true},
		{"GA4 tag on a first-party path", "/metrics/gtag/js?id=G-ABC123", "script", "no-cors", "", true},
		{"GA4 behind /metrics/ with analytics granted", "/metrics/g/collect?v=2&tid=G-ABC123&en=page_view", "empty", "no-cors", analytics, false},
		{"server-side GTM's frame, added by JS", "/sgtm/ns.html?id=GTM-ABC1234", "iframe", "navigate", "", true},
		{"navigation to the same path", "/metrics/g/collect?v=2&tid=G-ABC123", "document", "navigate", "", false},
		{"the site's own script", "/assets/app.js", "script", "no-cors", "", false},
		{"the site's own API", "/api/cart?id=1", "empty", "cors", "", false},
		{"no Sec-Fetch headers, own page", "/about", "", "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := asked.Load()
			req := httptest.NewRequest("GET", "https://www.site.test"+c.path, nil)
			if c.dest != "" {
				req.Header.Set("Sec-Fetch-Dest", c.dest)
				req.Header.Set("Sec-Fetch-Mode", c.mode)
			}
			if c.cookie != "" {
				k, v, _ := strings.Cut(c.cookie, ": ")
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			p.ServeHTTP(rec, req)
			reached := asked.Load() > before
			if c.refused {
				if rec.Code != http.StatusNoContent || reached || rec.Body.Len() != 0 {
					t.Fatalf("want 204 without asking the origin; got %d, origin asked %v, body %q", rec.Code, reached, rec.Body.String())
				}
				if rec.Header().Get(HeaderSummary) == "" || rec.Header().Get("Cache-Control") != "no-store" {
					t.Errorf("headers: %v", rec.Header())
				}
				if len(reports) == 0 || len(reports[len(reports)-1].Items) != 1 {
					t.Errorf("the refusal is not reported: %+v", reports)
				}
			} else if rec.Code != 200 || !reached {
				t.Fatalf("want the origin's answer; got %d, origin asked %v", rec.Code, reached)
			}
		})
	}
}
