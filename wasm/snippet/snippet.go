// Package snippet recognises inline tracker snippets (the gtag, GTM, Meta
// pixel, TikTok, LinkedIn ... install codes pasted into pages) by signature.
//
// The signature list format (policylists/snippets.txt) is UTF-8 text, one
// signature a line, four fields separated by '|' with surrounding spaces
// trimmed (the signature is everything between the second and the last '|',
// so a regexp may contain '|'; the source may not):
//
//	# comment
//	vendor-id | category | signature | source
//	google-tag-manager | tag-manager | 'gtm.start' | https://developers.google.com/tag-platform/tag-manager/web
//	facebook | advertising | re:fbq\(\s*['"]init['"] | https://developers.facebook.com/docs/meta-pixel
//
// The vendor id is a slug ([a-z0-9-]+), the category a consent category name
// (consent.ParseCategory), the signature either a case-sensitive substring of
// at least 3 bytes or "re:" followed by a Go regexp whose literal prefix
// (regexp.LiteralPrefix) is at least 3 bytes, and the source where the
// snippet is documented. Parse reports bad lines as *Error (file, line,
// field) and keeps going.
//
// Matching is a single pass over the script with a two-byte prefilter: each
// signature is keyed on its rarest pair of adjacent bytes (by a static
// estimate of byte frequency in JavaScript), and a bitset of those pairs
// selects the positions where candidates are verified. Match never
// allocates.
package snippet

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/consentguard/consentguard/wasm/consent"
)

// MinSignature is the shortest literal signature (or regexp literal prefix).
const MinSignature = 3

// Match is one signature found in a script.
type Match struct {
	Vendor    string           // vendor id ("google-analytics")
	Category  consent.Category // the vendor's category for this snippet
	Signature string           // the signature as written in the list ("re:..." for a regexp)
	Source    string           // documentation URL from the list
	Offset    int              // byte offset of the match in the script
}

// Error is a bad line in a signature list.
type Error struct {
	File  string
	Line  int
	Field string // "vendor", "category", "signature", "source" or "line"
	Msg   string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Msg)
}

type sig struct {
	Match
	lit []byte         // literal, or the regexp's literal prefix
	re  *regexp.Regexp // anchored regexp, nil for a literal
	k   int            // offset in lit of the two bytes the prefilter keys on
}

// Set is a compiled signature list. It is safe for concurrent use.
type Set struct {
	sigs  []sig
	bits  [1024]uint64       // bit k set: some signature has its key pair k
	cands map[uint16][]int32 // two-byte key -> signature indexes, in list order
	maxK  int                // largest key offset
}

// Parse compiles a signature list. name is used in error messages. Bad lines
// are reported and skipped; the returned Set holds every good line.
func Parse(name string, data []byte) (*Set, []error) {
	s := &Set{cands: make(map[uint16][]int32)}
	var errs []error
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		t := strings.TrimSpace(string(l))
		if t == "" || t[0] == '#' {
			continue
		}
		g, err := parseLine(t)
		if err != nil {
			err.File, err.Line = name, line
			errs = append(errs, err)
			continue
		}
		s.add(g)
	}
	return s, errs
}

func parseLine(t string) (sig, *Error) {
	var g sig
	// vendor | category | signature | source: the signature is everything
	// between the second and the last '|', so a regexp may use '|'.
	f := strings.SplitN(t, "|", 3)
	last := strings.LastIndexByte(t, '|')
	if len(f) != 3 || last <= len(f[0])+len(f[1])+1 {
		return g, &Error{Field: "line", Msg: "want 4 fields: vendor | category | signature | source"}
	}
	f = append(f[:2], t[len(f[0])+len(f[1])+2:last], t[last+1:])
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	if !slug(f[0]) {
		return g, &Error{Field: "vendor", Msg: fmt.Sprintf("vendor id %q is not a slug [a-z0-9-]+", f[0])}
	}
	c, err := consent.ParseCategory(f[1])
	if err != nil || c == consent.None {
		return g, &Error{Field: "category", Msg: fmt.Sprintf("unknown category %q", f[1])}
	}
	if f[3] == "" {
		return g, &Error{Field: "source", Msg: "missing source"}
	}
	g.Vendor, g.Category, g.Signature, g.Source = f[0], c, f[2], f[3]
	if expr, ok := strings.CutPrefix(f[2], "re:"); ok {
		re, err := regexp.Compile(`^(?:` + expr + `)`)
		if err != nil {
			return g, &Error{Field: "signature", Msg: fmt.Sprintf("bad regexp: %v", err)}
		}
		plain, err := regexp.Compile(expr)
		if err != nil {
			return g, &Error{Field: "signature", Msg: fmt.Sprintf("bad regexp: %v", err)}
		}
		prefix, _ := plain.LiteralPrefix()
		if len(prefix) < MinSignature {
			return g, &Error{Field: "signature", Msg: fmt.Sprintf("regexp literal prefix %q shorter than %d bytes", prefix, MinSignature)}
		}
		g.lit, g.re = []byte(prefix), re
		return g, nil
	}
	if len(f[2]) < MinSignature {
		return g, &Error{Field: "signature", Msg: fmt.Sprintf("signature %q shorter than %d bytes", f[2], MinSignature)}
	}
	g.lit = []byte(f[2])
	return g, nil
}

func slug(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// commonness estimates how often a byte occurs in JavaScript source: the
// prefilter keys each signature on its rarest pair of adjacent bytes.
func commonness(c byte) int {
	switch {
	case c == ' ' || c == 'e' || c == 't' || c == 'a' || c == 'o' || c == 'i' || c == 'n' || c == 's' || c == 'r':
		return 4
	case 'a' <= c && c <= 'z', c == '.', c == '(', c == ')', c == '\'', c == '"', c == ';', c == ',', c == '=', c == '\n', c == '\t':
		return 3
	case '0' <= c && c <= '9', c == '/', c == '-', c == ':', c == '{', c == '}', c == '[', c == ']':
		return 2
	}
	return 1
}

func (s *Set) add(g sig) {
	best := 1 << 30
	for i := 0; i+1 < len(g.lit); i++ {
		if c := commonness(g.lit[i]) + commonness(g.lit[i+1]); c < best {
			best, g.k = c, i
		}
	}
	s.maxK = max(s.maxK, g.k)
	k := uint16(g.lit[g.k])<<8 | uint16(g.lit[g.k+1])
	s.bits[k>>6] |= 1 << (k & 63)
	s.cands[k] = append(s.cands[k], int32(len(s.sigs)))
	s.sigs = append(s.sigs, g)
}

// Len returns the number of signatures.
func (s *Set) Len() int { return len(s.sigs) }

// Vendors returns the distinct vendor ids in list order.
func (s *Set) Vendors() []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range s.sigs {
		if !seen[g.Vendor] {
			seen[g.Vendor] = true
			out = append(out, g.Vendor)
		}
	}
	return out
}

// Match returns the leftmost signature found in script (the first listed one
// when several start at the same offset).
func (s *Set) Match(script []byte) (Match, bool) {
	return s.Find(script, nil)
}

// Find returns the leftmost signature found in script for which pred returns
// true (pred nil accepts every match). The edge uses it to find the first
// snippet of a category the visitor has not consented to.
func (s *Set) Find(script []byte, pred func(Match) bool) (Match, bool) {
	if s == nil || len(s.sigs) == 0 {
		return Match{}, false
	}
	// A signature keyed at offset k is found when its key pair is at i,
	// starting at i-k: scan on until no later key can start further left.
	var best *sig
	at, bestIdx := 0, int32(0)
	for i := 0; i+1 < len(script); i++ {
		if best != nil && i > at+s.maxK {
			break
		}
		k := uint16(script[i])<<8 | uint16(script[i+1])
		if s.bits[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		for _, j := range s.cands[k] {
			g := &s.sigs[j]
			start := i - g.k
			if start < 0 || best != nil && (start > at || start == at && j > bestIdx) {
				continue
			}
			rest := script[start:]
			if !bytes.HasPrefix(rest, g.lit) {
				continue
			}
			if g.re != nil && !g.re.Match(rest) {
				continue
			}
			if pred != nil {
				m := g.Match
				m.Offset = start
				if !pred(m) {
					continue
				}
			}
			best, at, bestIdx = g, start, j
		}
	}
	if best != nil {
		m := best.Match
		m.Offset = at
		return m, true
	}
	return Match{}, false
}
