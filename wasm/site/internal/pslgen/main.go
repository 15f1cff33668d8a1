// Command pslgen writes psl.dat, the Public Suffix List rules used by package
// site, by decoding the compressed trie that golang.org/x/net/publicsuffix
// ships (publicsuffix/data/{text,nodes,children}) for the x/net version that
// the module's go.mod requires. It runs from `go generate` in wasm/site:
//
//	go run ./internal/pslgen -o psl.dat
//
// The trie layout and its bit widths are read from x/net's publicsuffix/table.go
// (constants parsed with go/parser, not hard-coded), so a newer x/net with a
// different layout is decoded correctly or rejected with a clear error.
//
// Each trie node carries a label, an ICANN bit, a node type (normal, exception,
// parent-only) and a wildcard bit. A node at path p yields the rule "p" (normal),
// "!p" (exception) and/or "*.p" (wildcard); parent-only nodes without wildcard
// are intermediate and yield nothing. Rules go to the ICANN or private section
// by the node's ICANN bit. x/net ANDs that bit over all rules ending at a node,
// so a node holding both an ICANN rule and a private one would put both in the
// private section: exactly the way x/net itself answers, and a test checks the
// decoded list against the rule list x/net's own generator recorded.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const xnet = "golang.org/x/net"

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "pslgen:", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("pslgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "psl.dat", "output file")
	dir := fs.String("xnet", "", "golang.org/x/net module directory (default: from `go list -m`)")
	ver := fs.String("version", "", "golang.org/x/net version for the header (default: from `go list -m`)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *ver == "" {
		d, v, err := locate()
		if err != nil {
			return err
		}
		if *dir == "" {
			*dir = d
		}
		if *ver == "" {
			*ver = v
		}
	}
	list, err := Decode(filepath.Join(*dir, "publicsuffix"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	list.Write(&buf, *ver)
	return os.WriteFile(*out, buf.Bytes(), 0o644)
}

// locate asks the go command for the directory and version of the x/net module
// required by the main module.
func locate() (dir, version string, err error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}\t{{.Version}}", xnet)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("go list -m %s: %v: %s", xnet, err, strings.TrimSpace(stderr.String()))
	}
	dir, version, ok := strings.Cut(strings.TrimSpace(string(b)), "\t")
	if !ok || version == "" {
		return "", "", fmt.Errorf("go list -m %s: unexpected output %q", xnet, b)
	}
	if dir == "" {
		return "", "", fmt.Errorf("%s %s is not in the module cache; run `go mod download %s`", xnet, version, xnet)
	}
	return dir, version, nil
}

// Layout holds the constants of x/net's publicsuffix/table.go.
type Layout struct {
	Version                                                       string // PSL git revision and date
	NodesBits, NodesBitsChildren, NodesBitsICANN                  int
	NodesBitsTextOffset, NodesBitsTextLength                      int
	ChildrenBitsWildcard, ChildrenBitsNodeType                    int
	ChildrenBitsHi, ChildrenBitsLo                                int
	NodeTypeNormal, NodeTypeException, NodeTypeParentOnly, NumTLD int
}

// ParseLayout reads the constants from the source of table.go.
func ParseLayout(filename string, src []byte) (*Layout, error) {
	f, err := parser.ParseFile(token.NewFileSet(), filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	consts := map[string]constant.Value{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
					consts[name.Name] = constant.MakeFromLiteral(lit.Value, lit.Kind, 0)
				}
			}
		}
	}
	l := &Layout{}
	ints := []struct {
		name string
		p    *int
	}{
		{"nodesBits", &l.NodesBits}, {"nodesBitsChildren", &l.NodesBitsChildren}, {"nodesBitsICANN", &l.NodesBitsICANN},
		{"nodesBitsTextOffset", &l.NodesBitsTextOffset}, {"nodesBitsTextLength", &l.NodesBitsTextLength},
		{"childrenBitsWildcard", &l.ChildrenBitsWildcard}, {"childrenBitsNodeType", &l.ChildrenBitsNodeType},
		{"childrenBitsHi", &l.ChildrenBitsHi}, {"childrenBitsLo", &l.ChildrenBitsLo},
		{"nodeTypeNormal", &l.NodeTypeNormal}, {"nodeTypeException", &l.NodeTypeException},
		{"nodeTypeParentOnly", &l.NodeTypeParentOnly}, {"numTLD", &l.NumTLD},
	}
	for _, c := range ints {
		v, ok := consts[c.name]
		if !ok || v.Kind() != constant.Int {
			return nil, fmt.Errorf("%s: integer constant %s not found", filename, c.name)
		}
		n, exact := constant.Int64Val(v)
		if !exact || n < 0 || n > 1<<20 {
			return nil, fmt.Errorf("%s: constant %s = %v out of range", filename, c.name, v)
		}
		*c.p = int(n)
	}
	v, ok := consts["version"]
	if !ok || v.Kind() != constant.String {
		return nil, fmt.Errorf("%s: string constant version not found", filename)
	}
	l.Version = constant.StringVal(v)
	switch {
	case l.NodesBits%8 != 0 || l.NodesBits == 0 || l.NodesBits > 64:
		return nil, fmt.Errorf("%s: nodesBits = %d, want a multiple of 8 in [8, 64]", filename, l.NodesBits)
	case l.NodesBitsChildren+l.NodesBitsICANN+l.NodesBitsTextOffset+l.NodesBitsTextLength > l.NodesBits:
		return nil, fmt.Errorf("%s: node fields need more than nodesBits = %d bits", filename, l.NodesBits)
	case l.NodesBitsICANN != 1 || l.ChildrenBitsWildcard != 1:
		return nil, fmt.Errorf("%s: nodesBitsICANN and childrenBitsWildcard must be 1", filename)
	case l.ChildrenBitsWildcard+l.ChildrenBitsNodeType+l.ChildrenBitsHi+l.ChildrenBitsLo > 32:
		return nil, fmt.Errorf("%s: children fields need more than 32 bits", filename)
	case l.NodeTypeNormal == l.NodeTypeException || l.NodeTypeNormal == l.NodeTypeParentOnly || l.NodeTypeException == l.NodeTypeParentOnly:
		return nil, fmt.Errorf("%s: node types are not distinct", filename)
	}
	return l, nil
}

// Rule is one Public Suffix List rule in its textual form ("co.uk", "*.ck",
// "!www.ck") with its section.
type Rule struct {
	Text  string
	ICANN bool
}

// List is the decoded rule list.
type List struct {
	Layout *Layout
	Rules  []Rule // in trie order (depth first, labels sorted)
}

// Decode reads table.go and data/{text,nodes,children} from x/net's
// publicsuffix directory and returns every rule of the trie.
func Decode(dir string) (*List, error) {
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	src, err := read("table.go")
	if err != nil {
		return nil, err
	}
	l, err := ParseLayout(filepath.Join(dir, "table.go"), src)
	if err != nil {
		return nil, err
	}
	text, err := read("data/text")
	if err != nil {
		return nil, err
	}
	nodes, err := read("data/nodes")
	if err != nil {
		return nil, err
	}
	children, err := read("data/children")
	if err != nil {
		return nil, err
	}
	return DecodeTrie(l, string(text), nodes, children)
}

// DecodeTrie decodes the trie given its layout and data.
func DecodeTrie(l *Layout, text string, nodes, children []byte) (*List, error) {
	nb := l.NodesBits / 8
	if len(nodes)%nb != 0 {
		return nil, fmt.Errorf("data/nodes: length %d is not a multiple of %d", len(nodes), nb)
	}
	if len(children)%4 != 0 {
		return nil, fmt.Errorf("data/children: length %d is not a multiple of 4", len(children))
	}
	numNodes, numChildren := len(nodes)/nb, len(children)/4
	if l.NumTLD > numNodes {
		return nil, fmt.Errorf("numTLD %d exceeds the %d nodes in data/nodes", l.NumTLD, numNodes)
	}
	mask := func(bits int) uint64 { return 1<<bits - 1 }
	node := func(i int) uint64 {
		var x uint64
		for _, b := range nodes[i*nb : (i+1)*nb] {
			x = x<<8 | uint64(b)
		}
		return x
	}
	seen := make([]bool, numNodes)
	list := &List{Layout: l}
	var walk func(lo, hi int, parent string, depth int) error
	walk = func(lo, hi int, parent string, depth int) error {
		if depth > 127 {
			return errors.New("trie deeper than 127 labels")
		}
		prev := ""
		for i := lo; i < hi; i++ {
			if seen[i] {
				return fmt.Errorf("data/nodes: node %d reached twice", i)
			}
			seen[i] = true
			x := node(i)
			length := int(x & mask(l.NodesBitsTextLength))
			x >>= l.NodesBitsTextLength
			offset := int(x & mask(l.NodesBitsTextOffset))
			x >>= l.NodesBitsTextOffset
			icann := x&1 != 0
			x >>= l.NodesBitsICANN
			ci := int(x & mask(l.NodesBitsChildren))
			if offset+length > len(text) {
				return fmt.Errorf("data/nodes: node %d: text [%d:%d] beyond data/text (%d bytes)", i, offset, offset+length, len(text))
			}
			label := text[offset : offset+length]
			if err := checkLabel(label); err != nil {
				return fmt.Errorf("data/nodes: node %d: label %q: %v", i, label, err)
			}
			if label <= prev && i > lo {
				return fmt.Errorf("data/nodes: node %d: label %q not after %q", i, label, prev)
			}
			prev = label
			if ci >= numChildren {
				return fmt.Errorf("data/nodes: node %d: children index %d beyond data/children (%d entries)", i, ci, numChildren)
			}
			c := uint64(children[ci*4])<<24 | uint64(children[ci*4+1])<<16 | uint64(children[ci*4+2])<<8 | uint64(children[ci*4+3])
			clo := int(c & mask(l.ChildrenBitsLo))
			c >>= l.ChildrenBitsLo
			chi := int(c & mask(l.ChildrenBitsHi))
			c >>= l.ChildrenBitsHi
			nt := int(c & mask(l.ChildrenBitsNodeType))
			c >>= l.ChildrenBitsNodeType
			wildcard := c&1 != 0
			if clo > chi || chi > numNodes {
				return fmt.Errorf("data/children: entry %d (node %d): children [%d, %d) outside [0, %d)", ci, i, clo, chi, numNodes)
			}
			path := label
			if parent != "" {
				path = label + "." + parent
			}
			switch nt {
			case l.NodeTypeNormal:
				list.Rules = append(list.Rules, Rule{path, icann})
			case l.NodeTypeException:
				list.Rules = append(list.Rules, Rule{"!" + path, icann})
			case l.NodeTypeParentOnly:
			default:
				return fmt.Errorf("data/children: entry %d (node %d): unknown node type %d", ci, i, nt)
			}
			if wildcard {
				list.Rules = append(list.Rules, Rule{"*." + path, icann})
			}
			if nt == l.NodeTypeParentOnly && !wildcard && clo == chi {
				return fmt.Errorf("data/nodes: node %d (%s) is neither a rule nor has children", i, path)
			}
			if err := walk(clo, chi, path, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(0, l.NumTLD, "", 0); err != nil {
		return nil, err
	}
	for i, ok := range seen {
		if !ok {
			return nil, fmt.Errorf("data/nodes: node %d is not reachable from the %d TLDs", i, l.NumTLD)
		}
	}
	return list, nil
}

func checkLabel(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("byte %d is %q, want [a-z0-9_-]", i, c)
		}
	}
	return nil
}

// Write writes the rule file: a header naming the source and licence, then the
// ICANN and private sections with the markers of public_suffix_list.dat.
func (l *List) Write(w *bytes.Buffer, xnetVersion string) {
	icann := 0
	for _, r := range l.Rules {
		if r.ICANN {
			icann++
		}
	}
	fmt.Fprintf(w, `// Public Suffix List rules for package site. Code generated by
// "go run ./internal/pslgen" (go generate in wasm/site); DO NOT EDIT.
//
// Source: %s,
// as shipped in %s %s (publicsuffix/data/{text,nodes,children}),
// decoded from x/net's trie. https://publicsuffix.org/
// Labels are ASCII (IDN labels in punycode); rules are in trie order (by TLD,
// then label), not in the order of public_suffix_list.dat.
// %d rules: %d ICANN, %d private.
//
// This Source Code Form is subject to the terms of the Mozilla Public
// License, v. 2.0. If a copy of the MPL was not distributed with this
// file, You can obtain one at https://mozilla.org/MPL/2.0/.
`, l.Layout.Version, xnet, xnetVersion, len(l.Rules), icann, len(l.Rules)-icann)
	for _, sec := range []struct {
		name  string
		icann bool
	}{{"ICANN", true}, {"PRIVATE", false}} {
		fmt.Fprintf(w, "\n// ===BEGIN %s DOMAINS===\n", sec.name)
		for _, r := range l.Rules {
			if r.ICANN == sec.icann {
				w.WriteString(r.Text)
				w.WriteByte('\n')
			}
		}
		fmt.Fprintf(w, "// ===END %s DOMAINS===\n", sec.name)
	}
}
