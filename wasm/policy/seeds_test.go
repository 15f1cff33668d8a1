package policy

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/policy/policytest"
)

// seedClaims is one entry of ../shared/seeds/claims.json.
type seedClaims struct {
	Claims
	EvidenceHints map[string]string `json:"evidence_hints"`
}

// TestSeeds checks Extract against the three real policies in
// ../shared/seeds: every field as claims.json says, and each evidence hint
// that quotes the policy inside the evidence sentence.
func TestSeeds(t *testing.T) {
	seeds := policytest.Seeds(t)
	if len(seeds) != 3 {
		t.Fatalf("claims.json has %d policies, want 3", len(seeds))
	}
	for _, seed := range seeds {
		t.Run(seed.Name, func(t *testing.T) {
			var want seedClaims
			if err := json.Unmarshal(seed.Want, &want); err != nil {
				t.Fatalf("claims.json %s: %v", seed.Name, err)
			}
			text, err := os.ReadFile(seed.Path)
			if err != nil {
				t.Fatal(err)
			}
			checkSeed(t, Extract(string(text)), want)
		})
	}
}

func checkSeed(t *testing.T, got Claims, want seedClaims) {
	t.Helper()
	ev := got.Evidence
	got.Evidence = nil
	w := want.Claims
	w.Evidence = nil
	if !reflect.DeepEqual(got, w) {
		g, _ := json.MarshalIndent(got, "", "  ")
		e, _ := json.MarshalIndent(w, "", "  ")
		t.Errorf("claims differ\ngot  %s\nwant %s", g, e)
	}
	for field, hint := range want.EvidenceHints {
		if !quotesPolicy(hint) {
			// a hint that explains rather than quotes: the field must
			// still have evidence.
			if ev[field] == "" {
				t.Errorf("%s: no evidence", field)
			}
			continue
		}
		if !strings.Contains(normalize(ev[field]), normalize(hint)) {
			t.Errorf("%s: evidence %q does not contain %q", field, ev[field], hint)
		}
	}
}

// quotesPolicy tells quoted hints from the note "the same sentence covers
// every automated browser signal, ...".
func quotesPolicy(hint string) bool {
	return !strings.HasPrefix(hint, "the same sentence")
}
