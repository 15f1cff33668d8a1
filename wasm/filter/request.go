package filter

import (
	"errors"
	"strings"
	"unsafe"

	"github.com/consentguard/consentguard/wasm/site"
)

// maxTokens is the number of URL token hashes kept in a Request; longer URLs
// are tokenized on the fly during matching.
const maxTokens = 192

// Errors returned by Request.Reset.
var (
	ErrScheme = errors.New("filter: URL scheme is not http, https, ws or wss")
	ErrNoHost = errors.New("filter: URL has no host")
)

// Request is a pre-parsed network request. Reuse one Request with Reset to
// match many URLs without allocating. The strings returned by its methods
// may share memory with the Request and are valid until the next Reset.
type Request struct {
	url, lower         string
	host, domain       string
	domainSet          bool // domain is computed (else Domain computes it)
	srcHost, srcDomain string
	srcEntity          string            // source host without its public suffix
	srcHashes          [maxLabels]uint64 // domainHash of each label suffix of srcHost
	entHashes          [maxLabels]uint64 // entityHash of each label suffix of srcEntity
	nSrc, nEnt         int               // -1: too many labels, compare strings
	srcMask            uint64            // bit h&63 of every srcHashes / entHashes entry
	hostStart, hostEnd int               // host offsets in lower (for "||")
	typ                Type
	third              bool
	ntok               int
	tokMore            int // offset in lower where stored tokens stop, or -1
	tokens             [maxTokens]uint32
	bloom              [bloomWords]uint64 // bloomBit of every token hash, and of 4-byte prefix/suffix hashes
	buf, sbuf          []byte
	srcURL             string                 // source URL the src* fields were computed from
	domCache           [domCacheSize]domEntry // recent hosts and their domain length
}

const domCacheSize = 64

// maxCachedHost is the longest host kept in the domain cache (longer hosts
// are looked up every time).
const maxCachedHost = 62

// domEntry caches the registrable-domain length of a host (a private copy
// in fixed storage, so filling the cache never allocates).
type domEntry struct {
	n, domLen uint8
	host      [maxCachedHost]byte
}

func domSlot(h string) int {
	x := tokenHash(h, 0, len(h))
	return int(x^x>>16) & (domCacheSize - 1)
}

// hostDomain returns site.Domain(host), remembered per Request so that
// repeated hosts are not looked up again. It does not allocate.
func (r *Request) hostDomain(host string) string {
	if host == "" {
		return ""
	}
	c := &r.domCache[domSlot(host)]
	if int(c.n) == len(host) && string(c.host[:c.n]) == host {
		return host[len(host)-int(c.domLen):]
	}
	d := site.Domain(host)
	if len(d) > len(host) || host[len(host)-len(d):] != d {
		return d // not a suffix (never expected): do not cache
	}
	if len(host) <= maxCachedHost {
		c.n = uint8(copy(c.host[:], host))
		c.domLen = uint8(len(d))
	}
	return host[len(host)-len(d):]
}

// fastHost returns the host of lower-case URL s whose authority starts at n,
// or "" when the authority needs the full parser (user info, IPv6, non-ASCII,
// trailing dot, odd characters).
func fastHost(s string, n int) string {
	i := n
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			continue
		}
		if c == '/' || c == '?' || c == '#' {
			break
		}
		if c == ':' {
			// a port must follow, else use the full parser (user info)
			for j := i + 1; j < len(s); j++ {
				d := s[j]
				if d == '/' || d == '?' || d == '#' {
					break
				}
				if d < '0' || d > '9' {
					return ""
				}
			}
			break
		}
		return ""
	}
	if i == n || s[i-1] == '.' {
		return ""
	}
	return s[n:i]
}

// NewRequest returns a Request for url loaded from a page (or frame) at
// sourceURL ("" when there is none) with type t.
func NewRequest(url, sourceURL string, t Type) (*Request, error) {
	r := new(Request)
	if err := r.Reset(url, sourceURL, t); err != nil {
		return nil, err
	}
	return r, nil
}

// Reset re-initialises r for a new request. It does not allocate for ASCII
// URLs once r's buffers have grown to the URL length. It returns ErrScheme
// for URLs that are not http(s) or ws(s) and ErrNoHost when no host is found.
func (r *Request) Reset(url, sourceURL string, t Type) error {
	r.url = url
	r.typ = t
	r.ntok = 0
	r.tokMore = -1
	r.lower, r.buf = lowerInto(r.buf, url)
	n := schemeLen(r.lower)
	if n == 0 {
		r.host, r.domain, r.domainSet = "", "", true
		return ErrScheme
	}
	r.host = fastHost(r.lower, n)
	r.hostStart, r.hostEnd = n, n+len(r.host)
	if r.host == "" {
		r.host = site.Host(r.lower)
		if r.host == "" {
			r.domain, r.domainSet = "", true
			return ErrNoHost
		}
		// locate the host in the authority (user info, IPv6 brackets)
		r.hostStart, r.hostEnd = n, n
		auth := r.lower[n:]
		if i := strings.IndexAny(auth, "/?#\\"); i >= 0 {
			auth = auth[:i]
		}
		if i := strings.Index(auth, r.host); i >= 0 {
			r.hostStart = n + i
			r.hostEnd = r.hostStart + len(r.host)
		}
	}
	if sourceURL == r.srcURL && sourceURL != "" {
		// same page as the previous request: keep the parsed source
	} else if r.srcURL = ""; sourceURL != "" {
		r.srcHost, r.srcDomain, r.srcEntity = "", "", ""
		var s string
		s, r.sbuf = lowerInto(r.sbuf, sourceURL)
		r.srcHost = site.Host(s)
		if r.srcHost != "" {
			r.srcDomain = r.hostDomain(r.srcHost)
			if i := strings.IndexByte(r.srcDomain, '.'); i >= 0 && !site.IsIP(r.srcHost) {
				suffix := len(r.srcDomain) - i // includes the dot
				r.srcEntity = r.srcHost[:len(r.srcHost)-suffix]
			}
		}
		r.nSrc = labelHashes(&r.srcHashes, r.srcHost, domainHash)
		r.nEnt = labelHashes(&r.entHashes, r.srcEntity, entityHash)
		r.srcMask = 0
		for _, h := range r.srcHashes[:max(r.nSrc, 0)] {
			r.srcMask |= 1 << (h & 63)
		}
		for _, h := range r.entHashes[:max(r.nEnt, 0)] {
			r.srcMask |= 1 << (h & 63)
		}
		r.srcURL = sourceURL
	} else {
		r.srcHost, r.srcDomain, r.srcEntity = "", "", ""
		r.nSrc, r.nEnt, r.srcMask = 0, 0, 0
	}
	switch {
	case r.host == r.srcHost:
		r.domain, r.domainSet = r.srcDomain, true // same host (the common first-party case)
	case r.srcHost == "" || !site.Within(r.host, r.srcDomain):
		// The registrable domain of a host is a suffix of it at a label
		// boundary, so a host outside the source's domain has another one:
		// it is computed only if Domain is called.
		r.domain, r.domainSet = "", false
	default:
		r.domain, r.domainSet = r.hostDomain(r.host), true
	}
	r.third = t != TypeDocument && r.srcHost != "" && (!r.domainSet || r.domain != r.srcDomain)
	r.tokenize()
	return nil
}

// maxLabels is the number of label suffixes of a source host kept hashed.
const maxLabels = 12

// labelHashes stores hash(s), hash of s after its first dot, ... in dst and
// returns their number, or -1 when s has more than maxLabels labels.
func labelHashes(dst *[maxLabels]uint64, s string, hash func(string) uint64) int {
	n := 0
	for s != "" {
		if n == maxLabels {
			return -1
		}
		dst[n] = hash(s)
		n++
		i := strings.IndexByte(s, '.')
		if i < 0 {
			break
		}
		s = s[i+1:]
	}
	return n
}

// domainHash is 64-bit FNV-1a; entityHash marks "name.*" entries.
func domainHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

func entityHash(s string) uint64 { return domainHash(s) ^ 0x9e3779b97f4a7c15 }

// schemeLen returns the length of "http://", "https://", "ws://" or "wss://"
// at the start of lower-case s, or 0.
func schemeLen(s string) int {
	switch {
	case strings.HasPrefix(s, "https://"):
		return 8
	case strings.HasPrefix(s, "http://"):
		return 7
	case strings.HasPrefix(s, "wss://"):
		return 6
	case strings.HasPrefix(s, "ws://"):
		return 5
	}
	return 0
}

// upper8 returns 0x80 in every byte of w that is an ASCII upper-case letter.
func upper8(w uint64) uint64 {
	const ones = 0x0101010101010101
	x := w & (0x7f * ones) // no carries between bytes below
	return (x + (0x80-'A')*ones) &^ (x + (0x80-'Z'-1)*ones) &^ w & (0x80 * ones)
}

// lowerInto returns s with ASCII letters lower-cased, reusing buf when a copy
// is needed. It works eight bytes at a time.
func lowerInto(buf []byte, s string) (string, []byte) {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if upper8(load64(s, i)) != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			break
		}
	}
	if i == len(s) {
		return s, buf
	}
	if cap(buf) < len(s) {
		buf = make([]byte, 0, max(len(s), 2*cap(buf), 256))
	}
	buf = append(buf[:0], s...)
	i &^= 7
	b := unsafe.String(unsafe.SliceData(buf), len(buf))
	for ; i+8 <= len(buf); i += 8 {
		w := load64(b, i)
		if u := upper8(w); u != 0 {
			store64(buf, i, w|u>>2)
		}
	}
	for ; i < len(buf); i++ {
		if c := buf[i]; c >= 'A' && c <= 'Z' {
			buf[i] = c + 32
		}
	}
	return unsafe.String(unsafe.SliceData(buf), len(buf)), buf
}

// isTokenChar reports whether c belongs to a token (a run of [a-z0-9%]).
var tokenChar = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['%'] = true
	return
}()

// hashToken hashes a token (lower-case bytes); see tokenHash.
func hashToken(s string) uint32 { return tokenHash(s, 0, len(s)) }

// tokenHash hashes s[start:end] eight bytes at a time. Bytes of s after end
// may be read but are masked off, so the hash depends on the token only.
func tokenHash(s string, start, end int) uint32 {
	h := uint64(end-start) * 0x9e3779b97f4a7c15
	i := start
	for ; end-i >= 8; i += 8 {
		h = (h ^ load64(s, i)) * 0xff51afd7ed558ccd
		h ^= h >> 29
	}
	var v uint64
	if rem := end - i; rem > 0 {
		if i+8 <= len(s) {
			v = load64(s, i) & (1<<(8*uint(rem)) - 1)
		} else {
			for j := 0; j < rem; j++ {
				v |= uint64(s[i+j]) << (8 * j)
			}
		}
	}
	h = (h ^ v) * 0xc4ceb9fe1a85ec53
	h ^= h >> 32
	return uint32(h)
}

// nextToken returns the hash of the next token of length >= 2 in lower-case
// s starting at i, and the offset after it; ok is false at the end.
func nextToken(s string, i int) (h uint32, next int, ok bool) {
	for i < len(s) {
		for i < len(s) && !tokenChar[s[i]] {
			i++
		}
		start := i
		for i < len(s) && tokenChar[s[i]] {
			i++
		}
		if i-start >= 2 {
			return tokenHash(s, start, i), i, true
		}
	}
	return 0, i, false
}

func (r *Request) tokenize() {
	s := r.lower       // already lower-case
	var seen [8]uint64 // 512-bit filter of stored token hashes (de-duplication)
	r.bloom = [bloomWords]uint64{}
	ntok := 0
	n := len(s)
	for i := 0; i < n; {
		if !tokenChar[s[i]] {
			i++
			continue
		}
		start := i
		for i < n && tokenChar[s[i]] {
			i++
		}
		if i-start < 2 {
			continue
		}
		var h uint32
		if l := i - start; l < 8 && start+8 <= n {
			// tokenHash inlined for short tokens (the common case)
			x := (uint64(l)*0x9e3779b97f4a7c15 ^ load64(s, start)&(1<<(8*uint(l))-1)) * 0xc4ceb9fe1a85ec53
			h = uint32(x ^ x>>32)
		} else {
			h = tokenHash(s, start, i)
		}
		b := bloomBit(h)
		r.bloom[b>>6] |= 1 << (b & 63)
		if i-start >= 4 {
			b = bloomBit(prefixHash(load32(s, start)))
			r.bloom[b>>6] |= 1 << (b & 63)
			b = bloomBit(suffixHash(load32(s, i-4)))
			r.bloom[b>>6] |= 1 << (b & 63)
		}
		if r.tokMore >= 0 {
			continue // only the bloom filter is still filled
		}
		w, bit := (h>>6)&7, uint64(1)<<(h&63)
		if seen[w]&bit != 0 {
			// Probably a repeat: look among the last 32 tokens only (a
			// duplicate kept costs one more lookup, never a wrong verdict).
			dup := false
			for _, t := range r.tokens[max(0, ntok-32):ntok] {
				if t == h {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
		}
		if ntok == maxTokens {
			r.tokMore = start
			continue
		}
		seen[w] |= bit
		r.tokens[ntok] = h
		ntok++
	}
	r.ntok = ntok
}

// The request bloom filter: bloomBits bits.
const (
	bloomWords = 8
	bloomBits  = 64 * bloomWords
)

func bloomBit(h uint32) uint32 { return (h ^ h>>17) & (bloomBits - 1) }

// prefixHash and suffixHash hash the first / last 4 bytes of a token; a rule
// token cut by '*' or the pattern end is only known to start / end a URL token.
func prefixHash(v uint32) uint32 { return mix((v ^ 0x5bd1e995) * 0x9e3779b1) }
func suffixHash(v uint32) uint32 { return mix((v ^ 0xc2b2ae35) * 0x85ebca6b) }

// URL returns the request URL as given.
func (r *Request) URL() string { return r.url }

// Host returns the lower-case host of the URL (IDNs in punycode).
func (r *Request) Host() string { return r.host }

// Domain returns the registrable domain (eTLD+1) of Host.
func (r *Request) Domain() string {
	if !r.domainSet {
		r.domain, r.domainSet = r.hostDomain(r.host), true
	}
	return r.domain
}

// SourceHost returns the host of the source (page or frame) URL, or "".
func (r *Request) SourceHost() string { return r.srcHost }

// SourceDomain returns the registrable domain of SourceHost, or "".
func (r *Request) SourceDomain() string { return r.srcDomain }

// ThirdParty reports whether the request crosses registrable domains.
func (r *Request) ThirdParty() bool { return r.third }

// Type returns the request type.
func (r *Request) Type() Type { return r.typ }
