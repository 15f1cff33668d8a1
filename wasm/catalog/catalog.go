// Package catalog parses consentguard's own list format: curated facts that
// map tracker hosts, path/query signatures and cookie names to a vendor and a
// consent category. The tracker lists and the cookie lists share it.
//
// The format is UTF-8 text with one fact per line, so that a change to a list
// is a one-line diff:
//
//	# comment lines start with '#'; blank lines are ignored
//	[google-analytics] Google Analytics     section: vendor id (slug [a-z0-9-]+) and display name
//	category analytics                      the vendor's default category (consent.ParseCategory names)
//	source https://support.google.com/...   where the facts come from (one or more, required)
//	owner Google                            optional company
//	host google-analytics.com               tracker host; matches the host and its subdomains
//	path /g/collect?v=2&tid=G-              path signature (see below)
//	cookie _ga                              exact cookie name
//	cookie _ga_*                            prefix pattern ('*' matches any run of characters)
//	cookie mp_*_mixpanel                    glob pattern
//	cookie NID category=advertising domain=google.com
//
// Entry lines (host, path, cookie) may end with options: category=NAME
// overrides the vendor's category for that entry; domain=HOST restricts a
// cookie (or a path signature) to that host and its subdomains.
//
// A path signature is a path pattern, optionally followed by '?' and the query
// parameters that must be present, separated by '&':
//
//   - The path pattern starts with '/' or '*'. '*' matches any run of
//     characters. The pattern matches a request path when it matches the whole
//     path or a prefix of it that ends at a '/' boundary: "/tr" matches "/tr"
//     and "/tr/x" but not "/track". A pattern ending in '/' or '*' is a plain
//     prefix.
//   - A parameter "name" or "name=" must be present with any value;
//     "name=value" must have exactly that (raw, undecoded) value; a value
//     ending in '-' is a prefix that includes the '-' ("tid=G-"); a value
//     ending in '*' is a prefix without the '*' ("id=GTM*").
//
// Parse never panics: a bad line is reported as an *Error naming the file and
// line, then skipped. Catalog.String writes the canonical form, which parses
// back to the same catalog.
package catalog

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/msg"
)

// Entry kinds.
const (
	KindHost   = "host"
	KindPath   = "path"
	KindCookie = "cookie"
)

// Entry is one fact about a vendor: a host, a path signature or a cookie.
type Entry struct {
	// Kind is KindHost, KindPath or KindCookie.
	Kind string
	// Value is the host (lower-case), the path signature or the cookie
	// name pattern, in canonical form.
	Value string
	// Category is the entry's effective category: its category= override
	// or else the vendor's category.
	Category consent.Category
	// Domain is the domain= option (lower-case, no leading dot) or "".
	Domain string
	// Line is the 1-based line in the source file (0 when built in code).
	Line int
}

// Vendor is one section of a catalog.
type Vendor struct {
	ID       string
	Name     string
	Owner    string
	Category consent.Category
	Sources  []string
	Entries  []Entry
	Line     int
}

// Catalog is a parsed list file.
type Catalog struct {
	// Name is the file name given to Parse, used in error messages.
	Name    string
	Vendors []Vendor
}

// Error is a problem on one line of a list.
type Error struct {
	File string
	Line int
	Msg  string
}

// Error formats the error as "file:line: msg".
func (e *Error) Error() string {
	if e.Line > 0 {
		return msg.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return msg.Sprintf("%s: %s", e.File, e.Msg)
}

// maxLine bounds one line; longer lines are reported and skipped.
const maxLine = 4096

type entryKey struct{ kind, value, domain string }

type parser struct {
	name   string
	errs   []error
	cat    *Catalog
	cur    *Vendor // nil outside a section or in a skipped section
	skip   bool    // inside a duplicate or malformed section
	seenID map[string]int
	seen   map[entryKey]int // first line of each entry
	// per-section state
	hasCat   bool
	hasOwner bool
	override []bool  // per entry of cur: category= given explicitly
	all      []Entry // backing store; each vendor's Entries is a slice of it
	start    int     // index in all where cur's entries begin
}

func (p *parser) errf(line int, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.name, Line: line, Msg: msg.Sprintf(format, args...)})
}

// Parse reads a list. name is used in errors ("trackers.txt:12: ...") and as
// Catalog.Name. Bad lines, duplicate vendor ids and duplicate entries are
// reported and skipped; the rest of the list is still returned.
func Parse(name string, data []byte) (*Catalog, []error) {
	lines := bytes.Count(data, []byte{'\n'}) + 1
	p := &parser{
		name:   name,
		cat:    &Catalog{Name: name, Vendors: make([]Vendor, 0, lines/8+1)},
		seenID: make(map[string]int, lines/8+1),
		seen:   make(map[entryKey]int, lines),
		all:    make([]Entry, 0, lines),
	}
	s := string(data)
	if strings.HasPrefix(s, "\uFEFF") {
		s = s[3:]
	}
	lineNo := 0
	for len(s) > 0 {
		lineNo++
		var line string
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			line, s = s, ""
		}
		p.line(lineNo, line)
	}
	p.endSection()
	sort.SliceStable(p.errs, func(i, j int) bool {
		return p.errs[i].(*Error).Line < p.errs[j].(*Error).Line
	})
	return p.cat, p.errs
}

func (p *parser) line(n int, line string) {
	line = strings.TrimSuffix(line, "\r")
	if len(line) > maxLine {
		p.errf(n, "line too long (%d bytes, limit %d)", len(line), maxLine)
		return
	}
	if !utf8.ValidString(line) {
		p.errf(n, "invalid UTF-8")
		return
	}
	for _, r := range line {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			p.errf(n, "control character %U", r)
			return
		}
	}
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return
	}
	if line[0] == '[' {
		p.section(n, line)
		return
	}
	key, rest := line, ""
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		key, rest = line[:i], strings.TrimSpace(line[i+1:])
	}
	switch key {
	case "category", "source", "owner", KindHost, KindPath, KindCookie:
	default:
		p.errf(n, "unknown key %q", key)
		return
	}
	if p.cur == nil {
		if !p.skip {
			p.errf(n, "%q line outside a [vendor] section", key)
		}
		return
	}
	if rest == "" {
		p.errf(n, "%s: missing value", key)
		return
	}
	v := p.cur
	switch key {
	case "category":
		c, err := parseCategory(rest)
		if err != nil {
			p.errf(n, "category: %v", err)
			return
		}
		if p.hasCat {
			p.errf(n, "category: given twice for vendor %q", v.ID)
			return
		}
		p.hasCat = true
		v.Category = c
	case "owner":
		if p.hasOwner {
			p.errf(n, "owner: given twice for vendor %q", v.ID)
			return
		}
		p.hasOwner = true
		v.Owner = rest
	case "source":
		if err := CheckSource(rest); err != nil {
			p.errf(n, "source: %v", err)
			return
		}
		for _, s := range v.Sources {
			if s == rest {
				p.errf(n, "source: duplicate %q", rest)
				return
			}
		}
		v.Sources = append(v.Sources, rest)
	default:
		p.entry(n, key, rest)
	}
}

func parseCategory(s string) (consent.Category, error) {
	c, err := consent.ParseCategory(s)
	if err != nil {
		return consent.None, err
	}
	if c == consent.None {
		return consent.None, msg.Errorf("%q is not a tracker category", s)
	}
	return c, nil
}

func (p *parser) section(n int, line string) {
	p.endSection()
	p.skip = true
	end := strings.IndexByte(line, ']')
	if end < 0 {
		p.errf(n, "section header: missing ']'")
		return
	}
	id := line[1:end]
	if err := CheckID(id); err != nil {
		p.errf(n, "section header: %v", err)
		return
	}
	if prev, ok := p.seenID[id]; ok {
		p.errf(n, "duplicate vendor id %q (first at line %d); section skipped", id, prev)
		return
	}
	p.seenID[id] = n
	p.skip = false
	p.cat.Vendors = append(p.cat.Vendors, Vendor{ID: id, Name: strings.TrimSpace(line[end+1:]), Line: n})
	p.cur = &p.cat.Vendors[len(p.cat.Vendors)-1]
	p.hasCat, p.hasOwner, p.override = false, false, p.override[:0]
	p.start = len(p.all)
}

// endSection resolves entry categories and checks the required fields.
func (p *parser) endSection() {
	v := p.cur
	if v == nil {
		return
	}
	p.cur = nil
	if n := len(p.all); n > p.start {
		v.Entries = p.all[p.start:n:n]
	}
	if !p.hasCat {
		p.errf(v.Line, "vendor %q: missing category line", v.ID)
	}
	if len(v.Sources) == 0 {
		p.errf(v.Line, "vendor %q: missing source line", v.ID)
	}
	for i := range v.Entries {
		if !p.override[i] {
			v.Entries[i].Category = v.Category
		}
	}
}

func (p *parser) entry(n int, kind, rest string) {
	e := Entry{Kind: kind, Line: n}
	value, opts := rest, ""
	if i := strings.IndexAny(rest, " \t"); i >= 0 {
		value, opts = rest[:i], rest[i+1:]
	}
	override := false
	for _, f := range strings.Fields(opts) {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			p.errf(n, "%s: unexpected %q after the value (options are category=, domain=)", kind, f)
			return
		}
		switch k {
		case "category":
			if override {
				p.errf(n, "%s: category= given twice", kind)
				return
			}
			c, err := parseCategory(val)
			if err != nil {
				p.errf(n, "%s: category=: %v", kind, err)
				return
			}
			e.Category, override = c, true
		case "domain":
			if kind == KindHost {
				p.errf(n, "host: domain= does not apply to host lines")
				return
			}
			if e.Domain != "" {
				p.errf(n, "%s: domain= given twice", kind)
				return
			}
			d := strings.TrimPrefix(strings.ToLower(val), ".")
			if err := CheckHost(d); err != nil {
				p.errf(n, "%s: domain=: %v", kind, err)
				return
			}
			e.Domain = d
		default:
			p.errf(n, "%s: unknown option %q (options are category=, domain=)", kind, k+"=")
			return
		}
	}
	var err error
	switch kind {
	case KindHost:
		value = strings.TrimSuffix(strings.ToLower(value), ".")
		err = CheckHost(value)
	case KindPath:
		var pp Path
		if pp, err = ParsePath(value); err == nil {
			if c := pp.String(); c != value {
				value = c
			}
		}
	case KindCookie:
		err = CheckCookie(value)
	}
	if err != nil {
		p.errf(n, "%s: %v", kind, err)
		return
	}
	e.Value = value
	key := entryKey{kind, value, e.Domain}
	if prev, ok := p.seen[key]; ok {
		p.errf(n, "duplicate %s %q (first at line %d)", kind, value, prev)
		return
	}
	p.seen[key] = n
	p.all = append(p.all, e)
	p.override = append(p.override, override)
}

// CheckID validates a vendor id: a slug of [a-z0-9-].
func CheckID(id string) error {
	if id == "" {
		return msg.Errorf("empty vendor id")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return msg.Errorf("vendor id %q: use lower-case letters, digits and '-'", id)
		}
	}
	return nil
}

// CheckSource validates a source: an http(s) URL with a host, or another
// absolute URI without white space ("tds:easyprivacy.json" for a list built
// from an upstream file).
func CheckSource(s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return msg.Errorf("%q contains white space or control characters", s)
		}
	}
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || scheme == "" || rest == "" || !isScheme(scheme) {
		return msg.Errorf("%q is not a URL (want https://...)", s)
	}
	if scheme == "http" || scheme == "https" {
		if !strings.HasPrefix(rest, "//") || len(rest) == 2 || rest[2] == '/' {
			return msg.Errorf("%q has no host", s)
		}
	}
	return nil
}

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// CheckHost accepts lower-case DNS names: labels of [a-z0-9_-] separated by
// single dots, no leading or trailing dot. IDNs must be written as punycode.
func CheckHost(h string) error {
	if h == "" {
		return msg.Errorf("empty host")
	}
	if len(h) > 253 {
		return msg.Errorf("host %q longer than 253 bytes", h)
	}
	label := 0
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			label++
			if label > 63 {
				return msg.Errorf("host %q: label longer than 63 bytes", h)
			}
		case c == '.':
			if label == 0 {
				return msg.Errorf("host %q: empty label", h)
			}
			label = 0
		default:
			return msg.Errorf("host %q: bad character %q (write a lower-case host name, IDNs as punycode, no scheme or path)", h, c)
		}
	}
	if label == 0 {
		return msg.Errorf("host %q: empty label", h)
	}
	return nil
}

// CheckCookie accepts RFC 6265 token characters and '*' as a wildcard.
func CheckCookie(name string) error {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return msg.Errorf("cookie name %q: bad character %q", name, c)
		}
	}
	if strings.Trim(name, "*") == "" {
		return msg.Errorf("cookie name %q matches every cookie", name)
	}
	return nil
}

// String writes the catalog in canonical form: one section per vendor in
// order, each as header, category, owner, sources, then entries in order,
// with category= written only where it differs from the vendor's. Parsing
// the result gives back the same vendors and entries.
func (c *Catalog) String() string {
	var b strings.Builder
	for i := range c.Vendors {
		if i > 0 {
			b.WriteByte('\n')
		}
		c.Vendors[i].write(&b)
	}
	return b.String()
}

func (v *Vendor) write(b *strings.Builder) {
	b.WriteString("[" + v.ID + "]")
	if v.Name != "" {
		b.WriteString(" " + v.Name)
	}
	b.WriteByte('\n')
	if v.Category != consent.None {
		b.WriteString("category " + v.Category.String() + "\n")
	}
	if v.Owner != "" {
		b.WriteString("owner " + v.Owner + "\n")
	}
	for _, s := range v.Sources {
		b.WriteString("source " + s + "\n")
	}
	for _, e := range v.Entries {
		b.WriteString(e.Kind + " " + e.Value)
		if e.Category != v.Category && e.Category != consent.None {
			b.WriteString(" category=" + e.Category.String())
		}
		if e.Domain != "" {
			b.WriteString(" domain=" + e.Domain)
		}
		b.WriteByte('\n')
	}
}

// Vendor returns the vendor with the given id.
func (c *Catalog) Vendor(id string) (Vendor, bool) {
	for _, v := range c.Vendors {
		if v.ID == id {
			return v, true
		}
	}
	return Vendor{}, false
}

// Count returns the number of entries of the given kind.
func (c *Catalog) Count(kind string) int {
	n := 0
	for _, v := range c.Vendors {
		for _, e := range v.Entries {
			if e.Kind == kind {
				n++
			}
		}
	}
	return n
}
