package cookie

import (
	"strings"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/site"
)

// Filter applies a visitor's consent to cookie headers.
//
// Cookies no list knows get the category UnknownCategory. Its zero value,
// consent.None, keeps them: a site's own unknown cookies are most often
// logins, carts and settings, and removing them breaks the site, while the
// widely used tracking cookies are in the lists. A strict operator sets
// UnknownCategory to a consent category (e.g. consent.Functional) so that
// unknown cookies need that consent. Cookies of category necessary and
// consent (consent records) are never removed.
type Filter struct {
	DB *DB
	// UnknownCategory is the category given to cookies no list knows.
	UnknownCategory consent.Category
}

// Classify returns the cookie's Match; unknown cookies get f.UnknownCategory.
func (f *Filter) Classify(name, domain string) Match {
	if m, ok := f.DB.Classify(name, domain); ok {
		return m
	}
	return Match{Name: name, Category: f.UnknownCategory}
}

// Allowed reports whether the cookie name of domain may be stored or sent
// under st, with its Match.
func (f *Filter) Allowed(name, domain string, st consent.State) (Match, bool) {
	m := f.Classify(name, domain)
	return m, st.Allows(m.Category)
}

// FilterCookieHeader removes from a Cookie request header, sent to host,
// every cookie st does not allow. When nothing is removed it returns h itself
// (byte-identical, no allocation); otherwise the kept pairs, unchanged, joined
// by "; ". removed lists the removed cookies in header order.
func (f *Filter) FilterCookieHeader(h, host string, st consent.State) (kept string, removed []Match) {
	// First pass: find the first removal without allocating.
	first := -1
	forPairs(h, func(name, _, _ string, start, _ int) bool {
		if _, ok := f.Allowed(name, host, st); !ok {
			first = start
			return false
		}
		return true
	})
	if first < 0 {
		return h, nil
	}
	var b strings.Builder
	b.Grow(len(h))
	forPairs(h, func(name, _, pair string, _, _ int) bool {
		m, ok := f.Allowed(name, host, st)
		if !ok {
			removed = append(removed, m)
			return true
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(pair)
		return true
	})
	return b.String(), removed
}

// AllowSetCookie decides whether a Set-Cookie response header line, received
// from host, may reach the browser under st. The cookie is classified by its
// Domain attribute when it has one, else by host. A line browsers would
// ignore (see ParseSetCookie) is not allowed: dropping it changes nothing for
// the browser. Forward allowed lines unchanged, one header line each. It does
// not allocate.
func (f *Filter) AllowSetCookie(header, host string, st consent.State) (Match, bool) {
	name, _, attrs, err := splitSetCookie(header)
	if err != nil {
		return Match{Name: name}, false
	}
	d := setCookieDomain(attrs)
	if d == "" {
		d = host
	}
	return f.Allowed(name, d, st)
}

// FilterSetCookies returns the Set-Cookie lines st allows, in order, and the
// Matches of those removed. The kept slice shares lines' backing array when
// nothing is removed.
func (f *Filter) FilterSetCookies(lines []string, host string, st consent.State) (kept []string, removed []Match) {
	for i, l := range lines {
		m, ok := f.AllowSetCookie(l, host, st)
		if ok {
			if kept != nil {
				kept = append(kept, l)
			}
			continue
		}
		if kept == nil {
			kept = append(make([]string, 0, len(lines)-1), lines[:i]...)
		}
		removed = append(removed, m)
	}
	if kept == nil && removed == nil {
		return lines, nil
	}
	return kept, removed
}

// Expire returns the Set-Cookie lines that delete, in the browser, every
// cookie of the Cookie request header h (sent to host) that st no longer
// allows, for use when a visitor withdraws consent; removed lists them.
//
// A cookie's Domain and Path are not sent back in the Cookie header, so each
// name gets a host-only deletion and, when host is below its registrable
// domain or equal to it, a deletion with Domain=<registrable domain> (where
// trackers like _ga live), both with Path=/. "__Host-" cookies get only the
// host-only form and "__Secure-"/"__Host-" ones carry Secure, as browsers
// require. Cookies set on other paths are not reached: send
// Clear-Site-Data: "cookies" when everything must go.
func (f *Filter) Expire(h, host string, st consent.State) (lines []string, removed []Match) {
	forPairs(h, func(name, _, _ string, _, _ int) bool {
		m, ok := f.Allowed(name, host, st)
		if ok {
			return true
		}
		for _, r := range removed {
			if r.Name == name {
				return true // a name sent twice (several paths/domains) needs one set
			}
		}
		removed = append(removed, m)
		lines = append(lines, ExpireLines(name, host)...)
		return true
	})
	return lines, removed
}

// ExpireLines returns the Set-Cookie lines that delete cookie name for a
// response from host (see Filter.Expire).
func ExpireLines(name, host string) []string {
	const tail = "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"
	secure := ""
	if strings.HasPrefix(name, "__Secure-") || strings.HasPrefix(name, "__Host-") {
		secure = "; Secure"
	}
	out := []string{name + tail + secure}
	if strings.HasPrefix(name, "__Host-") || host == "" || site.IsIP(host) {
		return out
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if d := site.Domain(host); d != "" && strings.Contains(d, ".") {
		out = append(out, name+tail+"; Domain="+d+secure)
	}
	return out
}
