package build

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Autoconsent reads the npm package @duckduckgo/autoconsent from dir and
// returns its library as a classic script (content scripts and the
// service worker's importScripts cannot load ES modules) and its compact
// rules. The package must be there: the build fails, naming what is
// missing, rather than ship an extension that answers no banner.
func Autoconsent(dir string) (lib, rules []byte, err error) {
	pj, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("autoconsent (npm @duckduckgo/autoconsent) missing: %w; run scripts/install-autoconsent.sh", err)
	}
	var meta struct{ Name, Version, License string }
	if err := json.Unmarshal(pj, &meta); err != nil || meta.Name != "@duckduckgo/autoconsent" {
		return nil, nil, fmt.Errorf("%s: not @duckduckgo/autoconsent", filepath.Join(dir, "package.json"))
	}
	esm, err := os.ReadFile(filepath.Join(dir, "dist", "autoconsent.esm.js"))
	if err != nil {
		return nil, nil, fmt.Errorf("autoconsent: %w", err)
	}
	lib, err = ClassicScript(esm, "AutoConsentLib", fmt.Sprintf("@duckduckgo/autoconsent %s (%s)", meta.Version, meta.License))
	if err != nil {
		return nil, nil, fmt.Errorf("autoconsent.esm.js: %w", err)
	}
	rules, err = os.ReadFile(filepath.Join(dir, "rules", "compact-rules.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("autoconsent: %w", err)
	}
	if !json.Valid(rules) {
		return nil, nil, fmt.Errorf("autoconsent: rules/compact-rules.json is not valid JSON")
	}
	return lib, rules, nil
}

var exportRe = regexp.MustCompile(`(?s)\nexport\s*\{([^}]*)\};?\s*$`)

// ClassicScript turns a self-contained ES module bundle (no imports, one
// trailing "export { a, b as c };") into a classic script that runs it in a
// function scope and sets globalThis[global] to an object of its exports.
func ClassicScript(esm []byte, global, banner string) ([]byte, error) {
	for _, line := range bytes.Split(esm, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("import ")) || bytes.HasPrefix(line, []byte("import{")) {
			return nil, fmt.Errorf("the bundle imports other modules: %q", line)
		}
	}
	m := exportRe.FindSubmatchIndex(esm)
	if m == nil {
		return nil, fmt.Errorf("no trailing export { ... } found")
	}
	var props []string
	for _, item := range strings.Split(string(esm[m[2]:m[3]]), ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		local, exported, ok := strings.Cut(item, " as ")
		if !ok {
			exported = local
		}
		local, exported = strings.TrimSpace(local), strings.TrimSpace(exported)
		if !isIdent(local) || !isIdent(exported) {
			return nil, fmt.Errorf("cannot read export %q", item)
		}
		props = append(props, fmt.Sprintf("%s: %s", exported, local))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "/* %s, as a classic script (built by extension/build). */\n(function () {\n", banner)
	b.Write(esm[:m[0]])
	fmt.Fprintf(&b, "\nif (!globalThis.%s) globalThis.%s = { %s };\n})();\n", global, global, strings.Join(props, ", "))
	return b.Bytes(), nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
