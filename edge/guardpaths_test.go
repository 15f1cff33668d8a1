//go:build !js

package edge

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/edge/guard"
	"github.com/consentguard/consentguard/internal/fixture"
	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/filter"
)

// guardPathURLs makes, for each path signature, a URL on an unlisted host
// that matches it behind a path prefix, and near misses (a parameter
// missing, the last path segment longer).
func guardPathURLs(sigs []string) []string {
	var out []string
	for _, sig := range sigs {
		path, query, _ := strings.Cut(sig, "?")
		open := strings.HasSuffix(path, "*")
		path = strings.TrimSuffix(path, "*")
		full := "https://cdn.unlisted.example/prefix" + path
		if open {
			full += "1.0/x.js"
		}
		var params []string
		if query != "" {
			for _, kv := range strings.Split(query, "&") {
				params = append(params, strings.TrimSuffix(kv, "*")+"abc")
			}
		}
		withQ := func(u string, ps []string) string {
			if len(ps) == 0 {
				return u
			}
			return u + "?" + strings.Join(ps, "&")
		}
		out = append(out, withQ(full, params))
		if len(params) > 0 {
			out = append(out, withQ(full, params[:len(params)-1]))
		}
		if !open && !strings.HasSuffix(path, "/") {
			out = append(out, withQ("https://cdn.unlisted.example/prefix"+path+"z", params))
		}
	}
	return out
}

// TestGuardPathsAgreeWithCore runs the guard, as the proxy serves it to a
// visitor who granted nothing, under node on URLs made from every path
// signature it carries (and near misses) and checks that it blocks
// exactly what the core blocks.
func TestGuardPathsAgreeWithCore(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		fixture.Missing(t, "node not found: the guard must be executed under node (make test installs it)")
	}
	eng, err := policylists.Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(Config{Origin: "http://127.0.0.1:1", Sites: []string{"www.site.test"}, Secret: testSecret}, eng, nil,
		Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	spec := p.guardSpec(0).Compact()
	if len(spec.BlockPaths) < 50 {
		t.Fatalf("only %d path signatures in the guard", len(spec.BlockPaths))
	}
	// fetch: beacons are also refused by BeaconPaths; fetch only by
	// BlockPaths.
	// Signatures whose first segment has the '*' match the whole path
	// only: these are blocked, their prefixed forms (above) are not.
	urls := append(guardPathURLs(spec.BlockPaths),
		"https://cdn.unlisted.example/rb_1/x.js?type=jsabc&sn=abc", "https://cdn.unlisted.example/ruxitagentjs_1.js")
	type hc struct {
		Kind string `json:"kind"`
		Arg  string `json:"arg"`
	}
	cases := make([]hc, len(urls))
	for i, u := range urls {
		cases[i] = hc{"fetch", u}
	}
	dir := t.TempDir()
	gf, cf := filepath.Join(dir, "guard.js"), filepath.Join(dir, "cases.json")
	cj, _ := json.Marshal(cases)
	if err := os.WriteFile(gf, guard.Script(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cf, cj, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("guard", "testdata", "harness.js"), gf, cf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.Bytes())
	}
	var res []struct {
		Reached []string `json:"reached"`
	}
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(urls)+1 {
		t.Fatalf("harness output (%v): %d results for %d cases", err, len(res), len(urls))
	}
	blocked := 0
	for i, u := range urls {
		d := eng.Decide(u, "https://www.site.test/", filter.TypePing, consent.State{})
		if r, ok := strings.CutPrefix(d.Rule, "path "); ok && !guard.PathSupported(r) {
			continue // a signature the guard does not carry (README: not fixed)
		}
		core := d.Action == engine.Block && d.Category != consent.Consent && d.Category != consent.Necessary
		js := len(res[i].Reached) == 0
		if core {
			blocked++
		}
		if core != js {
			t.Errorf("%s: core blocks %v (%s %s), guard blocks %v", u, core, d.Vendor, d.Rule, js)
		}
	}
	t.Logf("%d path signatures, %d URLs, %d blocked by both", len(spec.BlockPaths), len(urls), blocked)
}
