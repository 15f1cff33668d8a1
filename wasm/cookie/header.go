package cookie

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// MaxCookieSize is the largest name plus value a browser stores (RFC 6265bis
// section 5.6); longer Set-Cookie lines are ignored by browsers and rejected by
// ParseSetCookie.
const MaxCookieSize = 4096

// SetCookie is one parsed Set-Cookie header line.
type SetCookie struct {
	Name, Value string
	// Domain is the Domain attribute, lower-case, without leading dots; ""
	// means a host-only cookie.
	Domain string
	// Path is the Path attribute when it starts with '/', else "" (the
	// browser then uses the default path).
	Path string
	// Expires is the Expires attribute in UTC; zero when absent or
	// unparseable (browsers ignore those too).
	Expires time.Time
	// MaxAge is the Max-Age attribute when HasMaxAge; a value <= 0 expires
	// the cookie now.
	MaxAge    int
	HasMaxAge bool
	Secure    bool
	HttpOnly  bool
	// SameSite is "Strict", "Lax", "None" or "" (absent or unknown value).
	SameSite    string
	Partitioned bool
	// Raw is the header line as given; a proxy forwards it unchanged.
	Raw string
}

// Errors from ParseSetCookie. Browsers ignore such lines.
var (
	ErrEmpty    = errors.New("cookie: empty name and value")
	ErrCTL      = errors.New("cookie: control character in name or value")
	ErrTooLarge = errors.New("cookie: name and value longer than 4096 bytes")
)

// ParseSetCookie parses one Set-Cookie header line as RFC 6265bis section
// 5.6 describes. It never splits a line on commas (Expires dates contain
// one: "Expires=Wed, 21 Oct 2026 07:28:00 GMT"), so pass each Set-Cookie
// line separately. A pair without '=' is a cookie with an empty name, as
// browsers treat it. Attributes with invalid values are ignored, as browsers
// do; unknown attributes are ignored (they stay in Raw). The error is
// non-nil only for lines a browser would ignore entirely.
func ParseSetCookie(header string) (SetCookie, error) {
	sc := SetCookie{Raw: header}
	var attrs string
	var err error
	sc.Name, sc.Value, attrs, err = splitSetCookie(header)
	if err != nil {
		return sc, err
	}
	for attrs != "" {
		var av string
		av, attrs, _ = strings.Cut(attrs, ";")
		k, v, _ := strings.Cut(av, "=")
		k, v = trimWS(k), trimWS(v)
		if len(v) > 1024 {
			continue // RFC 6265bis: attribute values over 1024 bytes are ignored
		}
		switch {
		case strings.EqualFold(k, "expires"):
			if t, ok := parseCookieDate(v); ok {
				sc.Expires = t
			}
		case strings.EqualFold(k, "max-age"):
			if n, ok := parseMaxAge(v); ok {
				sc.MaxAge, sc.HasMaxAge = n, true
			}
		case strings.EqualFold(k, "domain"):
			if d := strings.ToLower(strings.TrimLeft(v, ". \t")); d != "" {
				sc.Domain = d
			}
		case strings.EqualFold(k, "path"):
			if strings.HasPrefix(v, "/") {
				sc.Path = v
			} else {
				sc.Path = ""
			}
		case strings.EqualFold(k, "secure"):
			sc.Secure = true
		case strings.EqualFold(k, "httponly"):
			sc.HttpOnly = true
		case strings.EqualFold(k, "partitioned"):
			sc.Partitioned = true
		case strings.EqualFold(k, "samesite"):
			switch {
			case strings.EqualFold(v, "strict"):
				sc.SameSite = "Strict"
			case strings.EqualFold(v, "lax"):
				sc.SameSite = "Lax"
			case strings.EqualFold(v, "none"):
				sc.SameSite = "None"
			default:
				sc.SameSite = ""
			}
		}
	}
	return sc, nil
}

// splitSetCookie splits a Set-Cookie line into its name, value and the
// attribute text after the first ';', with the checks that make browsers
// ignore the line.
func splitSetCookie(header string) (name, value, attrs string, err error) {
	pair, attrs, _ := strings.Cut(header, ";")
	if i := strings.IndexByte(pair, '='); i >= 0 {
		name, value = trimWS(pair[:i]), trimWS(pair[i+1:])
	} else {
		value = trimWS(pair)
	}
	switch {
	case name == "" && value == "":
		err = ErrEmpty
	case hasCTL(name) || hasCTL(value):
		err = ErrCTL
	case len(name)+len(value) > MaxCookieSize:
		err = ErrTooLarge
	}
	return name, value, attrs, err
}

// setCookieDomain returns the Domain attribute ParseSetCookie would keep,
// without lower-casing it (leading dots removed), and without allocating.
func setCookieDomain(attrs string) string {
	domain := ""
	for attrs != "" {
		var av string
		av, attrs, _ = strings.Cut(attrs, ";")
		k, v, _ := strings.Cut(av, "=")
		if k, v = trimWS(k), trimWS(v); len(v) <= 1024 && strings.EqualFold(k, "domain") {
			if d := strings.TrimLeft(v, ". \t"); d != "" {
				domain = d
			}
		}
	}
	return domain
}

// String writes the cookie in canonical form ("name=value; Path=/;
// Domain=example.com; Expires=...; Max-Age=60; Secure; HttpOnly;
// SameSite=Lax; Partitioned"), which ParseSetCookie reads back to the same
// fields. Raw is not used.
func (c SetCookie) String() string {
	var b strings.Builder
	b.Grow(len(c.Name) + len(c.Value) + 64)
	b.WriteString(c.Name)
	b.WriteByte('=')
	b.WriteString(c.Value)
	if c.Path != "" {
		b.WriteString("; Path=")
		b.WriteString(c.Path)
	}
	if c.Domain != "" {
		b.WriteString("; Domain=")
		b.WriteString(c.Domain)
	}
	if !c.Expires.IsZero() {
		b.WriteString("; Expires=")
		b.WriteString(c.Expires.UTC().Format(cookieTime))
	}
	if c.HasMaxAge {
		b.WriteString("; Max-Age=")
		b.WriteString(strconv.Itoa(c.MaxAge))
	}
	if c.Secure {
		b.WriteString("; Secure")
	}
	if c.HttpOnly {
		b.WriteString("; HttpOnly")
	}
	if c.SameSite != "" {
		b.WriteString("; SameSite=")
		b.WriteString(c.SameSite)
	}
	if c.Partitioned {
		b.WriteString("; Partitioned")
	}
	return b.String()
}

const cookieTime = "Mon, 02 Jan 2006 15:04:05 GMT"

// The date forms seen in the wild (RFC 1123, RFC 850, asctime, Netscape's
// dashes, two-digit years).
var cookieDateLayouts = []string{
	"Mon, 02 Jan 2006 15:04:05 MST",
	"Mon, 02-Jan-2006 15:04:05 MST",
	"Monday, 02-Jan-06 15:04:05 MST",
	"Monday, 02 Jan 2006 15:04:05 MST",
	"Mon, 02-Jan-06 15:04:05 MST",
	"Mon, 02 Jan 06 15:04:05 MST",
	"Mon Jan _2 15:04:05 2006",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04:05 -0700",
}

func parseCookieDate(v string) (time.Time, bool) {
	if v == "" || len(v) > 64 {
		return time.Time{}, false
	}
	for _, l := range cookieDateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			t = t.UTC()
			if y := t.Year(); y < 1601 || y > 9999 {
				return time.Time{}, false
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// parseMaxAge follows RFC 6265 section 5.2.2: an optional '-' then digits;
// anything else is ignored. Values are capped at the int32 range.
func parseMaxAge(v string) (int, bool) {
	if v == "" {
		return 0, false
	}
	neg := v[0] == '-'
	d := v
	if neg {
		d = v[1:]
	}
	if d == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n < 1<<31 {
			n = n*10 + int(c-'0')
		}
	}
	if n > 1<<31-1 {
		n = 1<<31 - 1
	}
	if neg {
		n = -n
	}
	return n, true
}

func trimWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// hasCTL reports control characters other than HTAB (RFC 6265bis 5.6).
func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

// ParseCookieHeader calls fn for each name=value pair of a Cookie request
// header, in order, until fn returns false. Pairs are separated by ';'
// (white space around them is dropped); a pair without '=' has an empty name,
// as browsers send nameless cookies; empty pairs are skipped. The strings
// passed to fn are substrings of h: it does not allocate.
func ParseCookieHeader(h string, fn func(name, value string) bool) {
	forPairs(h, func(name, value, _ string, _, _ int) bool { return fn(name, value) })
}

// forPairs is ParseCookieHeader that also gives the whole trimmed pair and
// its start and end offsets in h.
func forPairs(h string, fn func(name, value, pair string, start, end int) bool) {
	for pos := 0; pos <= len(h); {
		end := strings.IndexByte(h[pos:], ';')
		if end < 0 {
			end = len(h)
		} else {
			end += pos
		}
		s, e := pos, end
		for s < e && (h[s] == ' ' || h[s] == '\t') {
			s++
		}
		for e > s && (h[e-1] == ' ' || h[e-1] == '\t') {
			e--
		}
		if s < e {
			pair := h[s:e]
			var name, value string
			if i := strings.IndexByte(pair, '='); i >= 0 {
				name, value = trimWS(pair[:i]), trimWS(pair[i+1:])
			} else {
				value = pair
			}
			if !fn(name, value, pair, s, e) {
				return
			}
		}
		pos = end + 1
	}
}

// SplitSetCookies splits Set-Cookie lines that an HTTP stack joined with
// commas (the Fetch API's Headers.get("set-cookie"), proxies that fold
// headers) back into one line per cookie. A comma starts a new cookie only
// when what follows it, up to the next ';' or ',', is a name=value pair
// whose name is an RFC 6265 token; so the comma inside
// "Expires=Wed, 21 Oct 2026 07:28:00 GMT" is kept. Prefer an API that gives
// the lines unjoined (Headers.getSetCookie()) when there is one: a cookie
// value that itself contains ", x=" cannot be told apart.
func SplitSetCookies(joined string) []string {
	var out []string
	start := 0
	for i := 0; i < len(joined); i++ {
		if joined[i] != ',' || !startsPair(joined[i+1:]) {
			continue
		}
		if s := trimWS(joined[start:i]); s != "" {
			out = append(out, s)
		}
		start = i + 1
	}
	if s := trimWS(joined[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// startsPair reports whether s (after a comma) begins with optional white
// space, a token name, '=' and a value reaching ';', ',' or the end.
func startsPair(s string) bool {
	s = trimWS(s)
	n := 0
	for n < len(s) && isToken(s[n]) {
		n++
	}
	return n > 0 && n < len(s) && s[n] == '='
}

func isToken(c byte) bool {
	return c > ' ' && c < 0x7f && strings.IndexByte("()<>@,;:\\\"/[]?={}", c) < 0
}
