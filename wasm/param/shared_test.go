package param

import (
	"os"
	"path/filepath"
	"testing"
)

// repoRoot walks up from the test's directory to the directory holding
// go.mod. It works natively and under js/wasm (node's fs backs package os).
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod above the test directory")
		}
		dir = parent
	}
}

// shared returns ../shared/<rel> relative to the repo root. When it is
// missing the test is skipped locally and fails in CI.
func shared(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(repoRoot(t), "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared data missing in CI: %v", err)
		}
		t.Skipf("shared data missing: %v", err)
	}
	return p
}
