package catalog

import (
	"strings"

	"github.com/consentguard/consentguard/wasm/msg"
)

// Path is a parsed path signature: a path pattern plus required query
// parameters. See the package documentation for the syntax.
type Path struct {
	// Pattern is the path part, starting with '/' or '*'.
	Pattern string
	// Params are the query parameters that must all be present.
	Params []Param
}

// Param is one required query parameter.
type Param struct {
	Name  string
	Value string // "" with Prefix=true means "any value"
	// Prefix makes Value a prefix of the request's value.
	Prefix bool
}

// ParsePath parses a path signature such as "/g/collect?v=2&tid=G-".
func ParsePath(s string) (Path, error) {
	var p Path
	if s == "" {
		return p, msg.Errorf("empty path")
	}
	if s[0] != '/' && s[0] != '*' {
		return p, msg.Errorf("path %q must start with '/' or '*'", s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '#' {
			return p, msg.Errorf("path %q: bad character %q", s, c)
		}
	}
	path, query, hasQuery := strings.Cut(s, "?")
	if strings.Trim(path, "/*") == "" && !hasQuery {
		return p, msg.Errorf("path %q matches every request", s)
	}
	p.Pattern = path
	if !hasQuery {
		return p, nil
	}
	if query == "" {
		return p, msg.Errorf("path %q: empty query after '?'", s)
	}
	for _, kv := range strings.Split(query, "&") {
		name, val, _ := strings.Cut(kv, "=")
		if name == "" {
			return p, msg.Errorf("path %q: empty parameter name", s)
		}
		if strings.ContainsAny(name, "*?") || strings.ContainsAny(val, "?") {
			return p, msg.Errorf("path %q: parameter %q: '*' only ends a value", s, kv)
		}
		prm := Param{Name: name, Value: val}
		switch {
		case val == "":
			prm.Prefix = true
		case strings.HasSuffix(val, "*"):
			prm.Value, prm.Prefix = val[:len(val)-1], true
		case strings.HasSuffix(val, "-"):
			prm.Prefix = true
		}
		if strings.Contains(prm.Value, "*") {
			return p, msg.Errorf("path %q: parameter %q: '*' only ends a value", s, kv)
		}
		for _, q := range p.Params {
			if q.Name == name {
				return p, msg.Errorf("path %q: parameter %q given twice", s, name)
			}
		}
		p.Params = append(p.Params, prm)
	}
	return p, nil
}

// MatchPath reports whether a request path (without query) matches the
// pattern: the whole path, or a prefix of it ending at a '/' boundary; a
// pattern ending in '/' or '*' matches any path it is a prefix of. '*' in the
// pattern matches any run of characters. It does not allocate.
func MatchPath(pattern, path string) bool {
	if pattern == "" {
		return false
	}
	last := pattern[len(pattern)-1]
	if strings.IndexByte(pattern, '*') < 0 {
		if last == '/' {
			return strings.HasPrefix(path, pattern)
		}
		return strings.HasPrefix(path, pattern) && (len(path) == len(pattern) || path[len(pattern)] == '/')
	}
	if last == '/' || last == '*' {
		return glob(pattern, path, true)
	}
	if glob(pattern, path, false) {
		return true
	}
	// A prefix of path that ends just before a '/'.
	for i := 0; i < len(path); i++ {
		if path[i] == '/' && i > 0 && glob(pattern, path[:i], false) {
			return true
		}
	}
	return false
}

// MatchQuery reports whether the raw query string (without '?') carries
// every parameter. Values are compared undecoded. It does not allocate.
func MatchQuery(params []Param, query string) bool {
	for i := range params {
		if !hasParam(&params[i], query) {
			return false
		}
	}
	return true
}

func hasParam(p *Param, q string) bool {
	for len(q) > 0 {
		var kv string
		if i := strings.IndexByte(q, '&'); i >= 0 {
			kv, q = q[:i], q[i+1:]
		} else {
			kv, q = q, ""
		}
		if len(kv) < len(p.Name) || kv[:len(p.Name)] != p.Name {
			continue
		}
		rest := kv[len(p.Name):]
		if rest != "" && rest[0] != '=' {
			continue
		}
		if rest != "" {
			rest = rest[1:]
		}
		if p.Prefix {
			if strings.HasPrefix(rest, p.Value) {
				return true
			}
		} else if rest == p.Value {
			return true
		}
	}
	return false
}

// Match reports whether a request path plus raw query ("/a/b?x=1") matches
// the signature. A fragment ("#...") is ignored. It does not allocate.
func (p *Path) Match(pathAndQuery string) bool {
	if i := strings.IndexByte(pathAndQuery, '#'); i >= 0 {
		pathAndQuery = pathAndQuery[:i]
	}
	path, query, _ := strings.Cut(pathAndQuery, "?")
	return MatchPath(p.Pattern, path) && MatchQuery(p.Params, query)
}

// String writes the signature in canonical form.
func (p Path) String() string {
	if len(p.Params) == 0 {
		return p.Pattern
	}
	var b strings.Builder
	b.WriteString(p.Pattern)
	for i, q := range p.Params {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(q.Name)
		b.WriteByte('=')
		b.WriteString(q.Value)
		if q.Prefix && q.Value != "" && !strings.HasSuffix(q.Value, "-") {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// Glob reports whether name matches a cookie pattern in which '*' matches
// any run of characters (including none). Matching is case-sensitive, as
// cookie names are. It does not allocate.
func Glob(pattern, name string) bool { return glob(pattern, name, false) }

// glob matches s against a pattern with '*' wildcards; with prefix set, a
// match of any prefix of s is enough.
func glob(p, s string, prefix bool) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		if pi == len(p) && prefix {
			return true
		}
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
