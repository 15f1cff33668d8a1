// Package build writes the browser extension's two distributions,
// extension/dist/chromium and extension/dist/firefox, from one source tree
// (extension/src), per-browser manifest parts, the DNR rulesets compiled
// from the embedded lists (package extension/dnr), the Go core (guard.wasm
// with Go's wasm_exec.js) and DuckDuckGo's autoconsent from npm.
//
// Nothing is optional: a missing input is an error naming it, never a build
// without it.
package build

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/consentguard/consentguard/extension/dnr"
	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/param"
)

// Browsers are the distributions built.
var Browsers = []string{"chromium", "firefox"}

// Options are the build's inputs and output.
type Options struct {
	Src         string // extension/src
	Out         string // extension/dist
	Wasm        string // guard.wasm
	WasmExec    string // $(go env GOROOT)/lib/wasm/wasm_exec.js
	Autoconsent string // node_modules/@duckduckgo/autoconsent
	Root        string // the repository (LICENSE, THIRD_PARTY.md); default "."
	Zip         bool   // also write <Out>/consentguard-<browser>.zip
	// NoCore builds without guard.wasm (for the memory comparison only:
	// the background then never becomes ready).
	NoCore bool
	// Lists are extra Adblock Plus lists (EasyList, EasyPrivacy), compiled
	// into the "upstream" ruleset; none by default.
	Lists []string
	// Warn receives the lists' malformed lines (file:line), each skipped.
	Warn io.Writer
}

// listFlag collects repeated -list flags.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// Main is the command: build [-src DIR] [-out DIR] -wasm FILE -wasm-exec FILE -autoconsent DIR [-zip] [-list FILE]...
func Main(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("extbuild", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o Options
	fl.StringVar(&o.Src, "src", "extension/src", "extension source tree")
	fl.StringVar(&o.Out, "out", "extension/dist", "output folder (one sub-folder per browser)")
	fl.StringVar(&o.Wasm, "wasm", "bin/guard.wasm", "the Go core built for js/wasm")
	fl.StringVar(&o.WasmExec, "wasm-exec", "", "Go's wasm_exec.js ($(go env GOROOT)/lib/wasm/wasm_exec.js)")
	fl.StringVar(&o.Autoconsent, "autoconsent", ".cache/npm/node_modules/@duckduckgo/autoconsent", "the npm package @duckduckgo/autoconsent")
	fl.StringVar(&o.Root, "root", ".", "the repository root (LICENSE, THIRD_PARTY.md)")
	fl.BoolVar(&o.Zip, "zip", false, "also write store-ready zips")
	fl.BoolVar(&o.NoCore, "no-core", false, "leave the Go core out (measurement builds only)")
	fl.Var((*listFlag)(&o.Lists), "list", "an extra Adblock Plus list (EasyList, EasyPrivacy) for the upstream ruleset (repeatable)")
	o.Warn = stderr
	if err := fl.Parse(args); err != nil {
		return 2
	}
	sum, err := Build(o)
	if err != nil {
		fmt.Fprintln(stderr, "extbuild:", err)
		return 1
	}
	fmt.Fprint(stdout, sum)
	return 0
}

// Build writes both distributions and returns a summary.
func Build(o Options) (string, error) {
	if o.WasmExec == "" {
		return "", errors.New("-wasm-exec is required ($(go env GOROOT)/lib/wasm/wasm_exec.js)")
	}
	sets, err := Rulesets()
	if err != nil {
		return "", err
	}
	var upSum string
	if len(o.Lists) > 0 {
		if sets, upSum, err = withUpstream(sets, o.Lists, o.Warn); err != nil {
			return "", err
		}
	}
	lib, acRules, err := Autoconsent(o.Autoconsent)
	if err != nil {
		return "", err
	}
	shared := map[string][]byte{"autoconsent.js": lib, "compact-rules.json": acRules}
	if o.Root == "" {
		o.Root = "."
	}
	// The licences travel with the code they cover: ours, Go's (the
	// runtime in guard.wasm and wasm_exec.js) and autoconsent's (MPL-2.0).
	inputs := map[string]string{
		"wasm_exec.js":                 o.WasmExec,
		"LICENSE":                      filepath.Join(o.Root, "LICENSE"),
		"THIRD_PARTY.md":               filepath.Join(o.Root, "THIRD_PARTY.md"),
		"licenses/go-LICENSE":          filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(o.WasmExec))), "LICENSE"),
		"licenses/autoconsent-LICENSE": filepath.Join(o.Autoconsent, "LICENSE"),
	}
	if !o.NoCore {
		inputs["guard.wasm"] = o.Wasm
	}
	for name, p := range inputs {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
		shared[name] = b
	}
	for name, b := range Icons() {
		shared[name] = b
	}
	for i := range sets {
		b, err := json.Marshal(sets[i].Rules)
		if err != nil {
			return "", err
		}
		shared["rules/"+sets[i].ID+".json"] = b
	}
	digest := "none"
	if w, ok := shared["guard.wasm"]; ok {
		h := sha256.Sum256(w)
		digest = hex.EncodeToString(h[:8])
	}
	var sum strings.Builder
	for _, br := range Browsers {
		files, err := sourceFiles(o.Src)
		if err != nil {
			return "", err
		}
		if err := stampCore(files, digest); err != nil {
			return "", err
		}
		m, err := Manifest(o.Src, br, sets)
		if err != nil {
			return "", err
		}
		files["manifest.json"] = m
		for k, v := range shared {
			files[k] = v
		}
		dir := filepath.Join(o.Out, br)
		if err := writeTree(dir, files); err != nil {
			return "", err
		}
		fmt.Fprintf(&sum, "%s: %d files\n", dir, len(files))
		if o.Zip {
			zp := filepath.Join(o.Out, "consentguard-"+br+".zip")
			if err := writeZip(zp, files); err != nil {
				return "", err
			}
			st, _ := os.Stat(zp)
			fmt.Fprintf(&sum, "%s: %d bytes\n", zp, st.Size())
		}
	}
	rules, regex := 0, 0
	for i := range sets {
		rules += len(sets[i].Rules)
		regex += sets[i].Regexes()
		fmt.Fprintf(&sum, "ruleset %-15s %5d rules (%d regex), enabled=%v\n", sets[i].ID, len(sets[i].Rules), sets[i].Regexes(), sets[i].Enabled)
	}
	sum.WriteString(upSum)
	fmt.Fprintf(&sum, "total %d static rules (limit %d), %d regex (limit %d), %d rulesets (limit %d enabled)\n",
		rules, dnr.MaxStaticRules, regex, dnr.MaxRegexRules, len(sets), dnr.MaxEnabledRulesets)
	return sum.String(), nil
}

// coreDigestMark is the placeholder in background.js that the build
// replaces with the first 16 hex digits of guard.wasm's SHA-256: the
// worker keeps its copy of the core in Cache Storage under that digest, so
// a new build never starts an old core.
const coreDigestMark = "@CORE_DIGEST@"

// stampCore writes the core's digest into background.js.
func stampCore(files map[string][]byte, digest string) error {
	bg, ok := files["background.js"]
	if !ok {
		return errors.New("background.js: missing from the source tree")
	}
	if n := bytes.Count(bg, []byte(coreDigestMark)); n != 1 {
		return fmt.Errorf("background.js: want the core digest placeholder %s once, found it %d times", coreDigestMark, n)
	}
	files["background.js"] = bytes.Replace(bg, []byte(coreDigestMark), []byte(digest), 1)
	return nil
}

// Rulesets compiles the embedded tracker and parameter lists. Any error in
// them fails the build.
func Rulesets() ([]dnr.Ruleset, error) {
	tb, _ := policylists.File("trackers.txt")
	cat, errs := catalog.Parse("trackers.txt", tb)
	pb, _ := policylists.File("params.txt")
	ps, perrs := param.Parse("params.txt", pb)
	errs = append(errs, perrs...)
	if len(errs) > 0 {
		return nil, fmt.Errorf("embedded lists: %w", errors.Join(errs...))
	}
	sets, errs := dnr.Compile(dnr.Input{Trackers: []*catalog.Catalog{cat}, Params: ps.Names()})
	if len(errs) > 0 {
		return nil, fmt.Errorf("compile rulesets: %w", errors.Join(errs...))
	}
	if err := dnr.Check(sets); err != nil {
		return nil, err
	}
	return sets, nil
}

// withUpstream compiles the extra lists into the upstream ruleset, within
// what our own rulesets leave of Chrome's limits. A list that cannot be
// read fails the build; its malformed lines are written to warn (file:line)
// and skipped.
func withUpstream(sets []dnr.Ruleset, paths []string, warn io.Writer) ([]dnr.Ruleset, string, error) {
	var lists []dnr.List
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, "", fmt.Errorf("-list: %w", err)
		}
		lists = append(lists, dnr.List{Name: p, Data: b})
	}
	up, rep := dnr.CompileUpstream(lists, dnr.Remaining(sets))
	if warn != nil {
		for _, e := range rep.Errors {
			fmt.Fprintln(warn, "extbuild: skipped:", e)
		}
	}
	sets = append(sets, up)
	if err := dnr.Check(sets); err != nil {
		return nil, "", err
	}
	return sets, rep.String(), nil
}

// sourceFiles reads the shared source tree, leaving out the manifest parts.
func sourceFiles(src string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "manifest/") {
			return nil
		}
		b, err := os.ReadFile(p)
		files[rel] = b
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("source tree: %w", err)
	}
	if _, ok := files["background.js"]; !ok {
		return nil, fmt.Errorf("source tree %s: no background.js", src)
	}
	return files, nil
}

// Manifest merges src/manifest/base.json with src/manifest/<browser>.json
// (top-level keys of the part replace the base's) and adds the rulesets.
func Manifest(src, browser string, sets []dnr.Ruleset) ([]byte, error) {
	m := map[string]any{}
	for _, part := range []string{"base", browser} {
		p := filepath.Join(src, "manifest", part+".json")
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("manifest part: %w", err)
		}
		var pm map[string]any
		if err := json.Unmarshal(b, &pm); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		for k, v := range pm {
			m[k] = v
		}
	}
	var res []any
	for i := range sets {
		res = append(res, map[string]any{"id": sets[i].ID, "enabled": sets[i].Enabled, "path": "rules/" + sets[i].ID + ".json"})
	}
	m["declarative_net_request"] = map[string]any{"rule_resources": res}
	return json.MarshalIndent(m, "", "  ")
}

func writeTree(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeZip writes files in name order with a fixed time, so that the same
// inputs give the same zip.
func writeZip(path string, files map[string][]byte) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: t})
		if err != nil {
			return err
		}
		if _, err := w.Write(files[n]); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
