package dnr

import (
	"github.com/consentguard/consentguard/wasm/filter"
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

// FuzzABPRules: any line the core's parser accepts either gets a reason
// or DNR rules that pass Validate (ASCII urlFilter, RE2 regex within size,
// non-empty lower-case domains, known types, allowAllRequests on frames).
func FuzzABPRules(f *testing.F) {
	for _, s := range []string{"||bad.third-party.site^", "@@||a.example^$document,subdocument", "/x[0-9]+/$script,match-case",
		"|https://a.example/*/b^|$3p,domain=a.example|~b.example", "||ä.example^$image,important", "$ping,domain=x.example",
		"@@/ads/$~script,~image,important", "||a.example^$domain=b.*", "*$csp=script-src"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, err := filter.ParseRule(line)
		if err != nil {
			return
		}
		rules, reason := ABPRules(r.Parts())
		if reason != "" {
			if len(rules) != 0 {
				t.Fatalf("%q: reason %q with rules", line, reason)
			}
			return
		}
		if len(rules) == 0 {
			t.Fatalf("%q: no rules and no reason", line)
		}
		for i, ru := range rules {
			ru.ID = i + 1
			if err := Validate(ru); err != nil {
				t.Fatalf("%q: invalid rule %+v: %v", line, ru, err)
			}
			if ru.Condition.URLFilter == "" && ru.Condition.RegexFilter == "" && len(ru.Condition.InitiatorDomains) == 0 &&
				len(ru.Condition.ResourceTypes) == 0 && ru.Condition.DomainType == "" {
				t.Fatalf("%q: rule %+v matches every request", line, ru)
			}
		}
	})
}
