package bench

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
)

// TestMatch runs the benchmark once and checks the JSON fields (not the
// timings, which are benchmark results).
func TestMatch(t *testing.T) {
	d := fixture.Shared(t)
	var out bytes.Buffer
	err := Match(filepath.Join(d, "data", "requests", "requests.jsonl"), []string{
		filepath.Join(d, "data", "lists", "easylist.txt"), filepath.Join(d, "data", "lists", "easyprivacy.txt"),
	}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	for _, k := range []string{"requests", "blocked", "parse_ms", "load_ms", "engine_bytes", "median_ns", "p99_ns", "mean_ns", "allocs_per_match",
		"timer_overhead_ns", "timer_resolution_ns", "timer_pair_ns", "median_corrected_ns", "p99_corrected_ns", "batch_median_ns", "batch_mean_ns"} {
		if _, ok := m[k]; !ok {
			t.Errorf("field %q missing in %s", k, out.String())
		}
	}
	if m["requests"].(float64) != 27969 {
		t.Errorf("requests = %v, want 27969 (30524 minus non-http(s) ones, as bench-match.mjs)", m["requests"])
	}
	if b := m["blocked"].(float64); b < 8000 || b > 10000 {
		t.Errorf("blocked = %v", b)
	}
	if c, r := m["median_corrected_ns"].(float64), m["median_ns"].(float64); c > r || c < 0 {
		t.Errorf("median_corrected_ns %v not in [0, median_ns %v]", c, r)
	}
	if m["batch_size"].(float64) < 1 || !(m["batch_mean_ns"].(float64) > 0) {
		t.Errorf("batch figures missing: %s", out.String())
	}
	t.Log(out.String())
}

func TestLoadRequestsErrors(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "r.jsonl")
	os.WriteFile(f, []byte("{\"url\":\"https://a/\"}\n{bad\n"), 0o644)
	if _, err := LoadRequests(f); err == nil || !bytes.Contains([]byte(err.Error()), []byte("r.jsonl:2")) {
		t.Errorf("err = %v, want file:line", err)
	}
	os.WriteFile(f, []byte(`[{"url":"https://a/","frameUrl":"https://b/","cpt":"script"}]`), 0o644)
	if rs, err := LoadRequests(f); err != nil || len(rs) != 1 || rs[0].Cpt != "script" {
		t.Errorf("array form: %v %v", rs, err)
	}
}
