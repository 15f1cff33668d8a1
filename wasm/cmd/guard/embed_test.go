//go:build !(js && wasm)

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/embed"
)

// nodeCalls builds the guard-tagged js/wasm core and runs calls
// ([fn, args...]) in it under node, returning one result per call.
func nodeCalls(t *testing.T, calls []any) []json.RawMessage {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		fixture.Missing(t, "node is required for the js/wasm core test")
	}
	dir := t.TempDir()
	wasm := filepath.Join(dir, "guard.wasm")
	build := exec.Command("go", "build", "-tags", "guard", "-o", wasm, ".")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cf := filepath.Join(dir, "calls.json")
	b, _ := json.Marshal(calls)
	if err := os.WriteFile(cf, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "testdata/run.js", wasm, cf)
	cmd.Env = append(os.Environ(), "WASM_EXEC="+filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var res []json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(calls) {
		t.Fatalf("output %q: %v", out, err)
	}
	return res
}

type embedResult struct {
	HTML       string `json:"html"`
	Vendor     string `json:"vendor"`
	VendorName string `json:"vendorName"`
	Category   string `json:"category"`
	OptedOut   bool   `json:"optedOut"`
	Error      string `json:"error"`
}

// TestEmbedUnderNode: the extension's embed() in the real js/wasm core
// returns exactly the proxy's placeholder (wasm/embed) for a non-granted
// functional or social embed, the opt-out variant for a social embed under
// GPC, and null for an allowed embed, a hidden frame and an ad frame.
func TestEmbedUnderNode(t *testing.T) {
	const page = "https://news.test/videos"
	yt := "https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0"
	attrs := [][2]string{{"width", "560"}, {"height", "315"}, {"title", "YouTube \"player\""}, {"allowfullscreen", ""}}
	tests := []struct {
		name string
		call []any
		want *embed.Embed // nil: null
		err  bool
	}{
		{"youtube, nothing granted", []any{"embed", yt, page, "560", "315", map[string]any{}, attrs},
			&embed.Embed{Tag: "iframe", URL: yt, Vendor: "YouTube", VendorID: "youtube", Category: consent.Functional, Width: "560", Height: "315", Attrs: attrs}, false},
		{"vimeo, percent width, analytics granted", []any{"embed", "https://player.vimeo.com/video/1", page, "100%", "360", map[string]any{"granted": "analytics"}, nil},
			&embed.Embed{Tag: "iframe", URL: "https://player.vimeo.com/video/1", Vendor: "Vimeo", VendorID: "vimeo", Category: consent.Functional, Width: "100%", Height: "360"}, false},
		{"social post under GPC: once only", []any{"embed", "https://platform.twitter.com/embed/Tweet.html?id=1", page, "", "", map[string]any{"gpc": true, "granted": []string{"social"}}, nil},
			&embed.Embed{Tag: "iframe", URL: "https://platform.twitter.com/embed/Tweet.html?id=1", Vendor: "X (Twitter)", VendorID: "x", Category: consent.Social, OptedOut: true}, false},
		{"youtube, functional granted", []any{"embed", yt, page, "560", "315", map[string]any{"granted": "functional"}, nil}, nil, false},
		{"youtube, hidden 1x1", []any{"embed", yt, page, "1", "1", map[string]any{}, nil}, nil, false},
		{"ad frame", []any{"embed", "https://googleads.g.doubleclick.net/pagead/ads?x=1", page, "300", "250", map[string]any{}, nil}, nil, false},
		{"same-site frame", []any{"embed", "https://news.test/frame.html", page, "300", "250", map[string]any{}, nil}, nil, false},
		{"bad state", []any{"embed", yt, page, "560", "315", map[string]any{"granted": "bogus"}, nil}, nil, true},
	}
	calls := make([]any, 0, len(tests)+1)
	for _, tc := range tests {
		calls = append(calls, tc.call)
	}
	calls = append(calls, []any{"embedCSS"})
	res := nodeCalls(t, calls)
	for i, tc := range tests {
		raw := res[i]
		if tc.want == nil && !tc.err {
			if string(raw) != "null" {
				t.Errorf("%s: got %s, want null", tc.name, raw)
			}
			continue
		}
		var got embedResult
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Errorf("%s: %s: %v", tc.name, raw, err)
			continue
		}
		if tc.err {
			if got.Error == "" {
				t.Errorf("%s: no error: %s", tc.name, raw)
			}
			continue
		}
		if html := string(embed.Placeholder(nil, *tc.want)); got.HTML != html {
			t.Errorf("%s: markup differs from the proxy's\n got %s\nwant %s", tc.name, got.HTML, html)
		}
		if got.Vendor != tc.want.VendorID || got.VendorName != tc.want.Vendor || got.Category != tc.want.Category.String() || got.OptedOut != tc.want.OptedOut {
			t.Errorf("%s: %+v", tc.name, got)
		}
	}
	var css string
	if err := json.Unmarshal(res[len(tests)], &css); err != nil || css != embed.CSS {
		t.Errorf("embedCSS() differs from embed.CSS: %v", err)
	}
}
