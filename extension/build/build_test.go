package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
)

func TestClassicScript(t *testing.T) {
	for _, tc := range []struct {
		name, in, err string
	}{
		{"ok", "var a = 1;\nfunction b() { return a; }\nexport {\n  a,\n  b as default\n};\n", ""},
		{"import", "import x from './x.js';\nexport { x };\n", "imports"},
		{"no export", "var a = 1;\n", "no trailing export"},
		{"bad name", "var a = 1;\nexport { a as 'b c' };\n", "cannot read"},
	} {
		out, err := ClassicScript([]byte(tc.in), "Lib", "test")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if bytes.Contains(out, []byte("export")) || !bytes.Contains(out, []byte("globalThis.Lib = { a: a, default: b }")) {
			t.Errorf("%s: output:\n%s", tc.name, out)
		}
		if node, err := exec.LookPath("node"); err == nil {
			f := filepath.Join(t.TempDir(), "lib.js")
			os.WriteFile(f, append(out, []byte("\nif (globalThis.Lib.default() !== 1) process.exit(3);\n")...), 0o644)
			if o, err := exec.Command(node, f).CombinedOutput(); err != nil {
				t.Errorf("%s: node: %v\n%s", tc.name, err, o)
			}
		}
	}
}

func TestManifests(t *testing.T) {
	sets, err := Rulesets()
	if err != nil {
		t.Fatal(err)
	}
	for _, br := range Browsers {
		b, err := Manifest(filepath.Join("..", "src"), br, sets)
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Background struct {
				ServiceWorker string   `json:"service_worker"`
				Scripts       []string `json:"scripts"`
			}
			BSS struct {
				Gecko struct{ ID string } `json:"gecko"`
			} `json:"browser_specific_settings"`
			CSP struct {
				ExtensionPages string `json:"extension_pages"`
			} `json:"content_security_policy"`
			DNR struct {
				RuleResources []struct {
					ID, Path string
					Enabled  bool
				} `json:"rule_resources"`
			} `json:"declarative_net_request"`
			ContentScripts []map[string]any `json:"content_scripts"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		switch br {
		case "chromium":
			if m.Background.ServiceWorker != "background.js" || len(m.Background.Scripts) != 0 || m.BSS.Gecko.ID != "" {
				t.Errorf("chromium background/gecko: %+v", m)
			}
		case "firefox":
			if m.Background.ServiceWorker != "" || len(m.Background.Scripts) == 0 || m.Background.Scripts[len(m.Background.Scripts)-1] != "background.js" || m.BSS.Gecko.ID == "" {
				t.Errorf("firefox background/gecko: %+v", m)
			}
		}
		if !strings.Contains(m.CSP.ExtensionPages, "'wasm-unsafe-eval'") {
			t.Errorf("%s: CSP %q", br, m.CSP.ExtensionPages)
		}
		if len(m.DNR.RuleResources) != len(sets) {
			t.Errorf("%s: %d rule resources, want %d", br, len(m.DNR.RuleResources), len(sets))
		}
		gpc := m.ContentScripts[0]
		for _, k := range []string{"all_frames", "match_about_blank", "match_origin_as_fallback"} {
			if gpc[k] != true {
				t.Errorf("%s: gpc content script %s = %v", br, k, gpc[k])
			}
		}
		if gpc["world"] != "MAIN" || gpc["run_at"] != "document_start" {
			t.Errorf("%s: gpc content script %v", br, gpc)
		}
	}
}

// TestBuildFailsWithoutAutoconsent: a missing input stops the build and is
// named.
func TestBuildFailsWithoutAutoconsent(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := Main([]string{"-src", filepath.Join("..", "src"), "-out", dir, "-wasm-exec",
		filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"), "-autoconsent", filepath.Join(dir, "nope"), "-no-core"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "autoconsent") || !strings.Contains(errb.String(), "install-autoconsent.sh") {
		t.Errorf("code %d, stderr %q", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "chromium")); err == nil {
		t.Error("a dist was written without autoconsent")
	}
}

// TestBuild builds both dists and zips from the installed autoconsent.
func TestBuild(t *testing.T) {
	root := fixture.Root(t)
	ac := filepath.Join(root, ".cache", "npm", "node_modules", "@duckduckgo", "autoconsent")
	if _, err := os.Stat(ac); err != nil {
		fixture.Missing(t, "autoconsent not installed: run scripts/install-autoconsent.sh")
	}
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := Main([]string{"-src", filepath.Join("..", "src"), "-out", dir, "-wasm-exec",
		filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"), "-autoconsent", ac, "-no-core", "-zip", "-root", root}, &out, &errb)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errb.String())
	}
	for _, br := range Browsers {
		for _, f := range []string{"manifest.json", "background.js", "gpc.js", "autoconsent.js", "wasm_exec.js", "rules/analytics.json", "rules/params.json", "icons/icon-128.png", "LICENSE", "THIRD_PARTY.md", "licenses/go-LICENSE", "licenses/autoconsent-LICENSE"} {
			if _, err := os.Stat(filepath.Join(dir, br, f)); err != nil {
				t.Errorf("%s: %v", br, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "consentguard-"+br+".zip")); err != nil {
			t.Error(err)
		}
	}
}

// TestSourcesParse checks every script of the source tree with node --check.
func TestSourcesParse(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		fixture.Missing(t, "node not found")
	}
	files, _ := filepath.Glob(filepath.Join("..", "src", "*.js"))
	if len(files) < 5 {
		t.Fatalf("only %d scripts in extension/src", len(files))
	}
	for _, f := range files {
		if out, err := exec.Command(node, "--check", f).CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", f, err, out)
		}
	}
}

// TestStampCore: background.js gets the core's digest in place of the
// placeholder, different cores get different digests, and a source tree
// without the placeholder (or with it twice) is refused by name.
func TestStampCore(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "src", "background.js"))
	if err != nil {
		t.Fatal(err)
	}
	stamp := func(wasm string) string {
		files := map[string][]byte{"background.js": src}
		h := sha256.Sum256([]byte(wasm))
		if err := stampCore(files, hex.EncodeToString(h[:8])); err != nil {
			t.Fatal(err)
		}
		return string(files["background.js"])
	}
	a, b := stamp("core one"), stamp("core two")
	if strings.Contains(a, coreDigestMark) || a == b {
		t.Errorf("placeholder left or digests equal")
	}
	h := sha256.Sum256([]byte("core one"))
	if !strings.Contains(a, "const CORE_DIGEST = '"+hex.EncodeToString(h[:8])+"';") {
		t.Errorf("digest not written as CORE_DIGEST")
	}
	for _, bad := range []string{"const x = 1;", coreDigestMark + coreDigestMark} {
		err := stampCore(map[string][]byte{"background.js": []byte(bad)}, "ab")
		if err == nil || !strings.Contains(err.Error(), "background.js") {
			t.Errorf("%q: err %v", bad, err)
		}
	}
}
