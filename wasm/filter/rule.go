package filter

import (
	"errors"
	"fmt"
	"github.com/consentguard/consentguard/wasm/site"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Rule flags.
const (
	fException uint16 = 1 << iota
	fImportant
	fMatchCase
	fBadfilter
	fHostAnchor  // "||"
	fLeftAnchor  // "|" at the start
	fRightAnchor // "|" at the end
	fRegex       // "/.../"
	fFirstParty  // applies to first-party requests
	fThirdParty  // applies to third-party requests
	fHostOnly    // host-anchored pattern made of host characters only
	fHasStar     // pattern contains '*'
	fHasCaret    // pattern contains '^'

	flagMask = fHasCaret<<1 - 1

	// fLast marks the last rule of an index bucket (engine rules only; not
	// part of a rule's meaning).
	fLast uint16 = 1 << 13

	// fRedirected marks a rule parsed from "redirect=" (applied as a block).
	// Compile clears it; it is not part of a rule's meaning.
	fRedirected uint16 = 1 << 15
)

// MaxLineLength is the longest rule line accepted; longer lines are errors.
const MaxLineLength = 64 << 10

// Rule is one parsed network rule (an Adblock Plus network filter).
// A Rule from an Engine is shared and must not be modified.
type Rule struct {
	pattern string // lower-cased unless match-case; regex source for fRegex
	aux     *ruleAux
	flags   uint16
	types   Type
	list    uint16
	bloom   uint16 // bit (0..255) of a second token in Request.bloom, or noBloom
}

const noBloom = 0xffff

// ruleAux holds the rarely present parts of a rule.
type ruleAux struct {
	include []string // domain= entries
	exclude []string // domain=~ entries
	lit     string   // a literal every match contains (regex pre-filter)

	rx *ruleRegex // "/regex/" rules only

	incH, excH []uint64 // sorted hashes of include / exclude (domainHash, entityHash for "x.*")
	incM, excM uint64   // 64-bit filters of incH / excH (bit h&63)
}

// ruleRegex is the regular expression of a "/regex/" rule: compiled by
// ParseRule and Compile; engines read by Load compile src on first use.
type ruleRegex struct {
	re        *regexp.Regexp
	src       string
	matchCase bool
	once      sync.Once
}

// regex returns the compiled regular expression of a's rule, compiling it
// on the first call for engines read by Load; nil if it does not compile
// (a corrupt serialised engine: the rule never matches).
func (a *ruleAux) regex() *regexp.Regexp {
	x := a.rx
	if x == nil {
		return nil
	}
	x.once.Do(func() {
		if x.re == nil {
			x.re, _, _ = compileRegex(x.src, x.matchCase)
		}
	})
	return x.re
}

// hashDomains fills incH and excH, in slab (len(include)+len(exclude)
// entries) when it is not nil.
func (a *ruleAux) hashDomains(slab []uint64) {
	h := func(list []string, out []uint64) []uint64 {
		if len(list) == 0 {
			return nil
		}
		if out == nil {
			out = make([]uint64, len(list))
		}
		out = out[:len(list):len(list)]
		for i, d := range list {
			if strings.HasSuffix(d, ".*") {
				out[i] = entityHash(d[:len(d)-2])
			} else {
				out[i] = domainHash(d)
			}
		}
		slices.Sort(out)
		return out
	}
	var si, se []uint64
	if slab != nil {
		si, se = slab[:len(a.include)], slab[len(a.include):]
	}
	a.incH, a.excH = h(a.include, si), h(a.exclude, se)
	a.incM, a.excM = 0, 0
	for _, x := range a.incH {
		a.incM |= 1 << (x & 63)
	}
	for _, x := range a.excH {
		a.excM |= 1 << (x & 63)
	}
}

// ErrSkipped is wrapped by the error ParseRule returns for a valid line that is
// not a network rule this package applies (comments, cosmetic rules, scriptlets,
// redirect/removeparam/csp rules, unsupported options). Use SkipKind to get the kind.
var ErrSkipped = errors.New("skipped")

// skipError reports a line that is deliberately not applied.
type skipError struct{ kind string }

func (e *skipError) Error() string { return "skipped (" + e.kind + ")" }
func (e *skipError) Unwrap() error { return ErrSkipped }

// SkipKind returns the kind of a skipped line ("comment", "cosmetic",
// "scriptlet", "redirect", "removeparam", "csp", "popup",
// "unsupported-option:NAME" ...) and true, or "", false if err is not a skip.
func SkipKind(err error) (string, bool) {
	var s *skipError
	if errors.As(err, &s) {
		return s.kind, true
	}
	return "", false
}

func skip(kind string) error { return &skipError{kind} }

// ParseError is a malformed line of a list.
type ParseError struct {
	List string // list name
	Line int    // 1-based line number
	Text string // the line (shortened to 200 bytes)
	Err  error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %v: %s", e.List, e.Line, e.Err, e.Text)
}

func (e *ParseError) Unwrap() error { return e.Err }

// cosmetic markers: element hiding, extended CSS, snippets, HTML filters.
var cosmeticMarkers = []string{"##", "#@#", "#?#", "#@?#", "#$#", "#@$#", "#%#", "#@%#"}

// ParseRule parses one line of an Adblock Plus filter list as a network rule.
// Lines that are valid but not applied return an error wrapping ErrSkipped
// (see SkipKind); malformed lines return other errors.
func ParseRule(line string) (*Rule, error) {
	r := new(Rule)
	if err := r.parse(line); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Rule) parse(line string) error {
	if len(line) > MaxLineLength {
		return fmt.Errorf("line too long (%d bytes, limit %d)", len(line), MaxLineLength)
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return skip("empty")
	}
	if !utf8.ValidString(line) {
		return errors.New("invalid UTF-8")
	}
	for i := 0; i < len(line); i++ {
		if c := line[i]; c < ' ' || c == 0x7f {
			return fmt.Errorf("control character %#02x", c)
		}
	}
	if line[0] == '!' || (line[0] == '[' && line[len(line)-1] == ']') {
		return skip("comment")
	}
	if i := strings.IndexByte(line, '#'); i >= 0 {
		for _, m := range cosmeticMarkers {
			if j := strings.Index(line, m); j >= 0 {
				rest := line[j+len(m):]
				if strings.HasPrefix(rest, "+js(") || m == "#%#" || m == "#@%#" {
					return skip("scriptlet")
				}
				return skip("cosmetic")
			}
		}
	}
	if strings.Contains(line, "$$") || strings.Contains(line, "$@$") {
		return skip("html")
	}
	*r = Rule{flags: fFirstParty | fThirdParty, types: TypeAll, bloom: noBloom}
	if strings.HasPrefix(line, "@@") {
		r.flags |= fException
		line = line[2:]
	}
	pat := line
	hasOpts := false
	if i := lastOptionsDollar(line); i >= 0 {
		pat = line[:i]
		hasOpts = true
		if err := r.parseOptions(line[i+1:]); err != nil {
			return err
		}
	}
	if err := r.parsePattern(pat); err != nil {
		return err
	}
	if r.pattern == "" && !hasOpts {
		return errors.New("empty pattern without options would match every request")
	}
	return nil
}

// lastOptionsDollar returns the index of the '$' starting the options, or -1.
func lastOptionsDollar(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '$' && (i == 0 || s[i-1] != '\\') {
			if i+1 < len(s) && s[i+1] == '/' {
				return -1 // "/re$/" : part of a regex, no options
			}
			return i
		}
	}
	return -1
}

func (r *Rule) parseOptions(opts string) error {
	if opts == "" {
		return errors.New("empty option list")
	}
	var pos, neg Type
	var skipKind string
	var include, exclude []string
	redirect := false
	for _, o := range strings.Split(opts, ",") {
		name, value, hasValue := strings.Cut(o, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		negated := strings.HasPrefix(name, "~")
		base := strings.TrimPrefix(name, "~")
		if base == "" {
			return fmt.Errorf("empty option in %q", opts)
		}
		if hasValue && base != "domain" && base != "from" {
			// value options we do not apply
			switch base {
			case "redirect":
				// Like uBO and Ghostery, "redirect=" blocks (the resource
				// substitution itself is not applied); exceptions are skipped.
				if negated || value == "" {
					return errors.New("redirect needs a resource name")
				}
				if r.flags&fException != 0 {
					skipKind = firstKind(skipKind, "redirect")
				} else {
					redirect = true
				}
			case "redirect-rule":
				skipKind = firstKind(skipKind, "redirect")
			case "removeparam", "queryprune":
				skipKind = firstKind(skipKind, "removeparam")
			case "csp":
				skipKind = firstKind(skipKind, "csp")
			case "rewrite":
				skipKind = firstKind(skipKind, "rewrite")
			default:
				skipKind = firstKind(skipKind, "unsupported-option:"+safeKind(base))
			}
			continue
		}
		switch base {
		case "domain", "from":
			if negated || !hasValue || value == "" {
				return fmt.Errorf("option %q needs a value", base)
			}
			for _, d := range strings.Split(value, "|") {
				ex := strings.HasPrefix(d, "~")
				d = strings.TrimPrefix(d, "~")
				nd, err := normDomain(d)
				if err != nil {
					return fmt.Errorf("domain %q: %w", d, err)
				}
				if ex {
					exclude = append(exclude, nd)
				} else {
					include = append(include, nd)
				}
			}
		case "third-party", "3p":
			if negated {
				r.flags &^= fThirdParty
			} else {
				r.flags &^= fFirstParty
			}
		case "first-party", "1p":
			if negated {
				r.flags &^= fFirstParty
			} else {
				r.flags &^= fThirdParty
			}
		case "important":
			if negated {
				return errors.New("~important is not an option")
			}
			r.flags |= fImportant
		case "match-case":
			if negated {
				return errors.New("~match-case is not an option")
			}
			r.flags |= fMatchCase
		case "badfilter":
			if negated {
				return errors.New("~badfilter is not an option")
			}
			r.flags |= fBadfilter
		case "all":
			if negated {
				return errors.New("~all is not an option")
			}
			pos |= TypeAll
		case "popup", "popunder":
			skipKind = firstKind(skipKind, "popup")
		case "csp":
			if r.flags&fException == 0 {
				return fmt.Errorf("option %q needs a value", base)
			}
			skipKind = firstKind(skipKind, "csp")
		case "redirect", "redirect-rule":
			if r.flags&fException == 0 {
				return fmt.Errorf("option %q needs a value", base)
			}
			skipKind = firstKind(skipKind, "redirect")
		case "removeparam", "queryprune":
			skipKind = firstKind(skipKind, "removeparam")
		case "rewrite":
			return fmt.Errorf("option %q needs a value", base)
		default:
			t, ok := optionType(base)
			if !ok {
				skipKind = firstKind(skipKind, "unsupported-option:"+safeKind(base))
				continue
			}
			if negated {
				neg |= t
			} else {
				pos |= t
			}
		}
	}
	if skipKind != "" {
		return skip(skipKind)
	}
	if redirect {
		r.flags |= fRedirected
	}
	switch {
	case pos == 0 && neg == 0:
		r.types = TypeAll
	case pos == 0:
		r.types = TypeAll &^ neg
	default:
		r.types = pos &^ neg
	}
	if r.types == 0 {
		return errors.New("options exclude every request type")
	}
	if r.flags&(fFirstParty|fThirdParty) == 0 {
		return errors.New("options exclude both first and third party")
	}
	if len(include)+len(exclude) > 0 {
		r.aux = &ruleAux{include: include, exclude: exclude}
	}
	return nil
}

func firstKind(cur, k string) string {
	if cur != "" {
		return cur
	}
	return k
}

// safeKind bounds an option name used as a report key.
func safeKind(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}

// normDomain lower-cases a domain= entry and converts IDNs to punycode.
// "example.*" (any public suffix) is kept.
func normDomain(d string) (string, error) {
	if d == "" {
		return "", errors.New("empty domain")
	}
	if len(d) > 2 && d[0] == '[' && d[len(d)-1] == ']' {
		// IPv6 literal: kept without brackets, as request hosts are
		for _, c := range d[1 : len(d)-1] {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.') {
				return "", fmt.Errorf("bad IPv6 address %q", d)
			}
		}
		return strings.ToLower(d[1 : len(d)-1]), nil
	}
	entity := strings.HasSuffix(d, ".*")
	name := strings.TrimSuffix(d, ".*")
	name = strings.ToLower(name)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 0x80 {
			p, err := site.ToASCII(name)
			if err != nil {
				return "", err
			}
			name = p
			break
		}
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return "", fmt.Errorf("character %q not allowed", c)
		}
	}
	if name == "" || name[0] == '.' || name[len(name)-1] == '.' {
		return "", errors.New("bad domain")
	}
	if entity {
		name += ".*"
	}
	return name, nil
}

func (r *Rule) parsePattern(p string) error {
	if strings.ContainsAny(p, " \t") {
		return errors.New("white space in pattern")
	}
	if len(p) >= 2 && p[0] == '/' && p[len(p)-1] == '/' {
		src := p[1 : len(p)-1]
		if src == "" {
			return errors.New("empty regular expression")
		}
		if strings.Contains(src, "(?=") || strings.Contains(src, "(?!") ||
			strings.Contains(src, "(?<=") || strings.Contains(src, "(?<!") {
			return errors.New("regular expression lookaround is not supported")
		}
		r.flags |= fRegex
		r.pattern = src
		re, lit, err := compileRegex(src, r.flags&fMatchCase != 0)
		if err != nil {
			return err
		}
		if r.aux == nil {
			r.aux = new(ruleAux)
		}
		r.aux.lit = lit
		r.aux.rx = &ruleRegex{re: re, src: src, matchCase: r.flags&fMatchCase != 0}
		return nil
	}
	if strings.HasPrefix(p, "||") {
		r.flags |= fHostAnchor
		p = p[2:]
	} else if strings.HasPrefix(p, "|") {
		r.flags |= fLeftAnchor
		p = p[1:]
	}
	if strings.HasSuffix(p, "|") {
		r.flags |= fRightAnchor
		p = p[:len(p)-1]
	}
	// collapse runs of '*'
	if strings.Contains(p, "**") {
		var b strings.Builder
		for i := 0; i < len(p); i++ {
			if p[i] == '*' && i > 0 && p[i-1] == '*' {
				continue
			}
			b.WriteByte(p[i])
		}
		p = b.String()
	}
	if strings.HasPrefix(p, "*") {
		r.flags &^= fHostAnchor | fLeftAnchor
		p = p[1:]
	}
	if strings.HasSuffix(p, "*") {
		r.flags &^= fRightAnchor
		p = p[:len(p)-1]
	}
	if p == "" {
		r.flags &^= fHostAnchor | fLeftAnchor | fRightAnchor
	}
	if r.flags&fMatchCase == 0 {
		p = lowerString(p)
	}
	if r.flags&fHostAnchor != 0 {
		host := p
		if i := strings.IndexFunc(p, func(c rune) bool { return !isHostRune(c) }); i >= 0 {
			host = p[:i]
		}
		if host != "" && host == p && r.flags&fRightAnchor == 0 {
			r.flags |= fHostOnly
		}
		if host != "" && !isASCII(host) {
			a, err := site.ToASCII(host)
			if err != nil {
				return fmt.Errorf("host %q: %w", host, err)
			}
			p = a + p[len(host):]
			if r.flags&fHostOnly != 0 && !isHostString(a) {
				r.flags &^= fHostOnly
			}
		}
	}
	if strings.IndexByte(p, '*') >= 0 {
		r.flags |= fHasStar
	}
	if strings.IndexByte(p, '^') >= 0 {
		r.flags |= fHasCaret
	}
	r.pattern = p
	return nil
}

func isHostRune(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c >= 0x80
}

func isHostString(s string) bool {
	for _, c := range s {
		if !isHostRune(c) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// lowerString lower-cases ASCII letters (and other letters via strings.ToLower).
func lowerString(s string) string {
	if !isASCII(s) {
		return strings.ToLower(s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// compileRegex compiles an ABP /regex/ with Go's regexp (RE2 syntax; no
// lookaround or back-references) and extracts a literal every match contains.
func compileRegex(src string, matchCase bool) (*regexp.Regexp, string, error) {
	expr := src
	if !matchCase {
		expr = "(?i)" + src
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return nil, "", fmt.Errorf("regular expression: %s", se.Code)
		}
		return nil, "", fmt.Errorf("regular expression: %v", err)
	}
	lit := ""
	if t, err := syntax.Parse(src, syntax.Perl); err == nil {
		t = t.Simplify()
		var subs []*syntax.Regexp
		if t.Op == syntax.OpConcat {
			subs = t.Sub
		} else {
			subs = []*syntax.Regexp{t}
		}
		for _, s := range subs {
			if s.Op == syntax.OpLiteral && len(s.Rune) > len(lit) && s.Flags&syntax.FoldCase == 0 {
				lit = string(s.Rune)
			}
		}
	}
	if !matchCase {
		lit = strings.ToLower(lit)
	}
	if !isASCII(lit) {
		lit = ""
	}
	return re, lit, nil
}

// Exception reports whether r is an "@@" exception rule.
func (r *Rule) Exception() bool { return r.flags&fException != 0 }

// Important reports whether r has the "important" option.
func (r *Rule) Important() bool { return r.flags&fImportant != 0 }

// Types returns the request types r applies to.
func (r *Rule) Types() Type { return r.types }

// String returns the canonical text of r: ParseRule(r.String()) gives an
// equal rule, and its String is the same text.
func (r *Rule) String() string {
	var b strings.Builder
	if r.flags&fException != 0 {
		b.WriteString("@@")
	}
	p := r.pattern
	if r.flags&fRegex != 0 {
		b.WriteByte('/')
		b.WriteString(p)
		b.WriteByte('/')
	} else {
		lead := ""
		switch {
		case r.flags&fHostAnchor != 0:
			lead = "||"
		case r.flags&fLeftAnchor != 0:
			lead = "|"
		case p == "":
			lead = "*"
		case p[0] == '|' || p[0] == '!' || p[0] == '[' || strings.HasPrefix(p, "@@") || (p[0] == '/' && len(p) >= 2 && p[len(p)-1] == '/' && r.flags&fRightAnchor == 0):
			lead = "*"
		}
		b.WriteString(lead)
		b.WriteString(p)
		if r.flags&fRightAnchor != 0 {
			b.WriteByte('|')
		} else if p != "" && (p[len(p)-1] == '|' || (lead != "*" && p[0] == '/' && p[len(p)-1] == '/' && len(p) >= 2)) {
			b.WriteByte('*')
		}
	}
	var opts []string
	if r.types != TypeAll {
		n, c := 0, 0
		for i := range typeNames {
			if r.types&(1<<i) != 0 {
				n++
			} else {
				c++
			}
		}
		for i, name := range typeNames {
			if n <= c && r.types&(1<<i) != 0 {
				opts = append(opts, name)
			} else if n > c && r.types&(1<<i) == 0 {
				opts = append(opts, "~"+name)
			}
		}
	}
	switch r.flags & (fFirstParty | fThirdParty) {
	case fThirdParty:
		opts = append(opts, "third-party")
	case fFirstParty:
		opts = append(opts, "~third-party")
	}
	if a := r.aux; a != nil && len(a.include)+len(a.exclude) > 0 {
		var d strings.Builder
		d.WriteString("domain=")
		for i, s := range a.include {
			if i > 0 {
				d.WriteByte('|')
			}
			writeDomain(&d, s)
		}
		for i, s := range a.exclude {
			if i > 0 || len(a.include) > 0 {
				d.WriteByte('|')
			}
			d.WriteByte('~')
			writeDomain(&d, s)
		}
		opts = append(opts, d.String())
	}
	if r.flags&fImportant != 0 {
		opts = append(opts, "important")
	}
	if r.flags&fMatchCase != 0 {
		opts = append(opts, "match-case")
	}
	if r.flags&fBadfilter != 0 {
		opts = append(opts, "badfilter")
	}
	if len(opts) == 0 && (p == "" || strings.IndexByte(p, '$') >= 0) {
		opts = append(opts, "all")
	}
	if len(opts) > 0 {
		b.WriteByte('$')
		b.WriteString(strings.Join(opts, ","))
	}
	return b.String()
}

// writeDomain writes a domain= entry, bracketing IPv6 literals.
func writeDomain(b *strings.Builder, d string) {
	if strings.IndexByte(d, ':') >= 0 {
		b.WriteByte('[')
		b.WriteString(d)
		b.WriteByte(']')
		return
	}
	b.WriteString(d)
}

// equal reports whether two rules have the same meaning (list ignored).
func (r *Rule) equal(o *Rule) bool {
	if r.pattern != o.pattern || r.flags&^(fRedirected|fLast) != o.flags&^(fRedirected|fLast) || r.types != o.types {
		return false
	}
	var ai, ae, bi, be []string
	if r.aux != nil {
		ai, ae = r.aux.include, r.aux.exclude
	}
	if o.aux != nil {
		bi, be = o.aux.include, o.aux.exclude
	}
	return slicesEqual(ai, bi) && slicesEqual(ae, be)
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
