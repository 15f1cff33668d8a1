package policy

import (
	"testing"

	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/catalog"
)

// TestAliasesExist: every alias names a vendor id of trackers.txt.
func TestAliasesExist(t *testing.T) {
	data, ok := policylists.File("trackers.txt")
	if !ok {
		t.Fatal("trackers.txt not embedded")
	}
	cat, errs := catalog.Parse("trackers.txt", data)
	if len(errs) > 0 {
		t.Fatalf("trackers.txt: %v", errs[0])
	}
	ids := map[string]bool{}
	for _, v := range cat.Vendors {
		ids[v.ID] = true
	}
	for name, id := range aliases {
		if !ids[id] {
			t.Errorf("alias %q -> %q: no such vendor in trackers.txt", name, id)
		}
	}
}

func TestDisplayNames(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Meta (Facebook, Instagram)", []string{"Meta", "Facebook", "Instagram"}},
		{"Google Ads / DoubleClick", []string{"Google Ads", "DoubleClick"}},
		{"AddThis (discontinued)", []string{"AddThis"}},
		{"Contentsquare (incl. Clicktale)", []string{"Contentsquare", "Clicktale"}},
		{"Twitch embeds", []string{"Twitch", "Twitch embeds"}},
	}
	for _, tt := range tests {
		got := displayNames(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
				break
			}
		}
	}
}
