package consent

import (
	"fmt"
	"net/http"
	"testing"
)

func TestSignals(t *testing.T) {
	tests := []struct {
		gpc, dnt         string
		wantGPC, wantDNT bool
	}{
		{"1", "1", true, true},
		{" 1\t", "", true, false},
		{"", " 1 ", false, true},
		{"0", "0", false, false},
		{"true", "yes", false, false},
		{"1, 1", "1xyz", false, true},
		{"11", "1 x", false, false},
		{"1\n", "1\"", false, false},
		{"", "", false, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.gpc != "" {
			h.Set("Sec-GPC", tt.gpc)
		}
		if tt.dnt != "" {
			h.Set("DNT", tt.dnt)
		}
		gpc, dnt := Signals(h.Get)
		if gpc != tt.wantGPC || dnt != tt.wantDNT {
			t.Errorf("Signals(Sec-GPC %q, DNT %q) = %v, %v; want %v, %v", tt.gpc, tt.dnt, gpc, dnt, tt.wantGPC, tt.wantDNT)
		}
	}
	if g, d := Signals(nil); g || d {
		t.Error("nil getter gives signals")
	}
}

func ExampleSignals() {
	h := http.Header{"Sec-Gpc": {"1"}}
	gpc, dnt := Signals(h.Get)
	fmt.Println(gpc, dnt)
	// Output: true false
}
