// Package guard generates the runtime guard that the edge proxy injects at
// the start of <head>. The guard blocks, in the page, what the HTML rewriter
// cannot see: scripts, images, frames and links added later by JavaScript,
// fetch, XMLHttpRequest, navigator.sendBeacon, WebSocket and EventSource
// requests to non-consented tracker hosts, and document.cookie (and
// cookieStore.set) writes of non-consented cookie names.
//
// The JavaScript template (guard.js) is minified at build time with
// tdewolff/minify (go generate: internal/gen writes guard.min.js, which is
// embedded); each call only splices a small JSON literal with the
// per-request data into it.
package guard

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:generate go run ./internal/gen

// Spec is the per-request data of the guard.
type Spec struct {
	// BlockHosts are host suffixes: "google-analytics.com" blocks
	// google-analytics.com and every subdomain of it. Lower case, no port.
	BlockHosts []string
	// BlockCookies are exact cookie names whose writes are dropped.
	BlockCookies []string
	// BlockCookiePrefixes are cookie name prefixes ("_ga_", "_hj").
	BlockCookiePrefixes []string
	// BlockPings removes every hyperlink-auditing ping (a link's ping
	// attribute), whatever its host: pings only report clicks.
	BlockPings bool
	// BeaconPaths are path signatures in wasm/catalog's canonical form
	// ("/g/collect?v=2&tid=G-"): navigator.sendBeacon to a URL one matches
	// is refused on any host, the site's own included.
	BeaconPaths []string
	// BlockPaths are path signatures in the same form that block every
	// request (scripts, images, frames, fetch, XHR, beacons) on any host
	// (an SDK a page's JS loads from a public CDN), matched as the core
	// matches unscoped signatures. Only those PathSupported accepts.
	BlockPaths []string
}

// PathSupported reports whether the guard matches signature sig exactly
// as the core does for BlockPaths: the path starts with '/' and has no '*'
// but an optional last one.
func PathSupported(sig string) bool {
	path, _, _ := strings.Cut(sig, "?")
	if !strings.HasPrefix(path, "/") || len(path) < 2 {
		return false
	}
	i := strings.IndexByte(path, '*')
	return i < 0 || i == len(path)-1
}

//go:embed guard.min.js
var minified string

// placeholder is the global identifier in guard.js replaced by the data
// literal (jsmin.Placeholder).
const placeholder = "__CG_DATA__"

var (
	once       sync.Once
	head, tail string
)

func prepare() {
	i := strings.Index(minified, placeholder)
	head, tail = ";"+minified[:i], strings.TrimRight(minified[i+len(placeholder):], "\n;")+";"
}

// Script returns the minified guard for s. The result is plain JavaScript
// without <script> tags, one statement between ";" (so other scripts may
// precede or follow it in the same element); every string in the data literal is escaped so the
// script is safe inside an HTML <script> element.
func Script(s Spec) []byte {
	return AppendScript(nil, s)
}

// AppendScript appends the guard for s to dst and returns the extended
// slice. With enough capacity in dst it does not allocate.
func AppendScript(dst []byte, s Spec) []byte {
	once.Do(prepare)
	if dst == nil {
		dst = make([]byte, 0, Size(s))
	}
	dst = append(dst, head...)
	dst = appendData(dst, s)
	dst = append(dst, tail...)
	return dst
}

// Size returns the exact length of Script(s).
func Size(s Spec) int {
	once.Do(prepare)
	n := len(head) + len(tail) + len(`{"h":,"c":,"p":,"a":0,"b":,"s":}`)
	for _, l := range [][]string{s.BlockHosts, s.BlockCookies, s.BlockCookiePrefixes, s.BeaconPaths, s.BlockPaths} {
		n += 2 // []
		for i, v := range l {
			if i > 0 {
				n++
			}
			n += quotedLen(v)
		}
	}
	return n
}

// Hash returns the CSP source expression ('sha256-...') of a script body,
// for adding the guard to a script-src directive.
func Hash(script []byte) string {
	sum := sha256.Sum256(script)
	b := make([]byte, 0, 9+base64.StdEncoding.EncodedLen(len(sum))+1)
	b = append(b, "'sha256-"...)
	b = base64.StdEncoding.AppendEncode(b, sum[:])
	return string(append(b, '\''))
}

func appendData(dst []byte, s Spec) []byte {
	dst = append(dst, `{"h":`...)
	dst = appendList(dst, s.BlockHosts)
	dst = append(dst, `,"c":`...)
	dst = appendList(dst, s.BlockCookies)
	dst = append(dst, `,"p":`...)
	dst = appendList(dst, s.BlockCookiePrefixes)
	if s.BlockPings {
		dst = append(dst, `,"a":1,"b":`...)
	} else {
		dst = append(dst, `,"a":0,"b":`...)
	}
	dst = appendList(dst, s.BeaconPaths)
	dst = append(dst, `,"s":`...)
	dst = appendList(dst, s.BlockPaths)
	return append(dst, '}')
}

func appendList(dst []byte, l []string) []byte {
	dst = append(dst, '[')
	for i, v := range l {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, v)
	}
	return append(dst, ']')
}

const hexDigits = "0123456789abcdef"

// needsEscape reports whether r is written as \uXXXX: controls, the
// characters that could end the <script> element or start markup, and the
// JS line terminators U+2028/U+2029. Invalid UTF-8 becomes U+FFFD.
func escaped(r rune) bool {
	return r < 0x20 || r == '<' || r == '>' || r == '&' || r == 0x2028 || r == 0x2029
}

func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case escaped(rune(c)):
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, `\ufffd`...)
		case escaped(r):
			dst = append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return append(dst, '"')
}

func quotedLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				n += 2
			case escaped(rune(c)):
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			n += 6
		case escaped(r):
			n += 6
		default:
			n += w
		}
		i += w
	}
	return n
}

// Compact returns s with the host suffixes lower-cased, de-duplicated and
// without the hosts already covered by a listed parent ("x.example.com"
// when "example.com" is listed), and the cookie names de-duplicated and
// without the names a listed prefix covers. The guard behaves the same;
// the injected script is smaller. Call it once per distinct spec (the
// result is meant to be cached with the script).
func (s Spec) Compact() Spec {
	var out Spec
	hosts := make(map[string]bool, len(s.BlockHosts))
	for _, h := range s.BlockHosts {
		h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
		if h != "" {
			hosts[h] = true
		}
	}
	for h := range hosts {
		covered := false
		for p := h; ; {
			i := strings.IndexByte(p, '.')
			if i < 0 {
				break
			}
			p = p[i+1:]
			if hosts[p] {
				covered = true
				break
			}
		}
		if !covered {
			out.BlockHosts = append(out.BlockHosts, h)
		}
	}
	slices.Sort(out.BlockHosts)
	prefixes := make(map[string]bool, len(s.BlockCookiePrefixes))
	for _, p := range s.BlockCookiePrefixes {
		if p != "" {
			prefixes[p] = true
		}
	}
	for p := range prefixes {
		covered := false
		for q := range prefixes {
			if q != p && strings.HasPrefix(p, q) {
				covered = true
				break
			}
		}
		if !covered {
			out.BlockCookiePrefixes = append(out.BlockCookiePrefixes, p)
		}
	}
	slices.Sort(out.BlockCookiePrefixes)
	names := make(map[string]bool, len(s.BlockCookies))
	for _, n := range s.BlockCookies {
		if n == "" || names[n] {
			continue
		}
		names[n] = true
		covered := false
		for _, p := range out.BlockCookiePrefixes {
			if strings.HasPrefix(n, p) {
				covered = true
				break
			}
		}
		if !covered {
			out.BlockCookies = append(out.BlockCookies, n)
		}
	}
	slices.Sort(out.BlockCookies)
	out.BlockPings = s.BlockPings
	paths := make(map[string]bool, len(s.BeaconPaths))
	for _, p := range s.BeaconPaths {
		if p != "" && !paths[p] {
			paths[p] = true
			out.BeaconPaths = append(out.BeaconPaths, p)
		}
	}
	slices.Sort(out.BeaconPaths)
	blocks := make(map[string]bool, len(s.BlockPaths))
	for _, p := range s.BlockPaths {
		if p != "" && !blocks[p] {
			blocks[p] = true
			out.BlockPaths = append(out.BlockPaths, p)
		}
	}
	slices.Sort(out.BlockPaths)
	return out
}
