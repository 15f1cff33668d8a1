//go:build e2e

package e2e

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
)

// TestExtensionWebExtLint runs Mozilla's web-ext lint (npm web-ext, the
// linter addons.mozilla.org runs) on the built Firefox distribution: no
// errors allowed; warnings are logged.
func TestExtensionWebExtLint(t *testing.T) {
	root := fixture.Root(t)
	out, err := exec.Command("sh", filepath.Join(root, "scripts", "install-web-ext.sh")).Output()
	if err != nil {
		t.Fatalf("scripts/install-web-ext.sh: %v", err)
	}
	webext := strings.TrimSpace(string(out))
	dir := filepath.Join(filepath.Dir(builtExtension(t, false)), "firefox")
	cmd := exec.Command(webext, "lint", "--source-dir", dir, "--output", "json", "--no-config-discovery")
	res, _ := cmd.Output() // exits 1 when there are errors; the JSON says which
	var rep struct {
		Summary  struct{ Errors, Warnings, Notices int }
		Errors   []struct{ Code, Message, File string }
		Warnings []struct{ Code, Message, File string }
	}
	if err := json.Unmarshal(res, &rep); err != nil {
		t.Fatalf("web-ext lint output: %v\n%s", err, res)
	}
	for _, e := range rep.Errors {
		t.Errorf("web-ext lint error %s in %s: %s", e.Code, e.File, e.Message)
	}
	for _, w := range rep.Warnings {
		t.Logf("web-ext lint warning %s in %s: %s", w.Code, w.File, w.Message)
	}
	if rep.Summary.Errors != len(rep.Errors) || rep.Summary.Errors != 0 {
		t.Errorf("web-ext lint summary: %+v", rep.Summary)
	}
}
