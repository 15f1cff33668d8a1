// Package policytest reads the real policies in ../shared/seeds and the
// claims expected from them (claims.json), for the tests of package policy
// and of consentguard policy.
package policytest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
)

// Seed is one policy of ../shared/seeds.
type Seed struct {
	Name string // file name, e.g. 000_82a716996114798b.txt
	Path string
	// Want is the policy's entry of claims.json as JSON (the claim fields
	// and evidence_hints).
	Want json.RawMessage
}

// Seeds returns the seeds in name order; missing data fails the test in CI
// and skips it elsewhere (internal/fixture).
func Seeds(t testing.TB) []Seed {
	t.Helper()
	dir := fixture.SharedPath(t, "seeds")
	raw, err := os.ReadFile(filepath.Join(dir, "claims.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatalf("%s: %v", filepath.Join(dir, "claims.json"), err)
	}
	var out []Seed
	for name, msg := range all {
		if strings.HasSuffix(name, ".txt") {
			out = append(out, Seed{Name: name, Path: filepath.Join(dir, name), Want: msg})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 {
		t.Fatal("claims.json names no policy")
	}
	return out
}
