package edge

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/edge/guard"
	"github.com/consentguard/consentguard/internal/fixture"
	"github.com/consentguard/consentguard/wasm/catalog"
)

// TestBeaconSignaturesNode: for the path signatures the guard carries
// with nothing granted (the embedded lists), the guard's JavaScript
// matcher, run in node, refuses exactly the first-party beacons that
// the core matches (catalog.Path.MatchAnyPrefix, as wasm/tracker does for
// signatures without domain=): on URLs built from each signature (behind a
// prefix, and altered so they must not match) and on the paths of real
// requests.
func TestBeaconSignaturesNode(t *testing.T) {
	node := nodeForTest(t)
	r := newRig(t, http.NotFoundHandler(), nil)
	spec := guard.Spec{BeaconPaths: r.proxy.guardSpec(0).Compact().BeaconPaths}
	var sigs []catalog.Path
	var paths []string
	for _, s := range spec.BeaconPaths {
		p, err := catalog.ParsePath(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		sigs = append(sigs, p)
		paths = append(paths, sigURLs(p)...)
	}
	paths = append(paths, realPaths(t, 4000)...)
	db := r.proxy.eng.Trackers()
	carried := map[string]bool{}
	for _, s := range spec.BeaconPaths {
		carried[s] = true
	}
	type hcase struct {
		Kind string `json:"kind"`
		Arg  string `json:"arg"`
	}
	cases := make([]hcase, len(paths))
	for i, p := range paths {
		cases[i] = hcase{"beacon", "https://shop.example" + p}
	}
	dir := t.TempDir()
	g, c := filepath.Join(dir, "guard.js"), filepath.Join(dir, "cases.json")
	os.WriteFile(g, guard.Script(spec), 0o644)
	cj, _ := json.Marshal(cases)
	os.WriteFile(c, cj, 0o644)
	out, err := exec.Command(node, filepath.Join("guard", "testdata", "harness.js"), g, c).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var res []struct {
		Result any `json:"result"`
	}
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(paths)+1 {
		t.Fatalf("harness output (%d results for %d cases): %v", len(res), len(paths), err)
	}
	blocked, bad := 0, 0
	for i, p := range paths {
		core := false
		for _, s := range sigs {
			if s.MatchAnyPrefix(p) {
				core = true
				break
			}
		}
		js := res[i].Result == false // sendBeacon returns false when refused
		// The core itself: a signature the guard carries that wasm/tracker
		// finds for this first-party URL must be refused.
		if m, ok := db.URL("shop.example", p); ok && m.Kind == catalog.KindPath && carried[m.Pattern] && !js {
			t.Errorf("beacon %s: wasm/tracker finds %q, the guard lets it through", p, m.Pattern)
		}
		if core {
			blocked++
		}
		if js != core && bad < 20 {
			bad++
			t.Errorf("beacon %s: guard refuses %v, wasm/catalog matches %v", p, js, core)
		}
	}
	if blocked < len(sigs) {
		t.Errorf("only %d of %d cases match a signature: the built URLs should", blocked, len(paths))
	}
	t.Logf("%d signatures, %d cases, %d matched", len(sigs), len(paths), blocked)
}

// sigURLs builds, from a signature, a path and query that matches it (each
// '*' a run "x/y", every parameter present) and variants that must not
// (the path running on past the signature's end, the last parameter
// missing, the first literal byte changed).
func sigURLs(p catalog.Path) []string {
	path := strings.ReplaceAll(p.Pattern, "*", "x/y")
	var q []string
	for _, prm := range p.Params {
		v := prm.Value
		if prm.Prefix {
			v += "abc"
		}
		q = append(q, prm.Name+"="+v)
	}
	full := path
	if len(q) > 0 {
		full += "?" + strings.Join(q, "&")
	}
	rest := strings.TrimPrefix(full, path)
	out := []string{full, "/metrics" + full, path + "/more" + rest, path + "x" + rest, "/metrics" + path + "x" + rest}
	if len(q) > 0 {
		out = append(out, path+"?"+strings.Join(q[:len(q)-1], "&"))
	}
	if i := strings.IndexFunc(path, func(r rune) bool { return r >= 'a' && r <= 'z' }); i >= 0 {
		out = append(out, path[:i]+"Q"+full[i+1:])
	}
	return out
}

// realPaths returns up to n paths with queries of the real requests in
// ../shared, those whose characters a URL parser leaves as they are.
func realPaths(t *testing.T, n int) []string {
	f, err := os.Open(fixture.SharedPath(t, "data/requests/requests.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() && len(out) < n {
		var rq struct{ URL string }
		if json.Unmarshal(sc.Bytes(), &rq) != nil {
			continue
		}
		u, err := url.Parse(rq.URL)
		if err != nil || u.Fragment != "" || u.Opaque != "" {
			continue
		}
		p := u.EscapedPath()
		if u.RawQuery != "" {
			p += "?" + u.RawQuery
		}
		if p == "" || strings.Trim(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/!$&()*+,;=:@%?") != "" ||
			strings.Contains(p, "%2") || strings.Contains(p, "/.") {
			continue
		}
		out = append(out, p)
	}
	return out
}
