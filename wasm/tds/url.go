package tds

import (
	"strings"

	"github.com/consentguard/consentguard/wasm/site"
)

// reqURL is a request URL split the way the matchers need it.
type reqURL struct {
	scheme string // lower case
	host   string // lower case, punycode, no brackets
	port   string // explicit non-default port, "" otherwise
	rest   string // path and query as written (fragment removed), starts with '/' or is ""
}

// splitURL splits rawurl; ok is false when it has no host.
func splitURL(rawurl string) (u reqURL, ok bool) {
	u.host = site.Host(rawurl)
	if u.host == "" {
		return u, false
	}
	s := strings.TrimLeft(rawurl, " \t\r\n")
	if i := strings.Index(s, "://"); i > 0 && !strings.ContainsAny(s[:i], "/?#") {
		u.scheme = strings.ToLower(s[:i])
		s = s[i+3:]
	} else {
		s = strings.TrimPrefix(s, "//")
	}
	end := strings.IndexAny(s, "/?#")
	auth := s
	if end >= 0 {
		auth, s = s[:end], s[end:]
	} else {
		s = ""
	}
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		auth = auth[i+1:]
	}
	if i := strings.LastIndexByte(auth, ':'); i >= 0 && !strings.Contains(auth[i:], "]") {
		u.port = auth[i+1:]
	}
	if (u.port == "80" && (u.scheme == "http" || u.scheme == "ws")) || (u.port == "443" && (u.scheme == "https" || u.scheme == "wss")) {
		u.port = ""
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	u.rest = s
	return u, true
}

// hostPort is host[:port] (non-default port only).
func (u reqURL) hostPort() string {
	if u.port == "" {
		return u.host
	}
	if strings.IndexByte(u.host, ':') >= 0 {
		return "[" + u.host + "]:" + u.port
	}
	return u.host + ":" + u.port
}

// tdsString is the URL TDS rule expressions are matched against: scheme,
// host without port (ports are ignored when matching rules), path and
// query.
func (u reqURL) tdsString(host string) string {
	scheme := u.scheme
	if scheme == "" {
		scheme = "https"
	}
	return scheme + "://" + host + u.rest
}
