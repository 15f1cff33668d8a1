//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentguard/consentguard/audit"
	"github.com/consentguard/consentguard/policylists"
)

var updateAudit = flag.Bool("update-audit", false, "rewrite the golden audit reports under testdata/audit/golden")

// auditSites are the fixture sites under testdata/audit, by host name.
var auditSites = map[string]string{
	"compliant.example":     "compliant",
	"early.example":         "early",
	"nogpc.example":         "nogpc",
	"onetrust.example":      "onetrust",
	"dnt.example":           "dnt",
	"fp.example":            "fp",
	"cdn.fpscripts.example": "fp",
}

var fixtureURLs = []string{"https://compliant.example/", "https://early.example/", "https://nogpc.example/", "https://onetrust.example/", "https://dnt.example/", "https://fp.example/"}

// auditWorld serves the fixture sites over TLS from the test CA, beside
// the tracker stubs, and returns a scanner pointed at it.
func auditWorld(t testing.TB, extra map[string]http.Handler, rules ...string) (*World, *audit.Scanner) {
	t.Helper()
	sites := map[string]http.Handler{}
	for host, dir := range auditSites {
		sites[host] = http.FileServer(http.Dir(filepath.Join("testdata", "audit", dir)))
	}
	for h, x := range extra {
		sites[h] = x
	}
	w := newWorld(t, sites)
	eng, err := policylists.Default()
	if err != nil {
		t.Fatal(err)
	}
	rules = append(rules, fmt.Sprintf("MAP * 127.0.0.1:%d", w.Port))
	s := &audit.Scanner{
		Browser: audit.Browser{Chromium: chromiumPath(t), HostRules: strings.Join(rules, ", "), SPKI: []string{w.SPKI}},
		Engine:  eng,
		Timeout: 10 * time.Second,
		Settle:  500 * time.Millisecond,
	}
	return w, s
}

// wantFindings are the finding ids each fixture must (and must not) give.
var wantFindings = map[string]struct{ has, not []string }{
	"https://compliant.example/": {not: []string{audit.FindTrackersBeforeConsent, audit.FindTrackersAfterReject, audit.FindGPCIgnored, audit.FindConsentModeMismatch, audit.FindKeyLogging, audit.FindSessionRecording, audit.FindCanvasFingerprint, audit.FindPixel, audit.FindNoBanner}},
	"https://early.example/": {has: []string{audit.FindTrackersBeforeConsent, audit.FindTrackersAfterReject, audit.FindPixel, audit.FindGARemarketing, audit.FindThirdPartyCookies, audit.FindGPCIgnored},
		not: []string{audit.FindKeyLogging, audit.FindCanvasFingerprint}},
	"https://nogpc.example/":    {has: []string{audit.FindGPCIgnored, audit.FindPixel, audit.FindNoBanner}, not: []string{audit.FindTrackersAfterReject}},
	"https://onetrust.example/": {has: []string{audit.FindConsentModeMismatch, audit.FindImpliedConsent, audit.FindTrackersAfterReject}, not: []string{audit.FindGPCIgnored, audit.FindPixel}},
	"https://dnt.example/":      {has: []string{audit.FindTrackersBeforeConsent, audit.FindSessionRecording, audit.FindUndisclosedAnalytics}},
	"https://fp.example/": {has: []string{audit.FindCanvasFingerprint, audit.FindCanvasFont, audit.FindOtherFingerprint, audit.FindKeyLogging, audit.FindSessionRecording, audit.FindBehaviourListeners},
		not: []string{audit.FindPixel, audit.FindConsentModeMismatch}},
}

// TestAuditFixtures audits the six fixture sites in one batch and checks
// each report's findings, the tracker hosts against what the loopback world
// actually served, the Consent Mode and GPC signals, the HTML reports, the
// batch summary and the golden reports.
func TestAuditFixtures(t *testing.T) {
	w, s := auditWorld(t, nil)
	s.Screenshots = true
	out := t.TempDir()
	reps, err := audit.Run(context.Background(), s, fixtureURLs, audit.BatchOptions{Concurrency: 2, Out: out, HTML: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != len(fixtureURLs) {
		t.Fatalf("%d reports for %d sites", len(reps), len(fixtureURLs))
	}
	byURL := map[string]*audit.SiteReport{}
	for _, r := range reps {
		byURL[r.URL] = r
		if r.Status != audit.StatusOK {
			t.Errorf("%s: status %s: %s", r.URL, r.Status, r.Error)
		}
		ids := findingIDs(r)
		want := wantFindings[r.URL]
		for _, id := range want.has {
			if !slices.Contains(ids, id) {
				t.Errorf("%s: finding %s missing; got %v", r.URL, id, ids)
			}
		}
		for _, id := range want.not {
			if slices.Contains(ids, id) {
				t.Errorf("%s: unexpected finding %s: %v", r.URL, id, findingOf(r, id).Evidence)
			}
		}
		if len(r.Passes) != 4 {
			t.Errorf("%s: %d passes", r.URL, len(r.Passes))
		}
	}
	auditTrackersCoverHits(t, w, s, reps)
	auditSignals(t, byURL)
	for _, r := range reps {
		name := filepath.Join(out, audit.ReportName(r.URL))
		back, err := audit.ReadReport(name)
		if err != nil {
			t.Errorf("%s: %v", r.URL, err)
		} else if back.Title != r.Title || len(back.Passes) != 4 {
			t.Errorf("%s: report on disk differs", r.URL)
		}
		h, err := os.ReadFile(strings.TrimSuffix(name, ".json") + ".html")
		if err != nil || !strings.Contains(string(h), r.Title) || !strings.Contains(string(h), "data:image/png;base64,") {
			t.Errorf("%s: HTML report missing title or screenshot (%v)", r.URL, err)
		}
	}
	b, _, err := audit.Merge(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Sites) != len(fixtureURLs) || b.Counts[audit.SevHigh] == 0 {
		t.Errorf("merged summary: %d sites, counts %v", len(b.Sites), b.Counts)
	}
	for _, r := range reps {
		checkGolden(t, r)
	}
}

func findingIDs(r *audit.SiteReport) []string {
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.ID)
	}
	return ids
}

func findingOf(r *audit.SiteReport, id string) audit.Finding {
	for _, f := range r.Findings {
		if f.ID == id {
			return f
		}
	}
	return audit.Finding{}
}

// auditTrackersCoverHits checks that every tracker host the loopback world
// served is named, with the core's category, in some report.
func auditTrackersCoverHits(t *testing.T, w *World, s *audit.Scanner, reps []*audit.SiteReport) {
	named := map[string]string{}
	for _, r := range reps {
		for _, h := range r.Trackers {
			named[h.Host] = h.Category
		}
	}
	for _, h := range w.Hits() {
		d := s.Engine.Classify("https://"+h.Host+h.Path+"?"+h.Query, "https://site.example/", 0)
		if !audit.IsTracker(d.Category.String()) {
			continue // necessary or functional: Chromium's own calls to accounts.google.com
		}
		if _, ok := named[h.Host]; !ok {
			t.Errorf("the browser contacted tracker host %s (%s) but no report names it", h.Host, d.Category)
		}
	}
	if len(named) < 8 {
		t.Errorf("only %d tracker hosts named: %v", len(named), named)
	}
}

func auditSignals(t *testing.T, by map[string]*audit.SiteReport) {
	ot := by["https://onetrust.example/"]
	if ot == nil || len(ot.Passes) != 4 {
		return
	}
	first, gpc := ot.Passes[0].Signals.OneTrustGPC, ot.Passes[1].Signals.OneTrustGPC
	if first == nil || *first || gpc == nil || !*gpc {
		t.Errorf("OneTrust isGpcEnabled before/after GPC = %v/%v, want false/true", first, gpc)
	}
	if !ot.Passes[1].Signals.NavigatorGPC || ot.Passes[0].Signals.NavigatorGPC {
		t.Error("navigator.globalPrivacyControl not true in the GPC pass only")
	}
	if b := ot.Passes[2].Banner; b == nil || b.CMP != "onetrust" || b.Clicked == "" {
		t.Errorf("reject pass banner = %+v, want onetrust clicked", b)
	}
	if ng := by["https://nogpc.example/"]; ng != nil {
		if ng.Passes[0].Signals.USPString != "1YNN" || ng.Signals.GPCJSONGPC == nil || !*ng.Signals.GPCJSONGPC {
			t.Errorf("nogpc: USP %q, gpc.json %v", ng.Passes[0].Signals.USPString, ng.Signals.GPCJSON)
		}
		if f := findingOf(ng, audit.FindGPCIgnored); f.Severity != audit.SevHigh {
			t.Errorf("nogpc: gpc-ignored severity %q, want high (gpc.json says gpc: true)", f.Severity)
		}
	}
}

// goldenSite is the part of a report that does not depend on timing:
// tracker hosts, cookies, API use, Consent Mode and banners per pass, and
// the findings' ids.
type goldenSite struct {
	URL      string       `json:"url"`
	Title    string       `json:"title"`
	Status   string       `json:"status"`
	Policy   string       `json:"policy_url"`
	GPCJSON  bool         `json:"gpc_json"`
	Passes   []goldenPass `json:"passes"`
	Findings []string     `json:"findings"`
}

type goldenPass struct {
	Name        string   `json:"name"`
	Banner      string   `json:"banner,omitempty"`
	Trackers    []string `json:"tracker_hosts"`
	Cookies     []string `json:"cookies"`
	APIs        []string `json:"api_calls"`
	ConsentMode []string `json:"consent_mode"`
	USP         string   `json:"usp,omitempty"`
	NavGPC      bool     `json:"navigator_gpc"`
}

func normalize(r *audit.SiteReport) goldenSite {
	g := goldenSite{URL: r.URL, Title: r.Title, Status: r.Status, GPCJSON: r.Signals.GPCJSON != "", Findings: []string{}}
	if r.Policy != nil {
		g.Policy = r.Policy.URL
	}
	for _, p := range r.Passes {
		gp := goldenPass{Name: p.Name, Trackers: []string{}, Cookies: []string{}, APIs: []string{}, ConsentMode: []string{}, USP: p.Signals.USPString, NavGPC: p.Signals.NavigatorGPC}
		if p.Banner != nil {
			gp.Banner = p.Banner.CMP + " clicked=" + p.Banner.Clicked
		}
		for _, h := range p.TrackerHosts {
			gp.Trackers = append(gp.Trackers, h.Host+" "+h.Category+" "+h.Vendor)
		}
		for _, c := range p.Cookies {
			gp.Cookies = append(gp.Cookies, c.Name+"@"+c.Domain+" "+c.Category)
		}
		for _, a := range p.APIs {
			gp.APIs = append(gp.APIs, a.API+" "+a.Script+" "+a.Detail)
		}
		for _, c := range p.ConsentMode {
			s := "gcs=" + c.GCS + " gcd=" + c.GCD
			if !slices.Contains(gp.ConsentMode, s) {
				gp.ConsentMode = append(gp.ConsentMode, s)
			}
		}
		slices.Sort(gp.ConsentMode)
		g.Passes = append(g.Passes, gp)
	}
	for _, f := range r.Findings {
		g.Findings = append(g.Findings, f.Severity+" "+f.ID+" "+f.Pass)
	}
	slices.Sort(g.Findings)
	return g
}

func checkGolden(t *testing.T, r *audit.SiteReport) {
	t.Helper()
	got, _ := json.MarshalIndent(normalize(r), "", "  ")
	got = append(got, '\n')
	name := filepath.Join("testdata", "audit", "golden", strings.TrimSuffix(audit.ReportName(r.URL), ".json")+".golden.json")
	if *updateAudit {
		os.MkdirAll(filepath.Dir(name), 0o755)
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run with -update-audit)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from %s:\n%s", r.URL, name, got)
	}
}
