package audit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentguard/consentguard/wasm/policy"
)

func req(host, cat, vendor, phase string) Request {
	return Request{URL: "https://" + host + "/x", Host: host, Category: cat, Vendor: vendor, Phase: phase, ThirdParty: true}
}

func ids(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func TestFindings(t *testing.T) {
	ga := req("www.google-analytics.com", "analytics", "google-analytics", "before-choice")
	fb := req("connect.facebook.net", "advertising", "meta", "before-choice")
	cdn := req("cdn.example", "none", "", "before-choice")
	after := req("www.google-analytics.com", "analytics", "google-analytics", "after-choice")
	pass := func(name string, rs ...Request) Pass {
		p := Pass{Name: name, Requests: rs}
		for _, r := range rs {
			if isTracker(r.Category) {
				p.TrackerHosts = append(p.TrackerHosts, TrackerHost{Host: r.Host, Category: r.Category, Vendor: r.Vendor})
			}
		}
		return p
	}
	banner := &Banner{CMP: "onetrust", Clicked: "Reject All"}
	honorsAll := &PolicyReport{URL: "https://s.example/privacy", Claims: policy.Claims{DNT: policy.Honored, GPC: policy.Honored, AnalyticsVendors: []string{"google-analytics"}, ImpliedConsent: policy.No,
		Evidence: map[string]string{"dnt": "We honor DNT.", "gpc": "We honor GPC."}}}
	for _, c := range []struct {
		name     string
		r        SiteReport
		has, not []string
		sev      map[string]string
	}{
		{name: "clean", r: SiteReport{Passes: []Pass{pass(PassFirst, cdn), pass(PassGPC, cdn), {Name: PassReject, Banner: banner, Requests: []Request{cdn}}, pass(PassAccept, ga)}, Policy: honorsAll},
			not: []string{FindTrackersBeforeConsent, FindTrackersAfterReject, FindGPCIgnored, FindDNTClaimed, FindUndisclosedAnalytics, FindNoBanner}},
		{name: "before consent", r: SiteReport{Passes: []Pass{pass(PassFirst, ga, fb), pass(PassGPC, cdn), {Name: PassReject, Banner: banner}, pass(PassAccept)}},
			has: []string{FindTrackersBeforeConsent}, not: []string{FindTrackersAfterReject, FindGPCIgnored}},
		{name: "after reject", r: SiteReport{Passes: []Pass{pass(PassFirst), pass(PassGPC), {Name: PassReject, Banner: banner, Requests: []Request{ga, after}}, pass(PassAccept)}},
			has: []string{FindTrackersAfterReject}, not: []string{FindTrackersBeforeConsent}},
		{name: "gpc ignored, policy says honored", r: SiteReport{Passes: []Pass{pass(PassFirst), pass(PassGPC, fb, ga)}, Policy: honorsAll},
			has: []string{FindGPCIgnored, FindDNTClaimed}, sev: map[string]string{FindGPCIgnored: SevHigh, FindDNTClaimed: SevHigh}},
		{name: "gpc ignored, nothing claimed", r: SiteReport{Passes: []Pass{pass(PassFirst), pass(PassGPC, fb)}},
			has: []string{FindGPCIgnored}, not: []string{FindDNTClaimed}, sev: map[string]string{FindGPCIgnored: SevMedium}},
		{name: "undisclosed analytics", r: SiteReport{Passes: []Pass{pass(PassFirst, req("static.hotjar.com", "session-replay", "hotjar", "before-choice"))},
			Trackers: []TrackerHost{{Host: "static.hotjar.com", Category: "session-replay", Vendor: "hotjar"}}, Policy: honorsAll},
			has: []string{FindUndisclosedAnalytics, FindSessionRecording}},
		{name: "implied consent banner", r: SiteReport{Passes: []Pass{pass(PassFirst), pass(PassGPC), {Name: PassReject, Banner: &Banner{CMP: "generic", ImpliedConsent: true, Text: "By continuing you accept"}}}},
			has: []string{FindImpliedConsent}},
		{name: "consent mode granted after reject", r: SiteReport{Passes: []Pass{pass(PassFirst), pass(PassGPC), {Name: PassReject, Banner: banner, ConsentMode: []ConsentMode{{GCS: "G101", AnalyticsStorage: granted}}}, {Name: PassAccept, ConsentMode: []ConsentMode{{GCS: "G111", AdStorage: granted}}}}},
			has: []string{FindConsentModeMismatch}},
		{name: "consent mode granted only after accept", r: SiteReport{Passes: []Pass{pass(PassFirst), {Name: PassAccept, ConsentMode: []ConsentMode{{GCS: "G111", AdStorage: granted}}}}},
			not: []string{FindConsentModeMismatch}},
		{name: "key logging and fingerprinting", r: SiteReport{Passes: []Pass{{Name: PassFirst, Requests: []Request{{Host: "rec.example", URL: "https://rec.example/?v=" + keyMarker, KeyLogged: true, Category: "none"}},
			APIs: []APICall{{API: "canvas-readback", Script: "https://fp.example/fp.js", ThirdParty: true}, {API: "key-listener", Script: "https://rec.example/r.js", ThirdParty: true}, {API: "mouse-listener", Script: "https://rec.example/r.js", ThirdParty: true}}}}},
			has: []string{FindKeyLogging, FindCanvasFingerprint, FindSessionRecording, FindBehaviourListeners}},
		{name: "pixels and remarketing", r: SiteReport{Passes: []Pass{pass(PassFirst, Request{Host: "www.facebook.com", URL: "https://www.facebook.com/tr?id=1", Category: "advertising"},
			Request{Host: "stats.g.doubleclick.net", URL: "https://stats.g.doubleclick.net/j/collect?tid=UA-1-1", Category: "advertising"})}},
			has: []string{FindPixel, FindGARemarketing}},
	} {
		got := Findings(&c.r)
		gi := ids(got)
		for _, id := range c.has {
			if !slices.Contains(gi, id) {
				t.Errorf("%s: %s missing from %v", c.name, id, gi)
			}
		}
		for _, id := range c.not {
			if slices.Contains(gi, id) {
				t.Errorf("%s: unexpected %s", c.name, id)
			}
		}
		for _, f := range got {
			if want, ok := c.sev[f.ID]; ok && f.Severity != want {
				t.Errorf("%s: %s severity %s, want %s", c.name, f.ID, f.Severity, want)
			}
			if len(f.Evidence) == 0 {
				t.Errorf("%s: %s has no evidence", c.name, f.ID)
			}
		}
		for i := 1; i < len(got); i++ {
			if sevRank(got[i].Severity) > sevRank(got[i-1].Severity) {
				t.Errorf("%s: findings not ordered by severity", c.name)
			}
		}
	}
}

// TestHTMLEscapes: a hostile title, URL, cookie value and banner text are
// text in the HTML report, never markup.
func TestHTMLEscapes(t *testing.T) {
	evil := `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	r := &SiteReport{Schema: SchemaVersion, URL: "https://x.example/?q=" + evil, Title: evil, Status: StatusOK,
		Passes: []Pass{{Name: PassFirst, Requests: []Request{{URL: "https://t.example/" + evil, Host: "t.example", Category: "analytics"}},
			Cookies: []Cookie{{Name: evil, Domain: "x.example", Value: evil}}, Banner: &Banner{CMP: "generic", Clicked: evil}}},
		Findings:    []Finding{{ID: "x", Severity: SevHigh, Title: "t", Evidence: []string{evil}}},
		Screenshots: map[string][]byte{"page": []byte("\x89PNG")}}
	h, err := HTML(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(h)
	for _, bad := range []string{"<script>alert", "<img src=x", "onerror=alert(2)>"} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML report contains %q unescaped", bad)
		}
	}
	if !strings.Contains(s, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(s, "data:image/png;base64,iVBORw") {
		t.Errorf("escaped title or screenshot missing")
	}
	if strings.Count(s, "<script") != 0 {
		t.Error("the report carries a script element")
	}
}

func TestCASPKI(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "ca.pem")
	os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	got, err := CASPKI(p)
	c, _ := x509.ParseCertificate(der)
	sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	if err != nil || len(got) != 1 || got[0] != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("CASPKI = %v, %v", got, err)
	}
	os.WriteFile(p, []byte("not pem"), 0o644)
	if _, err := CASPKI(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("no PEM: err %v", err)
	}
	os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("junk")}), 0o644)
	if _, err := CASPKI(p); err == nil || !strings.Contains(err.Error(), "certificate 1") {
		t.Errorf("bad certificate: err %v", err)
	}
}

func TestOneTrustGPC(t *testing.T) {
	for in, want := range map[string]string{
		"isGpcEnabled=1&datestamp=x&groups=C0001%3A1": "true",
		"isGpcEnabled%3D0%26groups%3DC0001%3A1":       "false",
		"groups=C0001%3A1":                            "nil",
		"%zz":                                         "nil",
	} {
		got := "nil"
		if v := otGPC(in); v != nil {
			got = map[bool]string{true: "true", false: "false"}[*v]
		}
		if got != want {
			t.Errorf("otGPC(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestInnerPages(t *testing.T) {
	html := `<a href="/a">a</a><a href='https://s.example/b#x'>b</a><a href="https://other.example/">o</a><a href="/a">dup</a><a href="mailto:x@s.example">m</a><a href="https://www.s.example/c">c</a>`
	got := innerPages(html, "https://s.example/", 5)
	want := []string{"https://s.example/a", "https://s.example/b", "https://www.s.example/c"}
	if !slices.Equal(got, want) {
		t.Errorf("innerPages = %v, want %v", got, want)
	}
	if got := innerPages(html, "https://s.example/", 1); len(got) != 1 {
		t.Errorf("limit 1: %v", got)
	}
}

func TestImpliedConsent(t *testing.T) {
	for text, want := range map[string]bool{
		"By continuing to browse you accept our cookies":  true,
		"En poursuivant votre navigation, vous acceptez":  true,
		"Durch die weitere Nutzung der Seite stimmen Sie": true,
		"Al continuar navegando aceptas":                  true,
		"We use cookies. Accept or reject.":               false,
	} {
		if impliedConsent(text) != want {
			t.Errorf("impliedConsent(%q) != %v", text, want)
		}
	}
}

func TestParseSiteURL(t *testing.T) {
	for in, ok := range map[string]bool{"example.com": true, "https://example.com/x": true, "ftp://example.com": false, "": false, "https://": false, "http://[::1": false} {
		if _, err := parseSiteURL(in); (err == nil) != ok {
			t.Errorf("parseSiteURL(%q) err %v", in, err)
		}
	}
}

// TestBehaviourHosts: third-party hosts unknown to the lists are classified
// by what their scripts did; first-party scripts are not.
func TestBehaviourHosts(t *testing.T) {
	pr := &passRun{home: "https://s.example/", pass: Pass{APIs: []APICall{
		{API: "canvas-readback", Script: "https://fp.example/fp.js", ThirdParty: true},
		{API: "canvas-font", Script: "https://s.example/own.js", ThirdParty: false},
		{API: "mouse-listener", Script: "https://ui.example/menu.js", ThirdParty: true},
	}}}
	got := pr.behaviourHosts([]capturedRequest{{url: "https://rec.example/r?v=" + keyMarker}, {url: "https://s.example/search?q=" + keyMarker}})
	if got["fp.example"][0] != "fingerprinting" || got["rec.example"][0] != "session-replay" {
		t.Errorf("behaviourHosts = %v", got)
	}
	for _, h := range []string{"s.example", "ui.example"} {
		if _, ok := got[h]; ok {
			t.Errorf("%s classified: %v", h, got[h])
		}
	}
}
