//go:build !(js && wasm)

// The generator runs "go list"; a js/wasm test cannot start processes.

package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func xnetDir(t *testing.T) string {
	t.Helper()
	dir, _, err := locate()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "publicsuffix")
}

// TestDecodeMatchesRecordedRules checks the decoded trie against the rule list
// that x/net's own generator wrote next to the trie (table_test.go: rules and
// numICANNRules), in the list's original order: same rules, same sections.
func TestDecodeMatchesRecordedRules(t *testing.T) {
	dir := xnetDir(t)
	list, err := Decode(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, "table_test.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	numICANN := -1
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 {
			return true
		}
		switch vs.Names[0].Name {
		case "numICANNRules":
			numICANN, _ = strconv.Atoi(vs.Values[0].(*ast.BasicLit).Value)
		case "rules":
			for _, e := range vs.Values[0].(*ast.CompositeLit).Elts {
				s, err := strconv.Unquote(e.(*ast.BasicLit).Value)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, s)
			}
		}
		return true
	})
	if numICANN <= 0 || len(want) < 1000 {
		t.Fatalf("table_test.go: numICANNRules = %d, %d rules: not the expected layout", numICANN, len(want))
	}
	got := map[string]bool{} // rule -> ICANN
	for _, r := range list.Rules {
		if _, dup := got[r.Text]; dup {
			t.Errorf("rule %q decoded twice", r.Text)
		}
		got[r.Text] = r.ICANN
	}
	seen := map[string]bool{}
	for i, r := range want {
		if seen[r] {
			continue // the list may repeat a rule; the trie holds it once
		}
		seen[r] = true
		icann, ok := got[r]
		if !ok {
			t.Errorf("rule %d %q missing from the decoded trie", i, r)
			continue
		}
		if wantICANN := i < numICANN; icann != wantICANN {
			t.Errorf("rule %q: ICANN = %v, want %v", r, icann, wantICANN)
		}
	}
	for r := range got {
		if !seen[r] {
			t.Errorf("decoded rule %q is not in x/net's list", r)
		}
	}
	if list.Layout.Version == "" || !strings.Contains(list.Layout.Version, "git revision") {
		t.Errorf("version = %q", list.Layout.Version)
	}
}

func TestParseLayoutErrors(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(xnetDir(t), "table.go"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseLayout("table.go", good); err != nil {
		t.Fatalf("real table.go: %v", err)
	}
	tests := []struct{ name, from, to, wantErr string }{
		{"missing", "numTLD = ", "numTLDs = ", "numTLD not found"},
		{"odd bits", "nodesBits           = 40", "nodesBits           = 41", "multiple of 8"},
		{"too narrow", "nodesBitsTextOffset = 16", "nodesBitsTextOffset = 36", "more than nodesBits"},
		{"no version", "const version =", "const versio =", "version not found"},
		{"same types", "nodeTypeException  = 1", "nodeTypeException  = 0", "not distinct"},
		{"syntax", "package publicsuffix", "package", "expected"},
	}
	for _, tc := range tests {
		src := strings.Replace(string(good), tc.from, tc.to, 1)
		if src == string(good) {
			t.Fatalf("%s: %q not in table.go", tc.name, tc.from)
		}
		_, err := ParseLayout("table.go", []byte(src))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.wantErr)
		}
	}
}

// TestDecodeCorrupt checks that damaged data gives an error, not a panic or a
// silently wrong list.
func TestDecodeCorrupt(t *testing.T) {
	dir := xnetDir(t)
	src, _ := os.ReadFile(filepath.Join(dir, "table.go"))
	l, err := ParseLayout("table.go", src)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(filepath.Join(dir, "data/text"))
	nodes, _ := os.ReadFile(filepath.Join(dir, "data/nodes"))
	children, _ := os.ReadFile(filepath.Join(dir, "data/children"))
	if _, err := DecodeTrie(l, string(text), nodes, children); err != nil {
		t.Fatal(err)
	}
	flip := func(b []byte, i int) []byte {
		c := append([]byte(nil), b...)
		c[i] ^= 0xff
		return c
	}
	cases := map[string]func() error{
		"short nodes":    func() error { _, err := DecodeTrie(l, string(text), nodes[:len(nodes)-1], children); return err },
		"short children": func() error { _, err := DecodeTrie(l, string(text), nodes, children[:len(children)-2]); return err },
		"short text":     func() error { _, err := DecodeTrie(l, string(text[:len(text)/2]), nodes, children); return err },
		"bad node 0":     func() error { _, err := DecodeTrie(l, string(text), flip(nodes, 3), children); return err },
		"bad children": func() error {
			_, err := DecodeTrie(l, string(text), nodes, flip(children, len(children)-2))
			return err
		},
	}
	for name, f := range cases {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
