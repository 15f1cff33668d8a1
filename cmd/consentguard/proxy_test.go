package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestProxyUsage(t *testing.T) {
	if code, _, errs := run(t, "", "proxy", "--origin", "http://127.0.0.1:1", "--site", "a.example", "--secret", "0123456789abcdef0123"); code != 2 || !strings.Contains(errs, "--listen") {
		t.Errorf("missing --listen: %d %q", code, errs)
	}
	if code, _, errs := run(t, "", "proxy", "--listen", "127.0.0.1:0", "--site", "a.example", "--secret", "0123456789abcdef0123"); code != 2 || !strings.Contains(errs, "origin") {
		t.Errorf("missing --origin: %d %q", code, errs)
	}
	if code, _, errs := run(t, "", "proxy", "--bogus"); code != 2 || errs == "" {
		t.Errorf("bad flag: %d %q", code, errs)
	}
}

// TestProxyServes runs the real command against a loopback origin and
// checks a tracker tag is removed and a non-consented cookie dropped.
func TestProxyServes(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Add("Set-Cookie", "_ga=GA1.1.1.1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT")
		w.Header().Add("Set-Cookie", "session=abc; Path=/; HttpOnly")
		io.WriteString(w, `<!doctype html><html><head><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script></head><body><p>Hello reader</p></body></html>`)
	}))
	defer origin.Close()
	base, _ := startProxy(t, "--origin", origin.URL, "--listen", "127.0.0.1:0", "--site", "127.0.0.1", "--secret", "0123456789abcdef0123")
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), `src="https://www.googletagmanager.com/gtag/js`) || !strings.Contains(string(body), "Hello reader") {
		t.Errorf("page not rewritten: %s", body)
	}
	cookies := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
	if strings.Contains(cookies, "_ga=GA1") || !strings.Contains(cookies, "session=abc") {
		t.Errorf("Set-Cookie: %s", cookies)
	}
}
