package dnr

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func parse(t *testing.T, name string, data []byte) *catalog.Catalog {
	t.Helper()
	c, errs := catalog.Parse(name, data)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs)
	}
	return c
}

func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	sets, errs := Compile(Input{Trackers: []*catalog.Catalog{parse(t, "sample.txt", data)}, Params: []string{"utm_*", "gclid", "fbclid"}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	out := map[string]any{}
	for _, s := range sets {
		out[s.ID] = map[string]any{"enabled": s.Enabled, "rules": s.Rules}
	}
	checkGolden(t, "sample.golden.json", out)
}

// checkGolden compares v's indented JSON with testdata/name (rewritten
// with -update).
func checkGolden(t *testing.T, name string, v any) {
	t.Helper()
	got, _ := json.MarshalIndent(v, "", " ")
	golden := filepath.Join("testdata", name)
	if *update {
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("output differs from %s (run with -update after checking):\n%s", golden, got)
	}
}

// TestHostSemantics checks, host by host, that the enabled rulesets block
// exactly what the core's longest-suffix rule says.
func TestHostSemantics(t *testing.T) {
	data, _ := os.ReadFile("testdata/sample.txt")
	sets, _ := Compile(Input{Trackers: []*catalog.Catalog{parse(t, "sample.txt", data)}})
	byID := map[string]Ruleset{}
	for _, s := range sets {
		byID[s.ID] = s
	}
	for _, tc := range []struct {
		host string
		cat  string // ruleset that must block it; "" = none
	}{
		{"www.google-analytics.com", "analytics"},
		{"google-analytics.com", "analytics"},
		{"googleads.g.doubleclick.net", "advertising"},
		{"stats.g.doubleclick.net", "analytics"},
		{"challenges.doubleclick.net", ""},
		{"cdn.cookielaw.org", ""},
		{"example.com", ""},
	} {
		for id, s := range byID {
			hit := false
			for _, r := range s.Rules {
				if r.Condition.RegexFilter == "" && domainMatch(tc.host, r.Condition.RequestDomains) && !domainMatch(tc.host, r.Condition.ExcludedRequestDomains) {
					hit = true
				}
			}
			if hit != (id == tc.cat) {
				t.Errorf("%s: ruleset %s blocks=%v, want only %q", tc.host, id, hit, tc.cat)
			}
		}
	}
}

func domainMatch(host string, ds []string) bool {
	for _, d := range ds {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// TestPathRegexMatchesCore compares every path signature of the shipped
// list, compiled to a regex, with the core's matcher on many URLs.
func TestPathRegexMatchesCore(t *testing.T) {
	tb, _ := policylists.File("trackers.txt")
	c := parse(t, "trackers.txt", tb)
	type sigEntry struct {
		catalog.Path
		anyPrefix bool
	}
	var sigs []sigEntry
	for _, v := range c.Vendors {
		for _, e := range v.Entries {
			if e.Kind == catalog.KindPath {
				p, err := catalog.ParsePath(e.Value)
				if err != nil {
					t.Fatal(err)
				}
				sigs = append(sigs, sigEntry{p, e.Domain == ""})
			}
		}
	}
	if len(sigs) < 50 {
		t.Fatalf("only %d path signatures", len(sigs))
	}
	// No fragments: request URLs reach DNR without them.
	suffixes := []string{"", "/", "/x", "x", "?", "?a=1", "/y?z=2", "&"}
	for _, p := range sigs {
		var res []*regexp.Regexp
		uf, isFilter := PathURLFilter(p.Path, p.anyPrefix)
		if !isFilter {
			for _, r := range mustRegexes(t, p.Path, p.anyPrefix) {
				res = append(res, regexp.MustCompile(r))
			}
		}
		// URLs built from the signature itself plus near misses.
		base := strings.ReplaceAll(p.Pattern, "*", "abc")
		var queries []string
		var full, rev []string
		for _, prm := range p.Params {
			v := prm.Value
			if prm.Prefix {
				v += "42"
			}
			full = append(full, prm.Name+"="+v)
			rev = append([]string{prm.Name + "=" + v}, rev...)
		}
		queries = append(queries, "", strings.Join(full, "&"), strings.Join(rev, "&"), "x=1&"+strings.Join(full, "&")+"&y=2")
		if len(full) > 0 {
			queries = append(queries, full[0], strings.Join(full, "&")[1:], "a"+strings.Join(full, "&"),
				strings.Join(full, "x&"), strings.Join(rev, "&")+"x", strings.Join(full, "&&"))
		}
		for _, pre := range []string{"", "/pre", "/metrics/x", "/pre-"} {
			for _, suf := range suffixes {
				if isFilter && suf == "&" {
					// '&' right after a path literal: a separator to
					// urlFilter's '^', not a path boundary to the core
					// (the documented over-match of PathURLFilter).
					continue
				}
				for _, q := range queries {
					path := pre + base + suf
					u := "https://h.example" + path
					pq := path
					if q != "" {
						if strings.Contains(suf, "?") {
							u += "&" + q
							pq += "&" + q
						} else {
							u += "?" + q
							pq += "?" + q
						}
					}
					got := isFilter && urlFilterMatch(uf, u)
					for _, re := range res {
						got = got || re.MatchString(u)
					}
					if want := coreMatch(p.Path, pq, p.anyPrefix); got != want {
						t.Errorf("%s: regexes %v on %s = %v, core says %v", p, res, u, got, want)
					}
				}
			}
		}
	}
}

// urlFilterMatch is DNR's urlFilter for the forms PathURLFilter writes: a
// literal anywhere in the URL, optionally followed by '^' (a separator
// character or the end).
func urlFilterMatch(f, u string) bool {
	lit, sep := strings.CutSuffix(f, "^")
	for i := 0; ; {
		j := strings.Index(u[i:], lit)
		if j < 0 {
			return false
		}
		end := i + j + len(lit)
		if !sep || end == len(u) || isSeparator(u[end]) {
			return true
		}
		i += j + 1
	}
}

func isSeparator(c byte) bool {
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '%')
}

// coreMatch is the core's meaning (package wasm/tracker): an unscoped
// signature matches the path from any of its '/' on.
func coreMatch(p catalog.Path, pq string, anyPrefix bool) bool {
	if p.Match(pq) {
		return true
	}
	if !anyPrefix {
		return false
	}
	path, _, _ := strings.Cut(pq, "?")
	for i := 1; i < len(path); i++ {
		if path[i] == '/' && p.Match(pq[i:]) {
			return true
		}
	}
	return false
}

func mustRegexes(t *testing.T, p catalog.Path, anyPrefix bool) []string {
	t.Helper()
	re, err := PathRegexes(p, anyPrefix)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return re
}

func TestShippedListsWithinLimits(t *testing.T) {
	tb, _ := policylists.File("trackers.txt")
	pb, _ := policylists.File("params.txt")
	var names []string
	for _, l := range strings.Split(string(pb), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			names = append(names, l)
		}
	}
	sets, errs := Compile(Input{Trackers: []*catalog.Catalog{parse(t, "trackers.txt", tb)}, Params: names})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if err := Check(sets); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, s := range sets {
		ids[s.ID] = true
		if len(s.Rules) == 0 {
			t.Errorf("ruleset %s is empty", s.ID)
		}
	}
	for _, c := range consent.Categories() {
		if ids[c.String()] != Blockable(c) {
			t.Errorf("category %s: ruleset present=%v, blockable=%v", c, ids[c.String()], Blockable(c))
		}
	}
}

func TestCheckLimits(t *testing.T) {
	big := func(n int, regex bool) Ruleset {
		rs := Ruleset{ID: "x"}
		for i := 0; i < n; i++ {
			r := Rule{ID: i + 1, Priority: PriorityBlock, Action: Action{Type: "block"}}
			if regex {
				r.Condition.RegexFilter = "^a"
			}
			rs.Rules = append(rs.Rules, r)
		}
		return rs
	}
	for _, tc := range []struct {
		name string
		sets []Ruleset
		ok   bool
	}{
		{"small", []Ruleset{big(10, false)}, true},
		{"rules at limit", []Ruleset{big(MaxStaticRules, false)}, true},
		{"too many rules", []Ruleset{big(MaxStaticRules, false), big(1, false)}, false},
		{"too many regex", []Ruleset{big(MaxRegexRules+1, true)}, false},
		{"too many rulesets", make([]Ruleset, MaxEnabledRulesets+1), false},
		{"invalid rule", []Ruleset{{ID: "x", Rules: []Rule{{ID: 1, Priority: 1, Action: Action{Type: "block"}, Condition: Condition{URLFilter: "/ä"}}}}}, false},
	} {
		if err := Check(tc.sets); (err == nil) != tc.ok {
			t.Errorf("%s: Check = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestExpandParams(t *testing.T) {
	got, err := ExpandParams([]string{"gclid", "utm_*", "gclid"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "gclid,utm_campaign,utm_content,utm_creative_format,utm_id,utm_marketing_tactic,utm_medium,utm_name,utm_source,utm_source_platform,utm_term" {
		t.Errorf("got %v", got)
	}
	if _, err := ExpandParams([]string{"mc_*"}); err == nil || !strings.Contains(err.Error(), "mc_*") {
		t.Errorf("unknown prefix: err = %v", err)
	}
}

func TestCompileReportsConflicts(t *testing.T) {
	c := parse(t, "a.txt", []byte("[a] A\ncategory analytics\nsource https://a.example\nhost t.example\n"))
	d := parse(t, "b.txt", []byte("[b] B\ncategory advertising\nsource https://b.example\nhost t.example\n"))
	_, errs := Compile(Input{Trackers: []*catalog.Catalog{c, d}})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "b.txt:4") {
		t.Errorf("errs = %v, want one naming b.txt:4", errs)
	}
}

func TestRegexBound(t *testing.T) {
	// One that Chromium refused (memoryLimitExceeded) and one it took.
	refused := `^[a-z][a-z0-9+.-]*://[^/?#]+[^?#]*/track/[^?#]*\?(?:(?:[^#]*&)?data(?:=[^&#]*)?(?:&[^#]*)?&ip(?:=[^&#]*)?(?:[&#]|$)|(?:[^#]*&)?ip(?:=[^&#]*)?(?:&[^#]*)?&data(?:=[^&#]*)?(?:[&#]|$))`
	if _, err := check(refused); err == nil {
		t.Errorf("check accepted a regex Chromium refuses (%d instructions)", RegexSize(refused))
	}
	took := `^https?://[^/?#]+[^?#]*/track/[^?#]*\?(?:[^#]*&)?data(?:=[^&#]*)?(?:&[^#]*)?&ip(?:=[^&#]*)?(?:[&#]|$)`
	if _, err := check(took); err != nil {
		t.Error(err)
	}
}
