//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentguard/consentguard/internal/fixture"
)

// wranglerBinary returns $WRANGLER or installs wrangler with
// scripts/install-wrangler.sh.
func wranglerBinary(t testing.TB) string {
	t.Helper()
	return npmBinary(t, "WRANGLER", "install-wrangler.sh")
}

// TestWranglerDryRun: Cloudflare's own tool accepts the shipped
// wrangler.toml with the built Worker (the config parses, the bundle builds:
// every import of the glue resolves; the variables are bound), and the
// upload it would make is within the 3 MB compressed limit of the free
// plan. (The Worker itself runs in workerd in the other tests.)
func TestWranglerDryRun(t *testing.T) {
	bin := wranglerBinary(t)
	build := buildWorker(t, "./edge/worker")
	root := fixture.Root(t)
	toml, err := os.ReadFile(filepath.Join(root, "edge", "worker", "wrangler.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// The shipped file points at ../build/worker.mjs; point a copy at this
	// test's build.
	dir := t.TempDir()
	cfg := strings.Replace(string(toml), `main = "../build/worker.mjs"`, "main = "+strconv.Quote(filepath.Join(build, "worker.mjs")), 1)
	if cfg == string(toml) {
		t.Fatalf("wrangler.toml has no main = \"../build/worker.mjs\" line")
	}
	if err := os.WriteFile(filepath.Join(dir, "wrangler.toml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "deploy", "--dry-run", "--outdir", filepath.Join(dir, "out"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "CI=true", "HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, ".config"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("wrangler deploy --dry-run: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Total Upload: ([0-9.]+) KiB / gzip: ([0-9.]+) KiB`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no upload size in wrangler's output:\n%s", out)
	}
	gz, _ := strconv.ParseFloat(string(m[2]), 64)
	t.Logf("wrangler: upload %s KiB, gzip %s KiB", m[1], m[2])
	if gz <= 0 || gz > 3*1024 {
		t.Errorf("Worker upload is %.0f KiB compressed, over the 3 MB limit", gz)
	}
	for _, v := range []string{"ORIGIN", "SITES", "BANNER", "MINIFY", "REPORT_ONLY"} {
		if !bytes.Contains(out, []byte("- "+v+":")) {
			t.Errorf("wrangler does not list the variable %s:\n%s", v, out)
		}
	}
	for _, f := range []string{"worker.js", "worker.mjs"} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err == nil {
			return
		}
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "out"))
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	t.Errorf("wrangler wrote no bundle to --outdir: %q", names)
}
