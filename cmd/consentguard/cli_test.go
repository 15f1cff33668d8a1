package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
)

func run(t *testing.T, in string, args ...string) (int, string, string) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(in)
	defer func() { stdin = old }()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	if code, _, errs := run(t, ""); code != 2 || !strings.Contains(errs, "classify") {
		t.Errorf("no args: %d %q", code, errs)
	}
	if code, _, errs := run(t, "", "nope"); code != 2 || !strings.Contains(errs, `unknown command "nope"`) {
		t.Errorf("unknown: %d %q", code, errs)
	}
	if code, _, _ := run(t, "", "classify", "--bogus"); code != 2 {
		t.Errorf("bad flag: %d", code)
	}
	if code, _, errs := run(t, "", "classify", "--consent", "marketing,nonsense", "https://a.example/"); code != 2 || !strings.Contains(errs, "nonsense") {
		t.Errorf("bad consent: %d %q", code, errs)
	}
}

func TestClassifyLines(t *testing.T) {
	in := "https://www.google-analytics.com/g/collect?v=2&tid=G-1\thttps://news.example/\tping\n" +
		"https://news.example/app.js\thttps://news.example/\tscript\n" +
		"\n" +
		"https://connect.facebook.net/en_US/fbevents.js\thttps://news.example/\tscript\n" +
		"garbage\t\tnot-a-type\n"
	code, out, errs := run(t, in, "classify")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines: %q", len(lines), out)
	}
	var got []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		for _, k := range []string{"url", "page", "type", "third_party", "category", "vendor", "action", "rule"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %q lacks %q", l, k)
			}
		}
		got = append(got, m)
	}
	if got[0]["category"] != "analytics" || got[0]["action"] != "block" || got[0]["vendor"] != "google-analytics" || got[0]["third_party"] != true {
		t.Errorf("GA: %v", got[0])
	}
	if got[1]["category"] != "none" || got[1]["action"] != "allow" || got[1]["third_party"] != false {
		t.Errorf("first party: %v", got[1])
	}
	if got[2]["category"] != "advertising" || got[2]["action"] != "block" {
		t.Errorf("Meta: %v", got[2])
	}
	if !strings.Contains(errs, "stdin:5: unknown type") {
		t.Errorf("bad type not reported with its line: %q", errs)
	}
}

func TestClassifyFlags(t *testing.T) {
	code, out, errs := run(t, "", "classify", "--page", "https://news.example/", "--type", "script", "--consent", "analytics",
		"https://www.googletagmanager.com/gtag/js?id=G-1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var m map[string]any
	json.Unmarshal([]byte(out), &m)
	if m["action"] != "allow" || m["type"] != "script" {
		t.Errorf("gtag with analytics: %v", m)
	}
}

func TestCookies(t *testing.T) {
	code, out, errs := run(t, "_ga\tnews.example\n__cf_bm\tnews.example\nunknown_cookie\tnews.example\n", "cookies")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := []struct{ name, cat string }{{"_ga", "analytics"}, {"__cf_bm", "necessary"}, {"unknown_cookie", "none"}}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%q", out)
	}
	for i, l := range lines {
		var m map[string]string
		json.Unmarshal([]byte(l), &m)
		if m["name"] != want[i].name || m["category"] != want[i].cat || m["domain"] != "news.example" {
			t.Errorf("line %d: %v", i, m)
		}
		if _, ok := m["vendor"]; !ok {
			t.Errorf("no vendor field: %v", m)
		}
	}
}

func TestListsCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	os.WriteFile(good, []byte("[Adblock Plus 2.0]\n||tracker.example^$third-party\nexample.com##.ad\n"), 0o644)
	bad := filepath.Join(dir, "bad-catalog.txt")
	os.WriteFile(bad, []byte("[acme] Acme\ncategory analytics\nsource https://acme.example/docs\nhots acme.example\n"), 0o644)
	code, out, errs := run(t, "", "lists", "check", good)
	if code != 0 || !strings.Contains(out, "abp, 1 entries, ok") || !strings.Contains(out, "cosmetic") {
		t.Errorf("good: %d %q %q", code, out, errs)
	}
	code, out, errs = run(t, "", "lists", "check", good, bad)
	if code != 1 || !strings.Contains(errs, "bad-catalog.txt:4") {
		t.Errorf("bad: %d %q %q", code, out, errs)
	}
	// The count of a bad file heads its errors on stderr, a line each:
	// never "1 errorsbad-catalog.txt:4" when the streams are joined.
	lines := strings.Split(errs, "\n")
	if len(lines) < 2 || lines[0] != bad+": catalog, 0 entries, 1 error:" || !strings.HasPrefix(lines[1], bad+":4: ") {
		t.Errorf("bad file's report on stderr = %q", errs)
	}
	if strings.Contains(out, "error") || !strings.HasSuffix(out, "\n") {
		t.Errorf("stdout carries only the good files' lines, each ended: %q", out)
	}
	if plural(1, "error") != "1 error" || plural(6, "error") != "6 errors" || plural(0, "error") != "0 errors" {
		t.Error("plural")
	}
	// The embedded lists are clean.
	files, _ := filepath.Glob("../../policylists/*.txt")
	if len(files) < 3 {
		t.Fatalf("embedded lists not found: %v", files)
	}
	code, out, errs = run(t, "", append([]string{"lists", "check"}, files...)...)
	if code != 0 {
		t.Errorf("embedded lists: %d %q %q", code, out, errs)
	}
}

func TestListsFetchOffline(t *testing.T) {
	// A closed loopback port: what an offline machine sees.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	code, _, errs := run(t, "", "lists", "fetch", "--dir", dir, "--base-url", "http://"+addr)
	if code != 1 || !strings.Contains(errs, "offline?") || !strings.Contains(errs, "3 of 3 lists not fetched") {
		t.Errorf("offline fetch: %d %q", code, errs)
	}
}

func TestListsFetchMirror(t *testing.T) {
	shared := fixture.Shared(t)
	files := map[string]string{
		"/easylist.txt":             filepath.Join(shared, "data/lists/easylist.txt"),
		"/easyprivacy.txt":          filepath.Join(shared, "data/lists/easyprivacy.txt"),
		"/open-cookie-database.csv": "", // served garbled: must not replace the cache
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if p == "" {
			w.Write([]byte("<html>captive portal</html>"))
			return
		}
		http.ServeFile(w, r, p)
	}))
	defer srv.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "open-cookie-database.csv"), []byte("previous good copy"), 0o644)
	code, out, errs := run(t, "", "lists", "fetch", "--dir", dir, "--base-url", srv.URL)
	if code != 1 || !strings.Contains(out, "easylist.txt") || !strings.Contains(errs, "open-cookie-database.csv") {
		t.Errorf("fetch: %d %q %q", code, out, errs)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "open-cookie-database.csv")); string(b) != "previous good copy" {
		t.Errorf("a bad download replaced the cached copy")
	}
	if st, err := os.Stat(filepath.Join(dir, "easyprivacy.txt")); err != nil || st.Size() < 100000 {
		t.Errorf("easyprivacy not saved: %v", err)
	}
}

func TestDemoProxy(t *testing.T) {
	code, out, errs := run(t, "", "demo", "--once")
	if code != 0 {
		t.Fatalf("demo: %d %s", code, errs)
	}
	for _, want := range []string{
		"behind proxy: http://127.0.0.1:",
		// Home page, no choice: GA, GTM, the Meta pixel and YouTube go.
		"script https://www.googletagmanager.com/gtag/js?id=G-DEMO1234 (analytics google-analytics)",
		"img https://www.facebook.com/tr?id=1234567890&ev=PageView&noscript=1 (advertising meta)",
		"iframe placeholder https://www.youtube.com/embed/dQw4w9WgXcQ (functional youtube)",
		"a ping /stats/click?item=kenya (analytics hyperlink-auditing)",
		"set-cookie _ga (analytics)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if strings.Contains(out, "! banner shown") {
		t.Errorf("banner shown to a visitor who chose, or missing for one who did not:\n%s", out)
	}
	// With analytics granted, nothing of analytics is removed.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "analytics only:") && strings.Contains(line, "analytics:") {
			t.Errorf("analytics removed although granted: %s", line)
		}
	}
}

func TestDemoRequests(t *testing.T) {
	code, out, errs := run(t, "", "demo", "--requests")
	if code != 0 {
		t.Fatalf("demo: %d %s", code, errs)
	}
	// Under no consent the trackers are blocked, the CMP and first-party
	// resources are not; under GPC the advertising stays blocked.
	for _, want := range []string{"no consent: 15 of 25 requests blocked", "analytics:  10 of 25", "all + GPC:   9 of 25"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "cdn.cookielaw.org") && strings.Contains(line, "block") {
			t.Errorf("CMP blocked: %s", line)
		}
		if strings.HasPrefix(line, "https://news.example/static/") && strings.Contains(line, "block") {
			t.Errorf("first party blocked: %s", line)
		}
	}
}
