// Package param strips tracking parameters (utm_*, gclid, fbclid, …) from
// URLs. It is shared by the browser extension and the edge proxy.
//
// A Stripper holds a compiled set of parameter names: exact names ("gclid")
// and prefixes written with a trailing '*' ("utm_*"). Names are compared
// byte-for-byte against the raw (still percent-encoded) name in the query
// string, case-sensitively, as DuckDuckGo's reference implementation does:
// "FBCLID" is not "fbclid", and "utm%5Fsource" is not "utm_source".
//
// Strip preserves everything else in the URL byte for byte: scheme, host,
// path, the order and encoding of the remaining parameters, empty segments
// and the fragment. When nothing is removed it returns its input without
// allocating.
package param

import (
	"bufio"
	"bytes"
	"sort"
	"strings"

	"github.com/consentguard/consentguard/wasm/msg"
	"github.com/consentguard/consentguard/wasm/site"
)

// Stripper removes tracking parameters. The zero value removes nothing. A
// Stripper is immutable after construction and safe for concurrent use.
type Stripper struct {
	exact    map[string]struct{}
	prefixes []string // sorted, without the trailing '*'
	// exceptions are domains on which nothing is stripped (see StripFor).
	exceptions []string
}

// New compiles names into a Stripper. A name ending in '*' is a prefix
// ("utm_*"); every other name is exact. It returns an error for an empty
// name, a '*' anywhere but at the end, or a byte that cannot appear in a raw
// query-string name ('&', '=', '#', '?', space or control characters).
func New(names []string) (*Stripper, error) {
	s := &Stripper{exact: make(map[string]struct{}, len(names))}
	for _, n := range names {
		if err := s.add(n); err != nil {
			return nil, err
		}
	}
	s.finish()
	return s, nil
}

func (s *Stripper) add(n string) error {
	if err := checkName(n); err != nil {
		return err
	}
	if strings.HasSuffix(n, "*") {
		s.prefixes = append(s.prefixes, n[:len(n)-1])
	} else {
		s.exact[n] = struct{}{}
	}
	return nil
}

func (s *Stripper) finish() {
	sort.Strings(s.prefixes)
	// Drop prefixes covered by a shorter prefix ("utm_*" covers "utm_s*").
	out := s.prefixes[:0]
	for _, p := range s.prefixes {
		if len(out) > 0 && strings.HasPrefix(p, out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	s.prefixes = out
}

func checkName(n string) error {
	if n == "" || n == "*" {
		return msg.Errorf("empty parameter name %q", n)
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c == '*' && i != len(n)-1:
			return msg.Errorf("parameter name %q: '*' is only allowed at the end (prefix)", n)
		case c <= ' ' || c == 0x7f || c == '&' || c == '=' || c == '#' || c == '?':
			return msg.Errorf("parameter name %q: invalid byte %q", n, c)
		}
	}
	return nil
}

// Parse reads the parameter list format of policylists/params.txt: one name
// per line, a trailing '*' marks a prefix, '#' starts a comment (anywhere on
// the line), blank lines are ignored. A bad line gives an error
// "name:line: …" and is skipped; the rest of the list still loads.
func Parse(name string, data []byte) (*Stripper, []error) {
	s := &Stripper{exact: make(map[string]struct{})}
	var errs []error
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if i := strings.IndexByte(t, '#'); i >= 0 { // '#' cannot be part of a name
			t = t[:i]
		}
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if err := s.add(t); err != nil {
			errs = append(errs, msg.Errorf("%s:%d: %w", name, line, err))
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, msg.Errorf("%s:%d: %w", name, line+1, err))
	}
	s.finish()
	return s, errs
}

// Names returns the compiled names in sorted order, prefixes with their
// trailing '*'.
func (s *Stripper) Names() []string {
	out := make([]string, 0, len(s.exact)+len(s.prefixes))
	for n := range s.exact {
		out = append(out, n)
	}
	for _, p := range s.prefixes {
		out = append(out, p+"*")
	}
	sort.Strings(out)
	return out
}

// Exceptions returns the domains on which StripFor strips nothing.
func (s *Stripper) Exceptions() []string { return append([]string(nil), s.exceptions...) }

// WithExceptions returns a copy of s that strips nothing on the given
// domains and their subdomains (see StripFor).
func (s *Stripper) WithExceptions(domains ...string) *Stripper {
	c := *s
	c.exceptions = append(append([]string(nil), s.exceptions...), domains...)
	for i, d := range c.exceptions {
		c.exceptions[i] = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	}
	return &c
}

// Tracking reports whether a raw query-string parameter name is a tracking
// parameter.
func (s *Stripper) Tracking(name string) bool {
	if s == nil {
		return false
	}
	if _, ok := s.exact[name]; ok {
		return true
	}
	for _, p := range s.prefixes {
		if len(name) >= len(p) && name[:len(p)] == p {
			return true
		}
		if p > name {
			// Sorted: no later prefix can be a prefix of name if p
			// sorts after name and is not a prefix of it.
			break
		}
	}
	return false
}

// Strip removes tracking parameters from rawurl's query string and returns
// the clean URL and the number of parameters removed. Everything else is
// kept byte for byte; a query left empty loses its '?'. When nothing is
// removed, clean == rawurl and nothing is allocated.
func (s *Stripper) Strip(rawurl string) (clean string, removed int) {
	if s == nil {
		return rawurl, 0
	}
	q := strings.IndexByte(rawurl, '?')
	if q < 0 {
		return rawurl, 0
	}
	end := len(rawurl)
	if h := strings.IndexByte(rawurl, '#'); h >= 0 {
		if h < q {
			return rawurl, 0 // the '?' is inside the fragment
		}
		end = h
	}
	query := rawurl[q+1 : end]
	// First pass: count, without allocating.
	for rest := query; ; {
		seg, next, more := cut(rest)
		if s.Tracking(paramName(seg)) {
			removed++
		}
		if !more {
			break
		}
		rest = next
	}
	if removed == 0 {
		return rawurl, 0
	}
	var b strings.Builder
	b.Grow(len(rawurl))
	b.WriteString(rawurl[:q])
	first := true
	for rest := query; ; {
		seg, next, more := cut(rest)
		if !s.Tracking(paramName(seg)) {
			if first {
				b.WriteByte('?')
				first = false
			} else {
				b.WriteByte('&')
			}
			b.WriteString(seg)
		}
		if !more {
			break
		}
		rest = next
	}
	b.WriteString(rawurl[end:])
	return b.String(), removed
}

// StripFor is Strip with the config's domain exceptions applied: nothing is
// removed when rawurl's host or the initiator's (the page that started the
// navigation, may be "") is an exception domain or one of its subdomains.
func (s *Stripper) StripFor(rawurl, initiator string) (string, int) {
	if s == nil {
		return rawurl, 0
	}
	if s.excepted(hostOf(rawurl)) || (initiator != "" && s.excepted(hostOf(initiator))) {
		return rawurl, 0
	}
	return s.Strip(rawurl)
}

func (s *Stripper) excepted(host string) bool {
	for _, d := range s.exceptions {
		if within(host, d) {
			return true
		}
	}
	return false
}

func cut(s string) (seg, rest string, more bool) {
	if i := strings.IndexByte(s, '&'); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

func paramName(seg string) string {
	if i := strings.IndexByte(seg, '='); i >= 0 {
		return seg[:i]
	}
	return seg
}

func hostOf(u string) string { return site.Host(u) }

func within(host, domain string) bool { return host != "" && site.Within(host, domain) }
