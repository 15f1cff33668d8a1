package engine

import (
	"testing"

	"github.com/consentguard/consentguard/wasm/consent"
)

// TestReasonsTable: the constant reasons table says, for every category,
// what the verdict does under its name, and nothing for other indexes.
func TestReasonsTable(t *testing.T) {
	var want [16][5]string
	for _, c := range consent.Categories() {
		n := c.String()
		want[c] = [5]string{n + " is always allowed", n + " consented", n + " denied by GPC opt-out", n + " denied by DNT opt-out", n + " not consented"}
	}
	if reasons != want {
		t.Fatalf("reasons table out of step with the category names:\n got %q\nwant %q", reasons, want)
	}
}
