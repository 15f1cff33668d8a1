package edge

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"

	"github.com/consentguard/consentguard/wasm/consent"
)

func TestPlanCSP(t *testing.T) {
	const sh, st = "'sha256-S'", "'sha256-T'"
	for _, tc := range []struct {
		name            string
		values          []string
		header, nonce   string
		noScript, noSty bool
	}{
		{"none", nil, "", "", false, false},
		{"no script directive", []string{"img-src 'self'"}, "", "", false, false},
		{"script-src-elem governs", []string{"script-src 'self'; script-src-elem 'self'"},
			"script-src 'self'; script-src-elem 'self' 'sha256-S'", "", false, false},
		{"two policies, one nonce", []string{"script-src 'nonce-a'", "script-src 'self'"},
			"script-src 'nonce-a', script-src 'self' 'sha256-S'", "a", false, false},
		{"two policies in one header, different nonces", []string{"script-src 'nonce-a', script-src 'nonce-b'"},
			"script-src 'nonce-a', script-src 'nonce-b' 'sha256-S'", "a", false, false},
		{"unsafe-inline with strict-dynamic", []string{"script-src 'unsafe-inline' 'strict-dynamic' https:"},
			"script-src 'unsafe-inline' 'strict-dynamic' https: 'sha256-S'", "", false, false},
		{"default-src none, style none", []string{"default-src 'none'"}, "", "", true, true},
		{"uppercase directive", []string{"Script-Src 'self'"}, "script-src 'self' 'sha256-S'", "", false, false},
		{"duplicate directive: first wins", []string{"script-src 'unsafe-inline'; script-src 'self'"}, "", "", false, false},
	} {
		p := planCSP(tc.values, sh, st)
		if p.header != tc.header || p.scriptNonce != tc.nonce || p.noScript != tc.noScript || p.noStyle != tc.noSty {
			t.Errorf("%s: got %+v", tc.name, p)
		}
	}
	// Report-only policies accept what the enforced plan injects.
	p := planCSP([]string{"script-src 'nonce-a'"}, sh, "")
	if ro := p.reportOnly([]string{"script-src 'nonce-z'"}, sh, ""); ro != "script-src 'nonce-z' 'sha256-S'" {
		t.Errorf("report-only %q", ro)
	}
	if ro := p.reportOnly([]string{"script-src 'nonce-a'"}, sh, ""); ro != "" {
		t.Errorf("report-only with the same nonce changed: %q", ro)
	}
}

func TestSniffCharset(t *testing.T) {
	for in, want := range map[string]string{
		`<meta charset="windows-1252">`: "windows-1252",
		`<META CHARSET=Shift_JIS>`:      "shift_jis",
		`<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">`: "iso-8859-1",
		`<meta content='text/html;charset = utf-8' http-equiv=content-type>`:       "utf-8",
		`<title>no charset</title>`:                           "",
		`<p>charset is a word</p>`:                            "",
		string(make([]byte, 1100)) + `<meta charset="utf-8">`: "",
	} {
		if got := sniffCharset([]byte(in)); got != want {
			t.Errorf("%.60q: %q, want %q", in, got, want)
		}
	}
}

func TestHTMLEscape(t *testing.T) {
	if got := htmlEscape(`Ä <b>"x"</b> & 'y' 😀`); got != `&#196; &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; &#39;y&#39; &#128512;` {
		t.Errorf("%q", got)
	}
}

func TestSafeReturn(t *testing.T) {
	for in, want := range map[string]string{
		"/shop?x=1": "/shop?x=1", "": "/", "//evil.example/": "/", "/\\evil.example": "/",
		"https://evil.example/": "/", "shop": "/", "/a\r\nSet-Cookie: x=1": "/",
	} {
		if got := safeReturn(in); got != want {
			t.Errorf("safeReturn(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestInjectionNode runs the injected script in node: it must parse, set
// the Consent Mode defaults of the visitor's consent, expose GPC only when
// the visitor sends it, and schedule the banner only when it is shown.
func TestInjectionNode(t *testing.T) {
	node := nodeForTest(t)
	r := newRig(t, http.NotFoundHandler(), nil)
	for _, tc := range []struct {
		st        consent.State
		banner    bool
		analytics string
	}{
		{consent.State{GPC: true}, true, "denied"},
		{consent.State{Granted: consent.All, Recorded: true}, false, "granted"},
	} {
		file := filepath.Join(t.TempDir(), "inject.js")
		os.WriteFile(file, r.proxy.injectionFor(tc.st, "en").full, 0o644)
		out, err := exec.Command(node, "testdata/inject-harness.js", file).Output()
		if err != nil {
			t.Fatalf("node: %v", err)
		}
		var got struct {
			Error     *string
			GPC       bool
			DataLayer [][]any
			DomReady  bool
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		// The banner script waits for the DOM whenever the banner is on
		// (the control can reopen it); it opens at once only without a choice.
		if got.Error != nil || got.GPC != tc.st.GPC || got.DomReady != r.proxy.cfg.Banner.Enabled || len(got.DataLayer) != 1 {
			t.Fatalf("%+v: %s", tc.st, out)
		}
		cm := got.DataLayer[0]
		if cm[0] != "consent" || cm[1] != "default" || cm[2].(map[string]any)["analytics_storage"] != tc.analytics {
			t.Errorf("consent mode %v", cm)
		}
	}
}

func TestSrcsetURLs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a.jpg", "a.jpg"},
		{"a.jpg 1x, b.jpg 2x", "a.jpg|b.jpg"},
		{" a.jpg 100w ,b.jpg 200w", "a.jpg|b.jpg"},
		{"a.jpg,b.jpg", "a.jpg,b.jpg"}, // a URL runs to white space
		{"a.jpg, b.jpg", "a.jpg|b.jpg"},
		{"a.jpg,, b.jpg", "a.jpg|b.jpg"},
		{"https://t.example/p?a=1,2 2x", "https://t.example/p?a=1,2"},
		{"data:image/gif;base64,R0lGOD 1x, c.jpg 2x", "data:image/gif;base64,R0lGOD|c.jpg"},
		{"a.jpg (max-width: 1px, x) 1x, b.jpg", "a.jpg|b.jpg"},
		{"\t\n, ,", ""},
		{"", ""},
	} {
		var got []string
		for _, u := range srcsetURLs([]byte(tc.in)) {
			got = append(got, string(u))
		}
		if g := strings.Join(got, "|"); g != tc.want {
			t.Errorf("srcsetURLs(%q) = %q, want %q", tc.in, g, tc.want)
		}
	}
}

func TestHasPing(t *testing.T) {
	for in, want := range map[string]bool{
		`<a href=x ping="y">`: true, `<A PING=y>`: true, `<a href="/shopping">`: true, // a cheap test: false positives are decided later
		`<a href=x>`: false, `<area shape=rect>`: false, `<a pin>`: false,
	} {
		if got := hasPing([]byte(in)); got != want {
			t.Errorf("hasPing(%q) = %v", in, got)
		}
	}
}

// nodeForTest returns node's path for the tests that run the injected
// JavaScript. Under js/wasm they skip (a wasm test cannot start processes;
// the native suite runs them); a missing node fails in CI.
func nodeForTest(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "js" {
		t.Skip("a js/wasm test cannot start processes; this test runs in the native suite")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		fixture.Missing(t, "node not found (make test installs it)")
	}
	return node
}
