package main

import (
	"encoding/json"
	"testing"
)

// TestClassifyFrameContext: without a page, or from an about:blank frame
// whose parent is not given, a known tracker counts as third party and is
// blocked (issues 9 and 10).
func TestClassifyFrameContext(t *testing.T) {
	tests := []struct{ page, url, category string }{
		{"", "https://connect.facebook.net/en_US/fbevents.js", "advertising"},
		{"about:blank", "https://pagead2.googlesyndication.com/pagead/show_ads.js", "advertising"},
		{"https://securepubads.g.doubleclick.net/gampad/ads?iu=/1/x", "https://securepubads.g.doubleclick.net/pcs/view?xai=1", "advertising"},
	}
	for _, tc := range tests {
		args := []string{"classify", "--type", "script"}
		if tc.page != "" {
			args = append(args, "--page", tc.page)
		}
		code, out, errs := run(t, "", append(args, tc.url)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("%q: %v", out, err)
		}
		if m["category"] != tc.category || m["action"] != "block" {
			t.Errorf("page %q, %s: %v", tc.page, tc.url, m)
		}
		if tc.page != "https://securepubads.g.doubleclick.net/gampad/ads?iu=/1/x" && m["third_party"] != true {
			t.Errorf("page %q: third_party = %v, want true", tc.page, m["third_party"])
		}
	}
}
