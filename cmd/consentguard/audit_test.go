package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consentguard/consentguard/audit"
)

// TestAuditUsage: bad flags and inputs are usage errors naming what is
// wrong, before any browser starts.
func TestAuditUsage(t *testing.T) {
	dir := t.TempDir()
	urls := filepath.Join(dir, "urls.txt")
	os.WriteFile(urls, []byte("# sites\nhttps://a.example/\n\nnot a url line\n"), 0o644)
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("# nothing\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", "--shard", "4/4", "https://a.example/"}, "--shard"},
		{[]string{"audit", "--fail-on", "severe", "https://a.example/"}, "--fail-on"},
		{[]string{"audit", "--html", "x.html", "https://a.example/", "https://b.example/"}, "--out DIR"},
		{[]string{"audit", "--resume", "https://a.example/"}, "--resume needs --out"},
		{[]string{"audit", "--urls", urls}, urls + ":4: not a URL"},
		{[]string{"audit", "--urls", empty}, "no URLs"},
		{[]string{"audit", "--urls", filepath.Join(dir, "missing.txt")}, "missing.txt"},
		{[]string{"audit", "--ca", filepath.Join(dir, "missing.pem"), "https://a.example/"}, "--ca"},
		{[]string{"audit", "merge"}, "usage"},
	} {
		code, _, errs := run(t, "", c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

// TestAuditURLs: arguments and --urls lines join, comments and duplicates go.
func TestAuditURLs(t *testing.T) {
	f := filepath.Join(t.TempDir(), "u.txt")
	os.WriteFile(f, []byte("https://b.example/\r\n# c\nhttps://a.example/\n"), 0o644)
	got, err := auditURLs([]string{"https://a.example/"}, f)
	if err != nil || strings.Join(got, " ") != "https://a.example/ https://b.example/" {
		t.Errorf("auditURLs = %v, %v", got, err)
	}
}

// TestAuditMergeCommand: 'audit merge' joins shard folders and --fail-on
// sets the exit code.
func TestAuditMergeCommand(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for dir, r := range map[string]*audit.SiteReport{
		a: {Schema: audit.SchemaVersion, URL: "https://a.example/", Status: audit.StatusOK, Started: time.Now(), Findings: []audit.Finding{{ID: "x", Severity: audit.SevMedium}}},
		b: {Schema: audit.SchemaVersion, URL: "https://b.example/", Status: audit.StatusError, Error: "load: net::ERR_NAME_NOT_RESOLVED", Started: time.Now()},
	} {
		data, _ := audit.MarshalJSON(r)
		audit.WriteFileAtomic(filepath.Join(dir, audit.ReportName(r.URL)), data)
	}
	out := filepath.Join(t.TempDir(), "batch.json")
	code, _, errs := run(t, "", "audit", "merge", "--json", out, a, b)
	if code != 1 || !strings.Contains(errs, "https://b.example/") {
		t.Errorf("merge with a failed site: exit %d %q, want 1 naming it", code, errs)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), `"https://a.example/"`) || !strings.Contains(string(data), `"https://b.example/"`) {
		t.Errorf("batch.json: %v %s", err, data)
	}
	if code, _, _ := run(t, "", "audit", "merge", "--fail-on", "medium", a); code != 3 {
		t.Errorf("--fail-on medium with a medium finding: exit %d, want 3", code)
	}
	if code, _, _ := run(t, "", "audit", "merge", "--fail-on", "high", a); code != 0 {
		t.Errorf("--fail-on high with a medium finding: exit %d, want 0", code)
	}
	os.WriteFile(filepath.Join(a, "junk.json"), []byte("{"), 0o644)
	if code, _, errs := run(t, "", "audit", "merge", a); code != 1 || !strings.Contains(errs, "junk.json") {
		t.Errorf("junk report: exit %d %q", code, errs)
	}
}
