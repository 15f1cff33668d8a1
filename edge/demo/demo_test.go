package demo

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestOrigin(t *testing.T) {
	h := Origin()
	for _, p := range Pages {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "http://harbor.example"+p.Path, nil))
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html; charset="+p.Charset) {
			t.Errorf("%s: %d %q", p.Path, rec.Code, rec.Header().Get("Content-Type"))
		}
		if got := rec.Header().Get("Content-Security-Policy"); got != p.CSP {
			t.Errorf("%s: CSP %q", p.Path, got)
		}
		if n := len(rec.Header().Values("Set-Cookie")); n != 3 {
			t.Errorf("%s: %d cookies", p.Path, n)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/nope", nil))
	if rec.Code != 404 {
		t.Errorf("/nope: %d", rec.Code)
	}
}

func TestTrackers(t *testing.T) {
	ts := Trackers().(*TrackerServer)
	for _, tc := range []struct{ method, url, ctype string }{
		{"GET", "https://www.googletagmanager.com/gtag/js?id=G-1", "text/javascript"},
		{"GET", "https://connect.facebook.net/en_US/fbevents.js", "text/javascript"},
		{"GET", "https://www.facebook.com/tr?id=1&ev=PageView", "image/gif"},
		{"GET", "https://www.youtube.com/embed/abc", "text/html; charset=utf-8"},
		{"POST", "https://www.google-analytics.com/g/collect?v=2", ""},
	} {
		rec := httptest.NewRecorder()
		ts.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.url, nil))
		if got := rec.Header().Get("Content-Type"); got != tc.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tc.url, got, tc.ctype)
		}
		b, _ := io.ReadAll(rec.Body)
		if tc.ctype == "text/javascript" && !strings.Contains(string(b), "document.cookie") {
			t.Errorf("%s: script %q", tc.url, b)
		}
		if tc.method == "POST" && rec.Code != http.StatusNoContent {
			t.Errorf("beacon: %d", rec.Code)
		}
	}
	if hits := ts.Hits(); len(hits) != 5 || hits[0].Host != "www.googletagmanager.com" {
		t.Errorf("hits %+v", hits)
	}
}
