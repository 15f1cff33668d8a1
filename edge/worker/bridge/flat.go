package bridge

import (
	"net/http"
	"strings"
)

// The flat header format moves a whole header list between Go and JS as
// one string: "name\nvalue\n" per value. From JS (flatHeaders in
// glue/bridge.mjs) a "\x00" follows, then the Set-Cookie values joined by
// "\n". Header names and values cannot contain "\n" or "\x00" in HTTP.

// headerString encodes h for makeHeaders. Names and values containing CR, LF or NUL
// (invalid in HTTP) are dropped.
func headerString(h http.Header) string {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 2
		}
	}
	var b strings.Builder
	b.Grow(n)
	for k, vs := range h {
		if strings.ContainsAny(k, "\r\n\x00") {
			continue
		}
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n\x00") {
				continue
			}
			b.WriteString(k)
			b.WriteByte('\n')
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// parseFlat decodes the flatHeaders format.
func parseFlat(s string) http.Header {
	main, cookies, _ := strings.Cut(s, "\x00")
	h := make(http.Header, strings.Count(main, "\n")/2+1)
	for main != "" {
		var k, v string
		var ok bool
		k, main, ok = strings.Cut(main, "\n")
		if !ok {
			break
		}
		v, main, _ = strings.Cut(main, "\n")
		ck := http.CanonicalHeaderKey(k)
		h[ck] = append(h[ck], v)
	}
	for cookies != "" {
		var c string
		c, cookies, _ = strings.Cut(cookies, "\n")
		if c != "" {
			h["Set-Cookie"] = append(h["Set-Cookie"], c)
		}
	}
	return h
}
