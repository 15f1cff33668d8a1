// Package dnr compiles consentguard's tracker catalog and parameter list into
// Chrome/Firefox declarativeNetRequest (DNR) rulesets, at build time.
//
// One static ruleset per blockable consent category (the extension enables a
// category's ruleset while that category is not consented and disables it
// once it is), one for the Sec-GPC header, one for the DNT header and one
// that strips tracking parameters from navigations. The mapping follows the
// core's own lookup (package wasm/tracker):
//
//   - host H of category C: one rule per category with requestDomains (H and
//     its subdomains), minus excludedRequestDomains for every more specific
//     host listed under H with another category (the longest listed suffix
//     wins, as in the core);
//   - path signature of category C (matched at any host): a regexFilter rule
//     (RE2, no look-ahead: the required query parameters are written in every
//     order), scoped with requestDomains when the signature has domain=, and
//     excluding the hosts listed with another category when it has not (the
//     core looks the host up before unscoped signatures);
//   - necessary and consent are never blocked: they get no ruleset.
//
// Blocking rules leave main_frame alone (a tracker host typed into the
// address bar still opens); header rules include it.
package dnr

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
)

// Chrome's limits (chrome.declarativeNetRequest constants).
const (
	MaxStaticRules     = 30000 // GUARANTEED_MINIMUM_STATIC_RULES
	MaxRegexRules      = 1000  // MAX_NUMBER_OF_REGEX_RULES
	MaxEnabledRulesets = 50    // MAX_NUMBER_OF_ENABLED_STATIC_RULESETS
	MaxRulesets        = 100   // MAX_NUMBER_OF_STATIC_RULESETS
	// maxDomainsPerRule keeps each requestDomains list small enough for
	// quick parsing; a category with more hosts gets several rules.
	maxDomainsPerRule = 1000
	// MaxRegexLen and MaxRegexInst bound a regexFilter: Chrome skips a
	// regex whose RE2 program exceeds 2 KB. Go's program size is only a
	// proxy (against Chromium 156's isRegexSupported, regexes of 67 and 73
	// Go instructions were accepted, 75 and 76 refused); the e2e test
	// TestExtensionRegexesSupported asks Chromium about every shipped one.
	MaxRegexLen  = 300
	MaxRegexInst = 72
)

// Priorities (compared across every ruleset of the extension). The rules
// compiled from extra Adblock Plus lists come lowest: their blocks, their
// exceptions above them, their important blocks above those; then our
// static rulesets (category blocks, headers, parameters), so that an
// upstream exception never lifts a category's block nor the Sec-GPC
// header; then the extension's dynamic per-site consent rules
// (PrioritySite) and its "pause on this site" rules (PriorityPause).
// background.js uses the same numbers.
const (
	PriorityUpstream          = 1
	PriorityUpstreamAllow     = 2
	PriorityUpstreamImportant = 3
	PriorityBlock             = 4
	PrioritySite              = 5
	PriorityPause             = 6
)

// Rule is one DNR rule (the JSON shape of chrome.declarativeNetRequest.Rule).
type Rule struct {
	ID        int       `json:"id"`
	Priority  int       `json:"priority"`
	Action    Action    `json:"action"`
	Condition Condition `json:"condition"`
}

// Action is a rule's action.
type Action struct {
	Type           string     `json:"type"`
	Redirect       *Redirect  `json:"redirect,omitempty"`
	RequestHeaders []HeaderOp `json:"requestHeaders,omitempty"`
}

// Redirect is a redirect action (only transform is used here).
type Redirect struct {
	Transform *Transform `json:"transform,omitempty"`
}

// Transform is a URL transform.
type Transform struct {
	QueryTransform *QueryTransform `json:"queryTransform,omitempty"`
}

// QueryTransform removes query parameters.
type QueryTransform struct {
	RemoveParams []string `json:"removeParams"`
}

// HeaderOp sets or removes a request header.
type HeaderOp struct {
	Header    string `json:"header"`
	Operation string `json:"operation"`
	Value     string `json:"value,omitempty"`
}

// Condition is a rule's condition.
type Condition struct {
	URLFilter                string   `json:"urlFilter,omitempty"`
	RegexFilter              string   `json:"regexFilter,omitempty"`
	RequestDomains           []string `json:"requestDomains,omitempty"`
	ExcludedRequestDomains   []string `json:"excludedRequestDomains,omitempty"`
	InitiatorDomains         []string `json:"initiatorDomains,omitempty"`
	ExcludedInitiatorDomains []string `json:"excludedInitiatorDomains,omitempty"`
	DomainType               string   `json:"domainType,omitempty"`
	IsURLFilterCaseSensitive *bool    `json:"isUrlFilterCaseSensitive,omitempty"`
	ResourceTypes            []string `json:"resourceTypes,omitempty"`
	ExcludedResourceTypes    []string `json:"excludedResourceTypes,omitempty"`
}

// Ruleset is one static ruleset: its manifest id, whether it starts enabled,
// and its rules.
type Ruleset struct {
	ID       string
	Enabled  bool
	Category consent.Category // None for the header and parameter rulesets
	Rules    []Rule
}

// Regexes counts the ruleset's regexFilter rules.
func (r *Ruleset) Regexes() int {
	n := 0
	for i := range r.Rules {
		if r.Rules[i].Condition.RegexFilter != "" {
			n++
		}
	}
	return n
}

// The ids of the non-category rulesets.
const (
	RulesetGPC    = "gpc"
	RulesetDNT    = "dnt"
	RulesetParams = "params"
)

// AllTypes are the DNR resource types Chromium and Firefox share (header
// rules include main_frame). Chromium's webtransport and webbundle are left
// out: Firefox rejects a rule that names them.
var AllTypes = []string{"main_frame", "sub_frame", "stylesheet", "script", "image", "font", "object",
	"xmlhttprequest", "ping", "csp_report", "media", "websocket", "other"}

// Blockable reports whether a category gets a blocking ruleset.
func Blockable(c consent.Category) bool {
	return c != consent.None && !consent.AlwaysAllowed.Has(c)
}

// Input is what Compile reads.
type Input struct {
	Trackers []*catalog.Catalog
	// Params are parameter names as in params.txt ("utm_*" is a prefix).
	Params []string
}

// Compile builds every ruleset. Errors name the entry (file:line) that could
// not be compiled; that entry is left out and the rest is compiled.
func Compile(in Input) ([]Ruleset, []error) {
	var errs []error
	hosts := map[string]consent.Category{}
	type pathEntry struct {
		e    catalog.Entry
		file string
	}
	var paths []pathEntry
	for _, c := range in.Trackers {
		for _, v := range c.Vendors {
			for _, e := range v.Entries {
				switch e.Kind {
				case catalog.KindHost:
					if prev, ok := hosts[e.Value]; ok && prev != e.Category {
						errs = append(errs, fmt.Errorf("%s:%d: host %s listed as %s and %s", c.Name, e.Line, e.Value, prev, e.Category))
						continue
					}
					hosts[e.Value] = e.Category
				case catalog.KindPath:
					paths = append(paths, pathEntry{e, c.Name})
				}
			}
		}
	}
	var sets []Ruleset
	for _, cat := range consent.Categories() {
		if !Blockable(cat) {
			continue
		}
		rs := Ruleset{ID: cat.String(), Enabled: true, Category: cat}
		rs.Rules = append(rs.Rules, hostRules(cat, hosts)...)
		for _, p := range paths {
			if p.e.Category != cat {
				continue
			}
			rules, err := pathRules(p.e, cat, hosts)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: %v", p.file, p.e.Line, err))
				continue
			}
			rs.Rules = append(rs.Rules, rules...)
		}
		sets = append(sets, rs)
	}
	sets = append(sets, headerRuleset(RulesetGPC, "Sec-GPC", true), headerRuleset(RulesetDNT, "DNT", false))
	pr, err := paramRuleset(in.Params)
	if err != nil {
		errs = append(errs, err)
	} else {
		sets = append(sets, pr)
	}
	for i := range sets {
		for j := range sets[i].Rules {
			sets[i].Rules[j].ID = j + 1
		}
	}
	return sets, errs
}

// hostRules blocks cat's hosts, minus the more specific hosts of other
// categories beneath them.
func hostRules(cat consent.Category, hosts map[string]consent.Category) []Rule {
	var mine []string
	for h, c := range hosts {
		if c == cat {
			mine = append(mine, h)
		}
	}
	sort.Strings(mine)
	var out []Rule
	for len(mine) > 0 {
		n := min(len(mine), maxDomainsPerRule)
		chunk := mine[:n]
		mine = mine[n:]
		var except []string
		for _, h := range chunk {
			except = append(except, exceptionsUnder(h, cat, hosts)...)
		}
		sort.Strings(except)
		out = append(out, Rule{Priority: PriorityBlock, Action: Action{Type: "block"},
			Condition: Condition{RequestDomains: chunk, ExcludedRequestDomains: dedup(except), ExcludedResourceTypes: []string{"main_frame"}}})
	}
	return out
}

// exceptionsUnder lists the hosts below h whose nearest listed ancestor is h
// and whose category differs from cat.
func exceptionsUnder(h string, cat consent.Category, hosts map[string]consent.Category) []string {
	var out []string
	for s, c := range hosts {
		if c == cat || !strings.HasSuffix(s, "."+h) {
			continue
		}
		if nearestParent(s, hosts) == h {
			out = append(out, s)
		}
	}
	return out
}

// nearestParent returns the longest listed proper suffix of s.
func nearestParent(s string, hosts map[string]consent.Category) string {
	for p := s; ; {
		i := strings.IndexByte(p, '.')
		if i < 0 {
			return ""
		}
		p = p[i+1:]
		if _, ok := hosts[p]; ok {
			return p
		}
	}
}

func dedup(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := s[:1]
	for _, x := range s[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

// pathRules turns a path signature into regexFilter rules: one per order
// of its required parameters (RE2 has no look-ahead, and Chrome refuses a
// regex whose compiled form exceeds 2 KB, so the orders are separate rules
// rather than one alternation).
func pathRules(e catalog.Entry, cat consent.Category, hosts map[string]consent.Category) ([]Rule, error) {
	sig, err := catalog.ParsePath(e.Value)
	if err != nil {
		return nil, err
	}
	var excluded []string
	if e.Domain == "" {
		// The core looks the host up first: a listed host of another
		// category decides by its own category, not by this signature.
		for h, hc := range hosts {
			if hc != cat {
				excluded = append(excluded, h)
			}
		}
		sort.Strings(excluded)
	}
	if uf, ok := PathURLFilter(sig, e.Domain == ""); ok {
		return []Rule{{Priority: PriorityBlock, Action: Action{Type: "block"},
			Condition: Condition{URLFilter: uf, ExcludedResourceTypes: []string{"main_frame"}, ExcludedRequestDomains: excluded}}}, nil
	}
	res, err := PathRegexes(sig, e.Domain == "")
	if err != nil {
		return nil, err
	}
	var out []Rule
	for _, re := range res {
		c := Condition{RegexFilter: re, ExcludedResourceTypes: []string{"main_frame"}, ExcludedRequestDomains: excluded}
		if e.Domain != "" {
			c.RequestDomains = []string{e.Domain}
		}
		out = append(out, Rule{Priority: PriorityBlock, Action: Action{Type: "block"}, Condition: c})
	}
	return out, nil
}

// PathURLFilter writes an unscoped signature without parameters or inner
// wildcards as a urlFilter (no regex budget, no size limit): the literal
// path, which starts with '/', so that any occurrence is at a '/' of the
// URL, as the core's any-prefix match; a pattern that must end at a path
// boundary gets '^' (a separator: '/', '?', the end, ...), one that is a
// prefix (ending in '/' or '*') nothing. It may also match the literal in a
// query string: a small over-match for paths this distinctive.
func PathURLFilter(p catalog.Path, anyPrefix bool) (string, bool) {
	pat := p.Pattern
	if !anyPrefix || len(p.Params) > 0 || pat[0] != '/' {
		return "", false
	}
	trimmed := strings.TrimSuffix(pat, "*")
	if strings.ContainsAny(trimmed, "*^|") {
		return "", false
	}
	if trimmed == pat && !strings.HasSuffix(pat, "/") {
		return pat + "^", true
	}
	return trimmed, true
}

// PathRegexes writes a path signature as RE2 regular expressions over the
// whole URL, one per order of its required parameters; a URL matches the
// signature (catalog.Path.Match on its path and query) when it matches any
// of them: the path pattern anchored at the start of the path, matching the
// whole path or a prefix ending at a '/'; every required parameter present.
// anyPrefix lets the pattern start at any '/' of the path, as the core
// matches unscoped signatures ("/metrics/g/collect" behind a first-party
// proxy).
func PathRegexes(p catalog.Path, anyPrefix bool) ([]string, error) {
	var b strings.Builder
	// Request URLs reach DNR without their fragment, so '#' needs no care.
	b.WriteString(`^https?://[^/?]+`)
	if anyPrefix && p.Pattern[0] == '/' {
		b.WriteString(`(?:/[^?]*)?`)
	}
	for i, part := range strings.Split(p.Pattern, "*") {
		if i > 0 {
			b.WriteString(`[^?]*`)
		}
		b.WriteString(regexp.QuoteMeta(part))
	}
	last := p.Pattern[len(p.Pattern)-1]
	switch {
	case last == '*':
		// the '*' above already matches the rest of the path
	case last == '/':
		b.WriteString(`[^?]*`)
	default:
		b.WriteString(`(?:/[^?]*)?`)
	}
	if len(p.Params) == 0 {
		b.WriteString(`(?:\?|$)`)
		re, err := check(b.String())
		return []string{re}, err
	}
	if len(p.Params) > 3 {
		return nil, fmt.Errorf("path %s: more than 3 required parameters (one rule per order)", p)
	}
	prefix := b.String() + `\?(?:.*&)?`
	var out []string
	var err error
	permute(p.Params, func(ps []catalog.Param) {
		var a strings.Builder
		a.WriteString(prefix)
		for i, prm := range ps {
			if i > 0 {
				a.WriteString(`(?:&.*)?&`)
			}
			a.WriteString(paramRegex(prm, i == len(ps)-1))
		}
		re, e := check(a.String())
		if e != nil && err == nil {
			err = e
		}
		out = append(out, re)
	})
	return out, err
}

func check(re string) (string, error) {
	if len(re) > MaxRegexLen {
		return "", fmt.Errorf("regex %s longer than %d bytes", re, MaxRegexLen)
	}
	if _, err := regexp.Compile(re); err != nil {
		return "", err
	}
	if n := RegexSize(re); n > MaxRegexInst {
		return "", fmt.Errorf("regex %s compiles to %d instructions, more than %d (Chrome's 2 KB limit)", re, n, MaxRegexInst)
	}
	return re, nil
}

// RegexSize is the number of instructions of re's compiled program (-1 when
// it does not parse).
func RegexSize(re string) int {
	r, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return -1
	}
	p, err := syntax.Compile(r.Simplify())
	if err != nil {
		return -1
	}
	return len(p.Inst)
}

// paramRegex matches one name=value token from its start; the last one
// need not be matched to its end (a prefix value, any value), which keeps
// the program small.
func paramRegex(p catalog.Param, last bool) string {
	n := regexp.QuoteMeta(p.Name)
	v := regexp.QuoteMeta(p.Value)
	switch {
	case p.Prefix && p.Value == "" && last:
		return n + `(?:[=&]|$)`
	case p.Prefix && p.Value == "":
		return n + `(?:=[^&]*)?`
	case p.Prefix && last:
		return n + "=" + v
	case p.Prefix:
		return n + "=" + v + `[^&]*`
	case last:
		return n + "=" + v + `(?:&|$)`
	default:
		return n + "=" + v
	}
}

// permute calls f with every order of ps.
func permute(ps []catalog.Param, f func([]catalog.Param)) {
	var rec func(k int)
	a := append([]catalog.Param(nil), ps...)
	rec = func(k int) {
		if k == len(a) {
			f(a)
			return
		}
		for i := k; i < len(a); i++ {
			a[k], a[i] = a[i], a[k]
			rec(k + 1)
			a[k], a[i] = a[i], a[k]
		}
	}
	rec(0)
}

func headerRuleset(id, header string, enabled bool) Ruleset {
	return Ruleset{ID: id, Enabled: enabled, Rules: []Rule{{Priority: PriorityBlock,
		Action:    Action{Type: "modifyHeaders", RequestHeaders: []HeaderOp{{Header: header, Operation: "set", Value: "1"}}},
		Condition: Condition{ResourceTypes: AllTypes}}}}
}

// prefixNames are the names a prefix entry expands to: queryTransform
// removes exact names only. Each comes from the vendor's documentation.
var prefixNames = map[string][]string{
	// https://support.google.com/analytics/answer/10917952 (GA4 campaign
	// parameters) plus the older utm_id and utm_name.
	"utm_": {"utm_campaign", "utm_content", "utm_creative_format", "utm_id", "utm_marketing_tactic", "utm_medium",
		"utm_name", "utm_source", "utm_source_platform", "utm_term"},
}

// ExpandParams turns params.txt names into the exact names queryTransform
// can remove. A prefix without a known expansion is an error.
func ExpandParams(names []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		exp := []string{n}
		if p, ok := strings.CutSuffix(n, "*"); ok {
			e, ok := prefixNames[p]
			if !ok {
				return nil, fmt.Errorf("params: prefix %q has no known expansion for queryTransform (add it to dnr.prefixNames)", n)
			}
			exp = e
		}
		for _, x := range exp {
			if !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// paramRuleset strips every listed parameter from navigations. Each rule
// fires only when its parameter occurs in the URL, so an untouched URL is
// never redirected; every rule removes all names at once, so a URL with
// several is cleaned in one redirect.
func paramRuleset(names []string) (Ruleset, error) {
	exact, err := ExpandParams(names)
	if err != nil {
		return Ruleset{}, err
	}
	rs := Ruleset{ID: RulesetParams, Enabled: true}
	for _, n := range exact {
		for _, sep := range []string{"?", "&"} {
			rs.Rules = append(rs.Rules, Rule{Priority: PriorityBlock,
				Action:    Action{Type: "redirect", Redirect: &Redirect{Transform: &Transform{QueryTransform: &QueryTransform{RemoveParams: exact}}}},
				Condition: Condition{URLFilter: sep + n + "=", ResourceTypes: []string{"main_frame", "sub_frame"}}})
		}
	}
	return rs, nil
}

// Check verifies Chrome's limits over all rulesets.
func Check(sets []Ruleset) error {
	if len(sets) > MaxRulesets {
		return fmt.Errorf("%d rulesets, limit %d", len(sets), MaxRulesets)
	}
	rules, regex := 0, 0
	for i := range sets {
		rules += len(sets[i].Rules)
		regex += sets[i].Regexes()
		for _, r := range sets[i].Rules {
			if err := Validate(r); err != nil {
				return fmt.Errorf("ruleset %s, rule %d: %w", sets[i].ID, r.ID, err)
			}
		}
	}
	// Every ruleset may be enabled at once (nothing consented, DNT on).
	if len(sets) > MaxEnabledRulesets {
		return fmt.Errorf("%d rulesets could all be enabled, limit %d", len(sets), MaxEnabledRulesets)
	}
	if rules > MaxStaticRules {
		return fmt.Errorf("%d static rules, limit %d", rules, MaxStaticRules)
	}
	if regex > MaxRegexRules {
		return fmt.Errorf("%d regex rules, limit %d", regex, MaxRegexRules)
	}
	return nil
}
