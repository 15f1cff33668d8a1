package dnr

import (
	"regexp"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/catalog"
)

// FuzzPathRegexes: for any signature the catalog accepts, the regexes
// either fail with an error (too large) or compile, and agree with the
// core's matcher on URLs built from the signature and from the fuzz input.
func FuzzPathRegexes(f *testing.F) {
	for _, s := range []string{"/g/collect?v=2&tid=G-", "/tr", "*/matomo.php?idsite&rec=1", "/pagead/", "/rb_*?type=js*&sn", "/a*b/c?x=1"} {
		f.Add(s, "/g/collect/x?tid=G-1&v=2")
	}
	f.Fuzz(func(t *testing.T, sig, pq string) {
		p, err := catalog.ParsePath(sig)
		if err != nil {
			return
		}
		anyPrefix := len(pq)%2 == 0
		res, err := PathRegexes(p, anyPrefix)
		if err != nil {
			return
		}
		var rx []*regexp.Regexp
		for _, r := range res {
			c, err := regexp.Compile(r)
			if err != nil {
				t.Fatalf("%q: regex %q does not compile: %v", sig, r, err)
			}
			rx = append(rx, c)
		}
		if !strings.HasPrefix(pq, "/") || strings.ContainsAny(pq, "# \t\r\n") {
			pq = strings.ReplaceAll(strings.ReplaceAll(p.String(), "*", "x"), "#", "")
		}
		if strings.ContainsAny(pq, "# \t\r\n") {
			return
		}
		got := false
		for _, r := range rx {
			got = got || r.MatchString("https://h.example"+pq)
		}
		if want := coreMatch(p, pq, anyPrefix); got != want {
			t.Errorf("%q on %q: regexes %v say %v, core %v", sig, pq, res, got, want)
		}
	})
}
