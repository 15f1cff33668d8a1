//go:build !guard

package embed

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
)

// TestScriptParses checks the restore script with node's parser, and that
// it carries the stylesheet and the consent endpoint.
func TestScriptParses(t *testing.T) {
	if !strings.Contains(Script, `.cg-embed{`) || !strings.Contains(Script, `"`+ConsentPath+`"`) || strings.Contains(Script, "__") && !strings.Contains(Script, "__cgEmbed") {
		t.Fatal("Script misses the stylesheet or the endpoint, or keeps a template marker")
	}
	if strings.Contains(strings.ToLower(Script), "</script") || strings.Contains(Script, "<!--") {
		t.Fatal("Script is not safe inside a <script> element")
	}
	if runtime.GOOS == "js" {
		t.Skip("a js/wasm test cannot start processes; this test runs in the native suite")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		fixture.Missing(t, "node not found (make test installs it)")
	}
	file := filepath.Join(t.TempDir(), "embed.js")
	os.WriteFile(file, []byte(Script), 0o644)
	if out, err := exec.Command(node, "--check", file).CombinedOutput(); err != nil {
		t.Fatalf("node --check: %v\n%s", err, out)
	}
}
