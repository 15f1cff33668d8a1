package catalog

import "strings"

// MatchAnyPrefix reports whether the signature matches a request path plus
// raw query ("/metrics/g/collect?v=2&tid=G-1") from any '/' of its path on:
// how wasm/tracker matches a signature without domain= (a first-party
// proxy may serve a vendor's endpoint under any path prefix). The runtime
// guard's JavaScript matcher follows it. It does not allocate.
func (p *Path) MatchAnyPrefix(pathAndQuery string) bool {
	path, query, _ := strings.Cut(pathAndQuery, "?")
	if i := strings.IndexByte(query, '#'); i >= 0 {
		query = query[:i]
	}
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path = path[:i]
	}
	if !MatchQuery(p.Params, query) {
		return false
	}
	for sub := path; sub != ""; {
		if MatchPath(p.Pattern, sub) {
			return true
		}
		j := strings.IndexByte(sub[min(1, len(sub)):], '/')
		if j < 0 {
			return false
		}
		sub = sub[j+1:]
	}
	return false
}
