package edge

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/edge/demo"
	"github.com/consentguard/consentguard/wasm/consent"
)

// TestPlanCSPExt: the external guard is allowed by 'self', by the nonce
// its tag carries, or by its hash; a policy with only 'unsafe-inline'
// makes the guard inline instead; no policy loses anything.
func TestPlanCSPExt(t *testing.T) {
	const sh, xh, st = "'sha256-S'", "'sha256-X'", "'sha256-T'"
	for _, tc := range []struct {
		csp, want string
		inline    bool
		nonce     string
	}{
		{"script-src 'self'", "script-src 'self' 'sha256-S'", false, ""},
		{"script-src 'self' 'unsafe-inline'", "", false, ""},
		{"script-src 'unsafe-inline' https://cdn.example", "", true, ""},
		{"script-src 'nonce-abc' 'strict-dynamic'", "", false, "abc"},
		{"script-src 'sha256-AAAA' https://cdn.example", "script-src 'sha256-AAAA' https://cdn.example 'sha256-S' 'sha256-X'", false, ""},
		{"script-src 'self' 'strict-dynamic' 'sha256-AAAA'", "script-src 'self' 'strict-dynamic' 'sha256-AAAA' 'sha256-S' 'sha256-X'", false, ""},
		{"default-src https://cdn.example", "default-src https://cdn.example; script-src https://cdn.example 'sha256-S' 'sha256-X'; style-src https://cdn.example 'sha256-T'", false, ""},
		{"img-src 'self'", "", false, ""},
	} {
		p := planCSPExt([]string{tc.csp}, sh, xh, st)
		if p.inlineGuard != tc.inline || p.header != tc.want || p.scriptNonce != tc.nonce {
			t.Errorf("%q: header %q inline %v nonce %q; want %q %v %q", tc.csp, p.header, p.inlineGuard, p.scriptNonce, tc.want, tc.inline, tc.nonce)
		}
	}
}

var guardSrcRe = regexp.MustCompile(`<script src="(/\.consentguard/guard\.[0-9a-f]{4}\.[0-9a-f]{16}\.js)" integrity="(sha256-[^"]+)"( nonce="[^"]*")?></script>`)

// TestGuardFile: the page references the external guard with its SRI
// hash; it is served immutable as text/javascript; a wrong or stale name
// is 404; the page keeps only a few hundred bytes of inline script.
func TestGuardFile(t *testing.T) {
	r := newRig(t, demo.Origin(), nil)
	_, page := r.get("/")
	m := guardSrcRe.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no external guard in %.600s", page)
	}
	resp, body := r.get(string(m[1]))
	sum := sha256.Sum256(body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" ||
		resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || "sha256-"+base64.StdEncoding.EncodeToString(sum[:]) != string(m[2]) {
		t.Errorf("guard: %d %q %q, integrity %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"), m[2])
	}
	if !strings.Contains(string(body), "consentguard=") {
		t.Error("the external script lacks the banner script")
	}
	inline := injectedRe.FindSubmatch(page)
	if inline == nil || len(inline[2]) > 700 {
		t.Errorf("inline script %d bytes, want a few hundred", len(inline[2]))
	}
	// Another consent set: another file.
	_, page2 := r.get("/", signed(consent.SetOf(consent.Analytics)))
	if m2 := guardSrcRe.FindSubmatch(page2); m2 == nil || string(m2[1]) == string(m[1]) {
		t.Error("analytics consent references the same guard file")
	}
	for _, bad := range []string{
		string(m[1][:len(m[1])-5]) + "0.js", // stale digest
		GuardPrefix + "zzzz.0123456789abcdef.js",
		GuardPrefix + "ffff.0123456789abcdef.js",
		GuardPrefix + "x.js",
	} {
		if resp, _ := r.get(bad); resp.StatusCode != http.StatusNotFound || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d %q", bad, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
	// CSP with 'unsafe-inline' only: the guard goes inline, the policy is unchanged.
	r2 := newRig(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Security-Policy", "script-src 'unsafe-inline' https://cdn.example")
		w.Write([]byte("<!doctype html><html><head><title>t</title></head><body>x</body></html>"))
	}), nil)
	resp, page = r2.get("/")
	if guardSrcRe.Match(page) || !strings.Contains(string(page), "consentguard=") ||
		resp.Header.Get("Content-Security-Policy") != "script-src 'unsafe-inline' https://cdn.example" {
		t.Errorf("unsafe-inline page: external %v, CSP %q", guardSrcRe.Match(page), resp.Header.Get("Content-Security-Policy"))
	}
}

// BenchmarkInjectedBytes reports the bytes a page gains: the injection at
// the start of <head> with the external guard and inline (before this
// change every page carried the guard inline), and the tail after the
// document.
func BenchmarkInjectedBytes(b *testing.B) {
	r := newRig(b, demo.Origin(), nil)
	st := consent.State{}
	var inj *injection
	for range b.N {
		inj = r.proxy.injectionFor(st, "en")
	}
	tail := r.proxy.bannerTail("en", consent.SetOf(consent.Analytics, consent.Advertising), "/")
	b.ReportMetric(float64(len(inj.plain)), "head-bytes")
	b.ReportMetric(float64(len(inj.render(cspPlan{inlineGuard: true}))), "head-inline-guard-bytes")
	b.ReportMetric(float64(len(inj.script)), "inline-script-bytes")
	b.ReportMetric(float64(len(inj.ext.body)), "external-guard-bytes")
	b.ReportMetric(float64(len(tail)), "tail-bytes")
}
