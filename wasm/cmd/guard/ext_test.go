//go:build !(js && wasm)

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
)

// TestExtAPIUnderNode checks the functions the browser extension adds
// (blocked, siteOf) in the real js/wasm core under node.
func TestExtAPIUnderNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		fixture.Missing(t, "node is required for the js/wasm core test")
	}
	dir := t.TempDir()
	wasm := filepath.Join(dir, "guard.wasm")
	// As make wasm builds it (the guard tag trims what the extension's core
	// links; without it the same API is built).
	build := exec.Command("go", "build", "-tags", "guard", "-o", wasm, ".")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	calls := []any{
		[]any{"blocked", map[string]any{}},
		[]any{"blocked", map[string]any{"granted": []string{"analytics"}}},
		[]any{"blocked", map[string]any{"granted": []string{"analytics", "advertising"}, "gpc": true}},
		[]any{"blocked", map[string]any{"granted": []string{"functional", "analytics", "advertising", "social", "session-replay", "tag-manager", "fingerprinting"}}},
		[]any{"siteOf", "https://www.bbc.co.uk/news"},
		[]any{"siteOf", "sub.news.test"},
		[]any{"siteOf", "about:blank"},
	}
	cf := filepath.Join(dir, "calls.json")
	b, _ := json.Marshal(calls)
	os.WriteFile(cf, b, 0o644)
	cmd := exec.Command(node, "testdata/run.js", wasm, cf)
	cmd.Env = append(os.Environ(), "WASM_EXEC="+filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var res []any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	all := []any{"functional", "analytics", "advertising", "social", "session-replay", "tag-manager", "fingerprinting"}
	want := []any{
		all,
		// analytics granted: the tag manager that loads it is allowed too.
		[]any{"functional", "advertising", "social", "session-replay", "fingerprinting"},
		// GPC denies advertising even when granted.
		[]any{"functional", "advertising", "social", "session-replay", "fingerprinting"},
		[]any{},
		"bbc.co.uk", "news.test", "",
	}
	for i := range want {
		if !reflect.DeepEqual(res[i], want[i]) {
			t.Errorf("call %v = %v, want %v", calls[i], res[i], want[i])
		}
	}
}
