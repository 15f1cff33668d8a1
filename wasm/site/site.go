// Package site extracts hosts from URLs and decides first/third party by
// registrable domain (eTLD+1, Public Suffix List from golang.org/x/net/publicsuffix).
//
// The list is not linked from x/net (whose publicsuffix package pulls
// net/http, crypto/tls and x509 into the wasm core): internal/pslgen decodes
// x/net's copy into psl.dat, which is embedded and turned into a lookup table
// on first use. IDNs are converted by the package's own Punycode encoder
// (ToASCII) instead of golang.org/x/net/idna. Tests check both against x/net.
//
// Every function is allocation-free for ASCII lower-case input, the common case
// on the matching hot path; upper-case or Unicode hosts are normalised with one
// allocation (IDNs become punycode).
package site

import (
	"strings"
)

// Host returns the lower-case host of rawurl without port, user info or IPv6
// brackets ("2001:db8::1"). It accepts absolute URLs ("https://a.b/c"),
// scheme-relative ones ("//a.b/c") and scheme-less ones ("a.b/c", "a.b:8080").
// It returns "" when no host can be found (relative paths, "data:", "about:").
func Host(rawurl string) string {
	s := rawurl
	// Trim leading/trailing ASCII white space the way browsers do.
	for len(s) > 0 && s[0] <= ' ' {
		s = s[1:]
	}
	if i := schemeEnd(s); i >= 0 {
		scheme := s[:i]
		s = s[i+1:]
		if !strings.HasPrefix(s, "//") {
			// "mailto:x", "data:...", "javascript:..." have no host.
			// "localhost:8080/x" parses as scheme "localhost": treat a
			// numeric "path" start as a port of a scheme-less URL.
			if len(s) > 0 && s[0] >= '0' && s[0] <= '9' && !hierarchical(scheme) {
				return normalise(hostPort(rawurlAfterSpace(rawurl)))
			}
			return ""
		}
		s = s[2:]
	} else if strings.HasPrefix(s, "//") {
		s = s[2:]
	} else if len(s) == 0 || s[0] == '/' || s[0] == '?' || s[0] == '#' || s[0] == '.' {
		return ""
	}
	return normalise(hostPort(s))
}

func rawurlAfterSpace(s string) string {
	for len(s) > 0 && s[0] <= ' ' {
		s = s[1:]
	}
	return s
}

func hierarchical(scheme string) bool {
	switch strings.ToLower(scheme) {
	case "http", "https", "ws", "wss", "ftp", "file":
		return true
	}
	return false
}

// schemeEnd returns the index of the ':' ending a URL scheme, or -1.
func schemeEnd(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9', c == '+', c == '-', c == '.':
			if i == 0 {
				return -1
			}
		case c == ':':
			if i == 0 {
				return -1
			}
			return i
		default:
			return -1
		}
	}
	return -1
}

// hostPort cuts the authority out of s (which starts at the authority) and
// returns the host without user info, port or brackets.
func hostPort(s string) string {
	end := len(s)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '/', '?', '#', '\\':
			end = i
			i = len(s)
		}
	}
	a := s[:end]
	if at := strings.LastIndexByte(a, '@'); at >= 0 {
		a = a[at+1:]
	}
	if len(a) > 0 && a[0] == '[' {
		if j := strings.IndexByte(a, ']'); j > 0 {
			return a[1:j]
		}
		return ""
	}
	if c := strings.IndexByte(a, ':'); c >= 0 {
		a = a[:c]
	}
	return strings.TrimSuffix(a, ".")
}

// normalise lower-cases h and converts Unicode labels to punycode, allocating
// only when needed. Hosts with characters that cannot appear in a host give "".
func normalise(h string) string {
	lower, ascii := true, true
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= 0x80:
			ascii = false
		case 'A' <= c && c <= 'Z':
			lower = false
		case c <= ' ' || c == '<' || c == '>' || c == '"' || c == '^' || c == '|' || c == '%' || c == '`' || c == '{' || c == '}':
			return ""
		}
	}
	if !ascii {
		p, err := ToASCII(h)
		if err != nil {
			return ""
		}
		return p
	}
	if !lower {
		return strings.ToLower(h)
	}
	return h
}

// IsIP reports whether host is an IPv4 or IPv6 literal (without brackets).
func IsIP(host string) bool {
	if strings.IndexByte(host, ':') >= 0 {
		return true
	}
	if host == "" {
		return false
	}
	dots := 0
	for i := 0; i < len(host); i++ {
		c := host[i]
		if c == '.' {
			dots++
		} else if c < '0' || c > '9' {
			return false
		}
	}
	return dots == 3
}

// Domain returns the registrable domain (eTLD+1) of host: "www.bbc.co.uk" ->
// "bbc.co.uk". IP literals, single labels and public suffixes themselves are
// returned unchanged. host must be lower-case ASCII, as Host returns it.
// Domain does not allocate.
func Domain(host string) string {
	if host == "" || IsIP(host) {
		return host
	}
	suffix, _ := PublicSuffix(host)
	if len(suffix) >= len(host) {
		return host
	}
	// host = rest + "." + suffix; keep the last label of rest.
	rest := host[:len(host)-len(suffix)-1]
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		return host[i+1:]
	}
	return host
}

// ThirdParty reports whether a request to reqHost from a page on pageHost
// crosses registrable domains. An empty pageHost (no initiator, a top-level
// navigation) is first party.
func ThirdParty(reqHost, pageHost string) bool {
	if pageHost == "" {
		return false
	}
	if reqHost == pageHost {
		return false
	}
	return Domain(reqHost) != Domain(pageHost)
}

// Within reports whether host equals domain or is a subdomain of it.
func Within(host, domain string) bool {
	if len(host) == len(domain) {
		return host == domain
	}
	return len(host) > len(domain) && host[len(host)-len(domain)-1] == '.' && host[len(host)-len(domain):] == domain
}
