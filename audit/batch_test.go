package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Shard
		ok   bool
	}{
		{"0/1", Shard{0, 1}, true}, {"2/3", Shard{2, 3}, true},
		{"3/3", Shard{}, false}, {"-1/3", Shard{}, false}, {"1/0", Shard{}, false}, {"1", Shard{}, false}, {"a/b", Shard{}, false},
	} {
		got, err := ParseShard(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseShard(%q) = %v, %v", c.in, got, err)
		}
	}
}

// TestShardSplit: every URL in exactly one shard; the split of a URL does
// not depend on the list's order or its other URLs.
func TestShardSplit(t *testing.T) {
	var urls []string
	for i := range 500 {
		urls = append(urls, fmt.Sprintf("https://site%d.example/", i))
	}
	const n = 7
	seen := map[string]int{}
	for i := range n {
		part := Shard{i, n}.Select(urls)
		if len(part) < 500/n/2 {
			t.Errorf("shard %d/%d has only %d URLs", i, n, len(part))
		}
		for _, u := range part {
			seen[u]++
		}
		rev := slices.Clone(urls)
		slices.Reverse(rev)
		r := Shard{i, n}.Select(rev)
		slices.Reverse(r)
		if !slices.Equal(r, part) {
			t.Errorf("shard %d depends on the order of the list", i)
		}
		if sub := (Shard{i, n}).Select(urls[:100]); len(sub) > 0 && !slices.Contains(part, sub[0]) {
			t.Errorf("shard %d depends on the other URLs", i)
		}
	}
	for _, u := range urls {
		if seen[u] != 1 {
			t.Fatalf("%s in %d shards", u, seen[u])
		}
	}
}

func siteReport(u string, started time.Time, sev ...string) *SiteReport {
	r := &SiteReport{Schema: SchemaVersion, URL: u, Status: StatusOK, Started: started, Trackers: []TrackerHost{{Host: "www.google-analytics.com", Category: "analytics"}}}
	for _, s := range sev {
		r.Findings = append(r.Findings, Finding{ID: "x", Severity: s})
	}
	return r
}

// TestMerge: reports written by two shards merge into one summary; a URL
// reported twice keeps the newer report; a broken file is an error naming it.
func TestMerge(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	now := time.Now()
	write := func(dir string, r *SiteReport) {
		data, err := MarshalJSON(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteFileAtomic(filepath.Join(dir, ReportName(r.URL)), data); err != nil {
			t.Fatal(err)
		}
	}
	write(a, siteReport("https://a.example/", now, SevHigh))
	write(a, siteReport("https://b.example/", now.Add(-time.Hour), SevLow))
	write(b, siteReport("https://b.example/", now, SevMedium, SevMedium))
	write(b, siteReport("https://c.example/", now))
	os.WriteFile(filepath.Join(b, "batch.json"), []byte(`{"not":"a report"}`), 0o644)
	sum, reps, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Sites) != 3 || len(reps) != 3 {
		t.Fatalf("merged %d sites: %+v", len(sum.Sites), sum.Sites)
	}
	if sum.Counts[SevHigh] != 1 || sum.Counts[SevMedium] != 2 || sum.Counts[SevLow] != 0 {
		t.Errorf("counts %v: want the newer b.example report", sum.Counts)
	}
	if sum.Trackers["www.google-analytics.com"] != 3 {
		t.Errorf("sites by tracker host: %v", sum.Trackers)
	}
	os.WriteFile(filepath.Join(b, "broken.json"), []byte(`{"schema":`), 0o644)
	if _, _, err := Merge(a, b); err == nil || !strings.Contains(err.Error(), "broken.json") {
		t.Errorf("broken report: err %v, want one naming broken.json", err)
	}
}

func TestReportName(t *testing.T) {
	a, b := ReportName("https://x.example/a?b=1"), ReportName("https://x.example/a?b=2")
	if a == b {
		t.Error("two URLs share a report name")
	}
	for _, n := range []string{a, ReportName("https://../../etc/passwd"), ReportName("://\x00")} {
		if filepath.Base(n) != n || n[0] == '.' {
			t.Errorf("unsafe report name %q", n)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	if err := WriteFileAtomic(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(p, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Errorf("content %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temp files left: %v", ents)
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "r.json"), nil); err == nil {
		t.Error("write into a missing folder: no error")
	}
}

func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/1", "3/4", "/", "9999999999999999999/1", "-0/-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := ParseShard(s)
		if err == nil && (sh.N < 1 || sh.I < 0 || sh.I >= sh.N) {
			t.Fatalf("ParseShard(%q) = %v without error", s, sh)
		}
	})
}
