//go:build !(js && wasm)

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/wasmsize"
)

// maxGzip is the budget for guard.wasm after gzip -9 (issue 7: <= 1 MB).
const maxGzip = 1 << 20

// buildFlags are `make wasm`'s: the extension's core is built with the
// guard tag (no Adblock Plus/TDS matching, no regexp, no crypto packages).
var buildFlags = []string{"-tags", "guard", "-trimpath"}

func buildGuard(t *testing.T, out string, strip bool) {
	t.Helper()
	args := append([]string{"build"}, buildFlags...)
	if strip {
		args = append(args, "-ldflags=-s -w")
	}
	cmd := exec.Command("go", append(args, "-o", out, ".")...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
}

// TestGuardSize builds guard.wasm as `make wasm` does and fails when gzip -9
// of it exceeds 1 MiB, printing the per-package table of what it links.
func TestGuardSize(t *testing.T) {
	gz, err := exec.LookPath("gzip")
	if err != nil {
		t.Fatal("gzip is required to measure guard.wasm")
	}
	dir := t.TempDir()
	wasm := filepath.Join(dir, "guard.wasm")
	buildGuard(t, wasm, true)
	var out bytes.Buffer
	cmd := exec.Command(gz, "-9", "-c", wasm)
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	n := out.Len()
	t.Logf("guard.wasm gzip -9: %d bytes (budget %d)", n, maxGzip)
	if n <= maxGzip {
		return
	}
	named := filepath.Join(dir, "guard-names.wasm")
	buildGuard(t, named, false)
	b, err := os.ReadFile(named)
	if err != nil {
		t.Fatal(err)
	}
	m, err := wasmsize.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	wasmsize.Write(&table, m, 30)
	t.Errorf("guard.wasm is %s bytes after gzip -9, over the %d budget; what it links:\n%s",
		strconv.Itoa(n), maxGzip, table.String())
}
