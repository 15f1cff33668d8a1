//go:build !js && !wasip1

package site

// The freshness test runs the go command, which js/wasm and wasip1 test
// binaries cannot start; it runs natively (CI runs the native tests too).

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite psl.dat from golang.org/x/net (same as go generate)")

// TestPSLDatFresh runs the generator (as go generate does) into a temporary
// file and checks that the committed psl.dat is what it produces for the
// x/net version in go.mod. With -update it rewrites psl.dat.
func TestPSLDatFresh(t *testing.T) {
	out := filepath.Join(t.TempDir(), "psl.dat")
	cmd := exec.Command("go", "run", "./internal/pslgen", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./internal/pslgen: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("psl.dat", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile("psl.dat")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("psl.dat (%d bytes) differs from the generator's output (%d bytes): run `go generate ./wasm/site` or `go test ./wasm/site -run PSLDatFresh -update`", len(got), len(want))
	}
	if pslData != string(want) {
		t.Fatal("embedded pslData differs from psl.dat: rebuild")
	}
}
