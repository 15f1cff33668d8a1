package filter

import (
	"slices"
	"strings"

	"github.com/consentguard/consentguard/wasm/site"
)

// separator reports whether c matches '^': anything but a letter, a digit or
// one of "_-.%" (end of URL is handled by the callers).
var separator = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		t[c] = !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
			b == '_' || b == '-' || b == '.' || b == '%')
	}
	return
}()

// matches reports whether r applies to req.
func (r *Rule) matches(req *Request) bool {
	if b := r.bloom; b != noBloom && req.bloom[(b>>6)&(bloomWords-1)]&(1<<(b&63)) == 0 {
		return false
	}
	if r.types&req.typ == 0 {
		return false
	}
	if req.third {
		if r.flags&fThirdParty == 0 {
			return false
		}
	} else if r.flags&fFirstParty == 0 {
		return false
	}
	a := r.aux
	if r.flags&fRegex != 0 && a != nil && (len(a.include) > 0 || len(a.exclude) > 0) && !a.matchDomains(req) {
		return false
	}
	if a != nil && a.lit != "" {
		u := req.lower
		if r.flags&fMatchCase != 0 {
			u = req.url
		}
		if !contains(u, a.lit) {
			return false
		}
	}
	if !r.matchPattern(req) {
		return false
	}
	if a != nil && (len(a.include) > 0 || len(a.exclude) > 0) {
		return a.matchDomains(req)
	}
	return true
}

// matchDomains applies domain=: an excluded source wins, then at least one
// included domain must contain the source host (when any are listed).
func (a *ruleAux) matchDomains(req *Request) bool {
	if req.srcHost == "" {
		return len(a.include) == 0
	}
	if req.nSrc < 0 || req.nEnt < 0 || (a.incH == nil && len(a.include) > 0) || (a.excH == nil && len(a.exclude) > 0) {
		return a.matchDomainsSlow(req)
	}
	if len(a.excH) > 0 && a.excM&req.srcMask != 0 && req.hit(a.excH) {
		return false
	}
	if len(a.incH) == 0 {
		return true
	}
	return a.incM&req.srcMask != 0 && req.hit(a.incH)
}

// hit reports whether any label suffix hash of the source is in sorted set.
func (req *Request) hit(set []uint64) bool {
	for _, h := range req.srcHashes[:req.nSrc] {
		if _, ok := slices.BinarySearch(set, h); ok {
			return true
		}
	}
	for _, h := range req.entHashes[:req.nEnt] {
		if _, ok := slices.BinarySearch(set, h); ok {
			return true
		}
	}
	return false
}

// matchDomainsSlow compares strings (hosts with very many labels, rules
// built without hashes).
func (a *ruleAux) matchDomainsSlow(req *Request) bool {
	for _, d := range a.exclude {
		if domainMatch(d, req) {
			return false
		}
	}
	if len(a.include) == 0 {
		return true
	}
	for _, d := range a.include {
		if domainMatch(d, req) {
			return true
		}
	}
	return false
}

func domainMatch(d string, req *Request) bool {
	if req.srcHost == "" {
		return false
	}
	if strings.HasSuffix(d, ".*") {
		e := req.srcEntity
		name := d[:len(d)-2]
		return e != "" && site.Within(e, name)
	}
	return site.Within(req.srcHost, d)
}

func (r *Rule) matchPattern(req *Request) bool {
	u := req.lower
	if r.flags&fMatchCase != 0 {
		u = req.url
	}
	p := r.pattern
	if r.flags&fRegex != 0 {
		re := r.aux.regex()
		return re != nil && re.MatchString(u)
	}
	right := r.flags&fRightAnchor != 0
	if r.flags&fHostAnchor != 0 {
		hs, he := req.hostStart, req.hostEnd
		if r.flags&fHostOnly != 0 {
			// "||host": the pattern must cover whole labels of the host.
			host := u[hs:he]
			for s := 0; s < len(host); {
				if strings.HasPrefix(host[s:], p) {
					end := s + len(p)
					if end == len(host) || host[end] == '.' || p[len(p)-1] == '.' {
						return true
					}
				}
				d := strings.IndexByte(host[s:], '.')
				if d < 0 {
					break
				}
				s += d + 1
			}
			return false
		}
		c0 := byte(0)
		if p != "" && p[0] != '^' && p[0] != '*' {
			c0 = p[0]
		}
		for s := hs; s < he; {
			if (c0 == 0 || u[s] == c0) && glob(p, u, s, true, right) {
				return true
			}
			d := strings.IndexByte(u[s:he], '.')
			if d < 0 {
				break
			}
			s += d + 1
		}
		return false
	}
	left := r.flags&fLeftAnchor != 0
	if r.flags&(fHasStar|fHasCaret) == 0 {
		switch {
		case left && right:
			return u == p
		case left:
			return strings.HasPrefix(u, p)
		case right:
			return strings.HasSuffix(u, p)
		}
		return contains(u, p)
	}
	return glob(p, u, 0, left, right)
}

// glob matches pattern p (with '*' and '^') against s starting at from.
// If anchored, the first segment must match at from. If right, the last
// segment must end at the end of s.
func glob(p, s string, from int, anchored, right bool) bool {
	pos := from
	first := true
	for {
		seg := p
		rest := ""
		last := true
		for i := 0; i < len(p); i++ { // (short patterns: a loop beats IndexByte)
			if p[i] == '*' {
				seg, rest, last = p[:i], p[i+1:], false
				break
			}
		}
		switch {
		case last && right:
			// The segment must end at the end of s (a trailing '^' may match the end).
			if first && anchored {
				return segAt(seg, s, pos, true) && segEndsAt(seg, s, pos)
			}
			for k := len(s) - len(seg); k <= len(s)-trimCaretLen(seg); k++ {
				if k >= pos && segAt(seg, s, k, true) && segEndsAt(seg, s, k) {
					return true
				}
			}
			return false
		case first && anchored:
			if !segAt(seg, s, pos, last) {
				return false
			}
			pos += len(seg)
		default:
			k := segIndex(seg, s, pos, last)
			if k < 0 {
				return false
			}
			pos = k + len(seg)
		}
		if last {
			return true
		}
		if pos > len(s) {
			pos = len(s)
		}
		p = rest
		first = false
	}
}

// trimCaretLen is len(seg) without trailing '^'.
func trimCaretLen(seg string) int {
	n := len(seg)
	for n > 0 && seg[n-1] == '^' {
		n--
	}
	return n
}

// segEndsAt reports whether seg placed at k reaches exactly the end of s
// (trailing '^' may stand for the end).
func segEndsAt(seg string, s string, k int) bool {
	end := k + len(seg)
	if end == len(s) {
		return true
	}
	return end > len(s) && k+trimCaretLen(seg) <= len(s)
}

// segAt reports whether seg matches s at k. When last is set, '^' at or past
// the end of s matches the end of the URL.
func segAt(seg, s string, k int, last bool) bool {
	if k > len(s) {
		return false
	}
	for j := 0; j < len(seg); j++ {
		c := seg[j]
		if k+j >= len(s) {
			if !last {
				return false
			}
			for ; j < len(seg); j++ {
				if seg[j] != '^' {
					return false
				}
			}
			return true
		}
		if c == '^' {
			if !separator[s[k+j]] {
				return false
			}
		} else if s[k+j] != c {
			return false
		}
	}
	return true
}

// segIndex returns the first index >= from where seg matches s, or -1.
func segIndex(seg, s string, from int, last bool) int {
	if seg == "" {
		return from
	}
	lit := seg
	off := 0
	if i := strings.IndexByte(seg, '^'); i >= 0 {
		if i == 0 {
			// leading separator: scan for separators (or the end)
			for k := from; k <= len(s); k++ {
				if (k == len(s) || separator[s[k]]) && segAt(seg, s, k, last) {
					return k
				}
			}
			return -1
		}
		lit = seg[:i]
	}
	for k := from; k <= len(s); {
		i := strings.Index(s[k:], lit)
		if i < 0 {
			return -1
		}
		k += i - off
		if lit == seg || segAt(seg, s, k, last) {
			return k
		}
		k++
	}
	return -1
}
