package edge

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/embed"
)

// embedPage serves body under an optional CSP.
func embedPage(csp, body *string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if *csp != "" {
			w.Header().Set("Content-Security-Policy", *csp)
		}
		io.WriteString(w, `<!doctype html><html><head><title>t</title></head><body>`+*body+`</body></html>`)
	})
}

const (
	ytFrame  = `<iframe width="560" height="315" src="https://www.youtube.com/embed/abc" title="Video" allowfullscreen></iframe>`
	xFrame   = `<iframe src="https://platform.twitter.com/embed/Tweet.html?id=20" width="550" height="600"></iframe>`
	adFrame  = `<iframe src="https://securepubads.g.doubleclick.net/gampad/ads?sz=300x250" width="300" height="250"></iframe>`
	tinyYT   = `<iframe src="https://www.youtube.com/embed/abc" width="1" height="1"></iframe>`
	ownFrame = `<iframe src="/widget" width="400" height="300"></iframe>`
)

// TestEmbedPlaceholder: which frames become placeholders, under which
// consent, CSP and mode, and that the restore script is injected exactly
// when a placeholder can be needed.
func TestEmbedPlaceholder(t *testing.T) {
	var csp, body string
	for _, tc := range []struct {
		name, csp, body string
		headers         []string
		reportOnly      bool
		placeholder     bool   // a placeholder is in the page
		always          bool   // it offers "Always allow"
		frameKept       bool   // the original iframe is in the page
		script          bool   // the restore script is injected
		item            string // in X-Consentguard's report
	}{
		{name: "youtube, nothing granted", body: ytFrame, placeholder: true, always: true, script: true, item: "functional:1"},
		{name: "youtube, functional granted", body: ytFrame, headers: []string{signed(consent.SetOf(consent.Functional, consent.Social))}, frameKept: true},
		{name: "youtube, analytics granted", body: ytFrame, headers: []string{signed(consent.SetOf(consent.Analytics))}, placeholder: true, always: true, script: true},
		{name: "social post under GPC", body: xFrame, headers: []string{signed(consent.All), "Sec-GPC: 1"}, placeholder: true, script: true, item: "social:1"},
		{name: "ad frame removed", body: adFrame, script: true, item: "advertising:1"},
		{name: "1x1 frame removed", body: tinyYT, script: true, item: "functional:1"},
		{name: "own frame kept", body: ownFrame, frameKept: true, script: true},
		{name: "nonce CSP", csp: "script-src 'nonce-n0nce'", body: ytFrame, placeholder: true, always: true, script: true},
		{name: "hash CSP", csp: "script-src 'self'", body: ytFrame, placeholder: true, always: true, script: true},
		{name: "no script allowed", csp: "script-src 'none'", body: ytFrame, item: "functional:1"},
		{name: "report-only", body: ytFrame, reportOnly: true, frameKept: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			csp, body = tc.csp, tc.body
			r := newRig(t, embedPage(&csp, &body), func(c *Config) { c.ReportOnly = tc.reportOnly; c.Banner.Enabled = false })
			resp, got := r.get("/", tc.headers...)
			page := string(got)
			if has := strings.Contains(page, `data-cg-embed=""`); has != tc.placeholder {
				t.Errorf("placeholder present = %v, want %v\n%s", has, tc.placeholder, page)
			}
			if has := strings.Contains(page, `data-cg-action="always"`); has != tc.always {
				t.Errorf("Always allow offered = %v, want %v", has, tc.always)
			}
			if has := strings.Contains(page, `<iframe`); has != tc.frameKept {
				t.Errorf("iframe kept = %v, want %v", has, tc.frameKept)
			}
			if has := strings.Contains(page+guardOf(r, page), "__cgEmbed"); has != tc.script {
				t.Errorf("restore script injected = %v, want %v", has, tc.script)
			}
			if tc.item != "" && !strings.Contains(summaryOf(resp, HeaderSummary), tc.item) {
				t.Errorf("summary %q lacks %q", summaryOf(resp, HeaderSummary), tc.item)
			}
			if tc.placeholder {
				checkEmbedMarkup(t, page, tc.csp)
			}
		})
	}
}

// guardOf returns the external guard script a page references ("" none).
func guardOf(r *rig, page string) string {
	m := guardSrcRe.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	resp, body := r.get(m[1])
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("GET %s: %d", m[1], resp.StatusCode)
	}
	return string(body)
}

// checkEmbedMarkup: the placeholder holds the embed's URL only in
// data-cg-src, carries its size, and the injected script that restores it
// runs under the page's CSP (the nonce reused, or the hash added).
func checkEmbedMarkup(t *testing.T, page, csp string) {
	t.Helper()
	if strings.Contains(page, ` src="https://www.youtube.com`) || strings.Contains(page, ` src="https://platform.twitter.com`) {
		t.Error("the embed's URL is still in a src attribute")
	}
	if strings.Contains(page, "youtube.com/embed/abc") && !strings.Contains(page, `width="560" height="315" viewBox="0 0 560 315"`) {
		t.Error("placeholder does not keep the embed's 560x315 size")
	}
	if strings.Contains(csp, "nonce-n0nce") && !strings.Contains(page, `<script nonce="n0nce">`) {
		t.Error("injected script does not reuse the page's nonce")
	}
}

// TestEmbedInjectionNeeded: the restore script is in the injection exactly
// when functional or social is not allowed.
func TestEmbedInjectionNeeded(t *testing.T) {
	r := newRig(t, http.NotFoundHandler(), nil)
	for _, tc := range []struct {
		st   consent.State
		want bool
	}{
		{consent.State{}, true},
		{consent.State{Granted: consent.SetOf(consent.Functional)}, true},
		{consent.State{Granted: consent.SetOf(consent.Functional, consent.Social)}, false},
		{consent.State{Granted: consent.All}, false},
		{consent.State{Granted: consent.All, GPC: true}, true}, // social denied by the opt-out
	} {
		got := strings.Contains(string(r.proxy.guardFile(tc.st.Effective()).body), embed.Script)
		if got != tc.want {
			t.Errorf("%+v: restore script injected = %v, want %v", tc.st, got, tc.want)
		}
	}
}

// TestPing: hyperlink auditing is analytics whatever its host.
func TestPing(t *testing.T) {
	var csp, body string
	r := newRig(t, embedPage(&csp, &body), func(c *Config) { c.Banner.Enabled = false })
	analytics := signed(consent.SetOf(consent.Analytics))
	for _, tc := range []struct {
		name, tag string
		headers   []string
		kept      bool
	}{
		{"first party, nothing granted", `<a href="/x" ping="/track">x</a>`, nil, false},
		{"first party absolute, nothing granted", `<a href="/x" ping="https://harbor.example/t">x</a>`, nil, false},
		{"unknown third party, nothing granted", `<area href="/x" ping="https://clicks.example.net/p">`, nil, false},
		{"tracker, nothing granted", `<a href="/x" ping="https://www.google-analytics.com/collect?v=1">x</a>`, nil, false},
		{"first party, analytics granted", `<a href="/x" ping="/track">x</a>`, []string{analytics}, true},
		{"ad tracker, analytics granted", `<a href="/x" ping="/t https://www.facebook.com/tr?id=1">x</a>`, []string{analytics}, false},
		{"empty ping", `<a href="/x" ping="">x</a>`, nil, true},
	} {
		body = tc.tag
		resp, got := r.get("/", tc.headers...)
		kept := strings.Contains(string(got), "ping=")
		if kept != tc.kept {
			t.Errorf("%s: ping kept = %v, want %v (%s)", tc.name, kept, tc.kept, summaryOf(resp, HeaderSummary))
		}
		if !strings.Contains(string(got), `href="/x"`) {
			t.Errorf("%s: the link itself went", tc.name)
		}
	}
}

// TestGuardBeaconSpec: the runtime guard drops every ping unless analytics
// is allowed, and refuses beacons at the path signatures (first-party
// proxies) of the categories not allowed; script and page signatures are
// not carried.
func TestGuardBeaconSpec(t *testing.T) {
	r := newRig(t, http.NotFoundHandler(), nil)
	// What the lists say: every path signature without domain= of a
	// category not allowed, scripts and pages aside.
	want := func(eff consent.Set) map[string]bool {
		m := map[string]bool{}
		db := r.proxy.eng.Trackers()
		for _, id := range db.VendorIDs() {
			v, _ := db.Vendor(id)
			for _, e := range v.Entries {
				if e.Kind == catalog.KindPath && e.Domain == "" && !eff.Has(e.Category) &&
					!consent.AlwaysAllowed.Has(e.Category) && !scriptPath(e.Value) {
					m[e.Value] = true
				}
			}
		}
		return m
	}
	for _, tc := range []struct {
		name  string
		eff   consent.Set
		pings bool
	}{
		{"nothing granted", 0, true},
		{"analytics granted", consent.SetOf(consent.Analytics, consent.TagManager), false},
		{"all granted", consent.All, false},
	} {
		s := r.proxy.guardSpec(tc.eff)
		if s.BlockPings != tc.pings {
			t.Errorf("%s: BlockPings = %v", tc.name, s.BlockPings)
		}
		w := want(tc.eff)
		got := map[string]bool{}
		for _, p := range s.BeaconPaths {
			got[p] = true
			if !w[p] {
				t.Errorf("%s: %q carried", tc.name, p)
			}
		}
		for p := range w {
			if !got[p] {
				t.Errorf("%s: %q missing", tc.name, p)
			}
		}
		if tc.eff == 0 && len(got) < 5 {
			t.Errorf("nothing granted: only %d beacon signatures: %q", len(got), s.BeaconPaths)
		}
		if tc.eff == consent.All && len(got) != 0 {
			t.Errorf("all granted: beacon signatures %q", s.BeaconPaths)
		}
	}
	for _, tc := range []struct {
		sig  string
		want bool
	}{{"/gtm.js?id=GTM-", true}, {"/gtag/js?id=", true}, {"/analytics.js/v1/", true}, {"/ns.html?id=GTM-", true},
		{"/g/collect?v=2&tid=G-", false}, {"*/matomo.php?idsite=&rec=1", false}, {"/jsonp/collect", false}} {
		if got := scriptPath(tc.sig); got != tc.want {
			t.Errorf("scriptPath(%q) = %v", tc.sig, got)
		}
	}
}
