package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain keeps the developer's own fetched lists out of the tests: every
// test sees an empty user cache unless it fills one.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cg-cli-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// classifyOne runs classify on one URL and returns the decoded output.
func classifyOne(t *testing.T, args ...string) (int, map[string]any, string) {
	t.Helper()
	code, out, errs := run(t, "", append(append([]string{"classify"}, args...), "--page", "https://news.example/", "--type", "script", "https://fetched-tracker.example/t.js")...)
	var m map[string]any
	if code == 0 {
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("%q: %v", out, err)
		}
	}
	return code, m, errs
}

// TestFetchedListsUsedByDefault: 'lists fetch' (from a loopback mirror)
// fills the default cache; classify, proxy and demo then use it, say so,
// and --no-upstream refuses it.
func TestFetchedListsUsedByDefault(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/easylist.txt":
			w.Write([]byte("[Adblock Plus 2.0]\n||fetched-tracker.example^\n"))
		case "/easyprivacy.txt":
			w.Write([]byte("[Adblock Plus 2.0]\n||fetched-pixel.example^\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	code, out, errs := run(t, "", "lists", "fetch", "--base-url", srv.URL)
	if code != 1 || !strings.Contains(out, "use these lists by default") || !strings.Contains(errs, "open-cookie-database.csv") {
		t.Fatalf("fetch: %d %q %q", code, out, errs)
	}
	dir := defaultCacheDir()
	code, m, errs := classifyOne(t)
	if code != 0 || m["action"] != "block" || !strings.Contains(errs, "using fetched lists from "+dir) || !strings.Contains(errs, "easylist.txt (fetched ") {
		t.Errorf("default: %d %v %q", code, m, errs)
	}
	code, m, errs = classifyOne(t, "--no-upstream")
	if code != 0 || m["action"] != "allow" || strings.Contains(errs, "fetched") {
		t.Errorf("--no-upstream: %d %v %q", code, m, errs)
	}
	// A fetched list that went bad fails the command, naming its path,
	// unless --lenient.
	easylist := filepath.Join(dir, "easylist.txt")
	if err := os.WriteFile(easylist, []byte("||fetched-tracker.example^\n/unclosed[regex/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = classifyOne(t)
	if code != 1 || !strings.Contains(errs, easylist+":2:") || !strings.Contains(errs, "--lenient") {
		t.Errorf("bad fetched list: %d %q", code, errs)
	}
	code, m, errs = classifyOne(t, "--lenient")
	if code != 0 || m["action"] != "block" {
		t.Errorf("--lenient: %d %v %q", code, m, errs)
	}
	for _, cmd := range [][]string{{"demo", "--once"}, {"proxy", "--origin", "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--site", "a.example", "--secret", "0123456789abcdef0123"}} {
		code, _, errs = run(t, "", cmd...)
		if code != 1 || !strings.Contains(errs, "consentguard "+cmd[0]+": using fetched lists") || !strings.Contains(errs, easylist+":2:") {
			t.Errorf("%s with a bad fetched list: %d %q", cmd[0], code, errs)
		}
	}
	// Fetched elsewhere: fetch says how to use them.
	other := t.TempDir()
	_, out, _ = run(t, "", "lists", "fetch", "--dir", other, "--base-url", srv.URL)
	if !strings.Contains(out, "--list "+filepath.Join(other, "easylist.txt")) {
		t.Errorf("fetch --dir: %q", out)
	}
}

// TestBinaryList: a binary given as a list is one line and exit 1, for
// lists check and for every command that takes --list, even --lenient.
func TestBinaryList(t *testing.T) {
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "", "lists", "check", bin)
	if code != 1 || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, bin+": not a text file") {
		t.Errorf("lists check binary: %d %q %q", code, out, errs)
	}
	for _, args := range [][]string{
		{"classify", "--list", bin, "https://a.com/x"},
		{"classify", "--lenient", "--list", bin, "https://a.com/x"},
		{"cookies", "--list", bin, "_ga@a.com"},
		{"demo", "--once", "--list", bin},
		{"bench", "match", "--requests", bin, "--list", bin},
		{"proxy", "--lenient", "--origin", "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--site", "a.example", "--secret", "0123456789abcdef0123", "--list", bin},
	} {
		code, out, errs := run(t, "", args...)
		if code != 1 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, bin+": not a text file") {
			t.Errorf("%v: %d %q %q", args, code, out, errs)
		}
	}
}

// TestListErrorsFail: a list with errors fails classify unless --lenient;
// the error names the path as given.
func TestListErrorsFail(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "sub", "bad.txt")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	var b strings.Builder
	b.WriteString("||fetched-tracker.example^\n")
	for i := 0; i < 25; i++ {
		b.WriteString("/unclosed[regex/\n")
	}
	os.WriteFile(bad, []byte(b.String()), 0o644)
	code, _, errs := classifyOne(t, "--list", bad)
	if code != 1 || !strings.Contains(errs, bad+":2:") || !strings.Contains(errs, "+5 more list errors") || !strings.Contains(errs, "25 list errors") {
		t.Errorf("bad list: %d %q", code, errs)
	}
	code, m, _ := classifyOne(t, "--lenient", "--list", bad)
	if code != 0 || m["action"] != "block" {
		t.Errorf("--lenient: %d %v", code, m)
	}
}
