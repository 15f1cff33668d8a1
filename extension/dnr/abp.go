package dnr

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"sort"
	"strings"

	"github.com/consentguard/consentguard/wasm/filter"
)

// RulesetUpstream is the id of the ruleset compiled from extra Adblock Plus
// lists (EasyList, EasyPrivacy) given to the build. It has no consent
// category: it is enabled while at least one category is refused globally,
// and a paused site's allowAllRequests rule (PriorityPause) lifts it there.
const RulesetUpstream = "upstream"

// List is an Adblock Plus list: its name (a file path, used in errors) and
// its text.
type List struct {
	Name string
	Data []byte
}

// UpstreamReport says what became of every line of the extra lists.
type UpstreamReport struct {
	Lines  int // lines read
	Rules  int // DNR rules emitted
	Regex  int // of which regexFilter rules
	Dups   int // rules identical to an earlier one, emitted once
	Badfil int // rules cancelled by a $badfilter line
	// Skipped counts valid lines that are not network rules DNR takes
	// (comments, cosmetic rules, scriptlets, unsupported options), by the
	// parser's kind.
	Skipped map[string]int
	// Unsupported counts network rules DNR cannot express, by reason.
	Unsupported map[string]int
	// OverBudget counts rules left out because the static rule or regex
	// budget was spent: exceptions are kept first, then important blocks,
	// then blocks in the order of the lists and their lines.
	OverBudget int
	// Errors are the malformed lines, "file:line: reason: text"; each was
	// skipped.
	Errors []error
}

// String is a summary for the build output.
func (r *UpstreamReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "upstream lists: %d lines, %d DNR rules (%d regex), %d duplicates, %d cancelled by badfilter, %d over budget, %d malformed\n",
		r.Lines, r.Rules, r.Regex, r.Dups, r.Badfil, r.OverBudget, len(r.Errors))
	writeCounts(&b, "  not expressible in DNR", r.Unsupported)
	writeCounts(&b, "  not network rules", r.Skipped)
	return b.String()
}

func writeCounts(b *strings.Builder, title string, m map[string]int) {
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(b, "%s:", title)
	for _, k := range keys {
		fmt.Fprintf(b, " %s=%d", k, m[k])
	}
	b.WriteByte('\n')
}

// Budget is what the upstream ruleset may use of Chrome's limits once our
// own rulesets are counted.
type Budget struct{ Rules, Regex int }

// Remaining is the budget left by sets.
func Remaining(sets []Ruleset) Budget {
	b := Budget{MaxStaticRules, MaxRegexRules}
	for i := range sets {
		b.Rules -= len(sets[i].Rules)
		b.Regex -= sets[i].Regexes()
	}
	return b
}

// CompileUpstream parses the lists with the core's Adblock Plus parser
// (package wasm/filter) and translates every network rule DNR can express
// (see ABPRules) into one ruleset, within budget. Nothing is dropped
// silently: every line is counted in the report.
func CompileUpstream(lists []List, budget Budget) (Ruleset, *UpstreamReport) {
	rep := &UpstreamReport{Skipped: map[string]int{}, Unsupported: map[string]int{}}
	type entry struct {
		r   Rule
		key string
	}
	var all []entry
	seen := map[string]bool{}
	cancelled := map[string]bool{}
	for _, l := range lists {
		sc := bufio.NewScanner(bytes.NewReader(l.Data))
		sc.Buffer(make([]byte, 0, 64<<10), filter.MaxLineLength+2)
		n := 0
		for sc.Scan() {
			n++
			rep.Lines++
			line := sc.Text()
			rule, err := filter.ParseRule(line)
			if err != nil {
				if kind, ok := filter.SkipKind(err); ok {
					if kind != "empty" {
						rep.Skipped[kind]++
					}
					continue
				}
				rep.Errors = append(rep.Errors, &filter.ParseError{List: l.Name, Line: n, Text: shorten(line), Err: err})
				continue
			}
			p := rule.Parts()
			bad := p.Badfilter
			p.Badfilter = false
			rules, reason := ABPRules(p)
			if reason != "" {
				rep.Unsupported[reason]++
				continue
			}
			for _, r := range rules {
				k := ruleKey(r)
				if bad {
					cancelled[k] = true
					continue
				}
				if seen[k] {
					rep.Dups++
					continue
				}
				seen[k] = true
				all = append(all, entry{r, k})
			}
		}
		if err := sc.Err(); err != nil {
			rep.Errors = append(rep.Errors, fmt.Errorf("%s:%d: %w", l.Name, n+1, err))
		}
	}
	// When the budget runs out, the exceptions are kept first (a block
	// without its exception breaks pages; an exception alone never does),
	// then the important blocks, then the blocks in list order.
	sort.SliceStable(all, func(i, j int) bool { return budgetClass(all[i].r) < budgetClass(all[j].r) })
	rs := Ruleset{ID: RulesetUpstream, Enabled: true}
	for _, e := range all {
		if cancelled[e.key] {
			rep.Badfil++
			continue
		}
		rx := e.r.Condition.RegexFilter != ""
		if len(rs.Rules) >= budget.Rules || (rx && rep.Regex >= budget.Regex) {
			rep.OverBudget++
			continue
		}
		if rx {
			rep.Regex++
		}
		e.r.ID = len(rs.Rules) + 1
		rs.Rules = append(rs.Rules, e.r)
	}
	rep.Rules = len(rs.Rules)
	return rs, rep
}

func budgetClass(r Rule) int {
	switch {
	case r.Action.Type != "block":
		return 0
	case r.Priority == PriorityUpstreamImportant:
		return 1
	}
	return 2
}

func shorten(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

func ruleKey(r Rule) string {
	r.ID = 0
	b, _ := json.Marshal(r)
	return string(b)
}

// typeNames maps the core's request types to DNR resource types.
var typeNames = []struct {
	t    filter.Type
	name string
}{
	{filter.TypeDocument, "main_frame"}, {filter.TypeSubdocument, "sub_frame"}, {filter.TypeStylesheet, "stylesheet"},
	{filter.TypeScript, "script"}, {filter.TypeImage, "image"}, {filter.TypeFont, "font"}, {filter.TypeObject, "object"},
	{filter.TypeXHR, "xmlhttprequest"}, {filter.TypePing, "ping"}, {filter.TypeMedia, "media"},
	{filter.TypeWebsocket, "websocket"}, {filter.TypeOther, "other"},
}

// ABPRules translates one parsed Adblock Plus network rule into DNR rules,
// or returns why DNR cannot express it:
//
//   - "||host^", "|url", "url|", "*" and "^" are DNR urlFilter syntax and
//     are kept as they are (urlFilter must be ASCII: hosts are punycode
//     already, a non-ASCII path is "non-ascii-pattern"); match-case sets
//     isUrlFilterCaseSensitive;
//   - "/regex/" becomes a regexFilter when RE2 takes it within Chrome's
//     size limit ("regex-too-large" otherwise);
//   - third-party / first-party become domainType; domain= becomes
//     initiatorDomains and excludedInitiatorDomains ("example.*" entries
//     have no DNR form: "entity-domain");
//   - the resource-type options become resourceTypes; a rule without them
//     leaves main_frame alone, as DNR does by default;
//   - "@@" becomes an allow rule at PriorityUpstreamAllow, above the blocks
//     of the lists (PriorityUpstream) and below our own rulesets, so that
//     an upstream exception never lifts a consent category's block or the
//     Sec-GPC header; "@@...$document" becomes allowAllRequests;
//   - important blocks at PriorityUpstreamImportant, above the exceptions.
func ABPRules(p filter.Parts) ([]Rule, string) {
	c, reason := abpCondition(p)
	if reason != "" {
		return nil, reason
	}
	prio, action := PriorityUpstream, "block"
	switch {
	case p.Exception && p.Important:
		prio, action = PriorityUpstreamImportant, "allow"
	case p.Exception:
		prio, action = PriorityUpstreamAllow, "allow"
	case p.Important:
		prio = PriorityUpstreamImportant
	}
	types, reason := abpTypes(p)
	if reason != "" {
		return nil, reason
	}
	if !p.Exception || p.Types&filter.TypeDocument == 0 || types == nil {
		c.ResourceTypes = types
		return []Rule{{Priority: prio, Action: Action{Type: action}, Condition: c}}, ""
	}
	// "@@...$document": the page and everything it loads.
	frames := []string{"main_frame"}
	if p.Types&filter.TypeSubdocument != 0 {
		frames = append(frames, "sub_frame")
	}
	page := c
	page.ResourceTypes = frames
	out := []Rule{{Priority: prio, Action: Action{Type: "allowAllRequests"}, Condition: page}}
	var rest []string
	for _, t := range types {
		if t != "main_frame" && t != "sub_frame" {
			rest = append(rest, t)
		}
	}
	if len(rest) > 0 {
		c.ResourceTypes = rest
		out = append(out, Rule{Priority: prio, Action: Action{Type: action}, Condition: c})
	}
	return out, ""
}

func abpCondition(p filter.Parts) (Condition, string) {
	var c Condition
	switch {
	case p.Regex:
		if !isASCII(p.Pattern) {
			return c, "non-ascii-regex"
		}
		if _, err := check(p.Pattern); err != nil {
			return c, "regex-too-large"
		}
		c.RegexFilter = p.Pattern
	case p.Pattern != "":
		if !isASCII(p.Pattern) {
			return c, "non-ascii-pattern"
		}
		var b strings.Builder
		if p.HostAnchor {
			b.WriteString("||")
		} else if p.LeftAnchor {
			b.WriteString("|")
		}
		b.WriteString(p.Pattern)
		if p.RightAnchor {
			b.WriteString("|")
		}
		c.URLFilter = b.String()
	case len(p.Domains) == 0 && p.Types == filter.TypeAll && p.FirstParty == p.ThirdParty:
		return c, "matches-everything"
	}
	if p.MatchCase && (c.URLFilter != "" || c.RegexFilter != "") {
		t := true
		c.IsURLFilterCaseSensitive = &t
	}
	switch {
	case p.ThirdParty && !p.FirstParty:
		c.DomainType = "thirdParty"
	case p.FirstParty && !p.ThirdParty:
		c.DomainType = "firstParty"
	}
	var reason string
	if c.InitiatorDomains, reason = abpDomains(p.Domains); reason != "" {
		return c, reason
	}
	if c.ExcludedInitiatorDomains, reason = abpDomains(p.ExcludedDomains); reason != "" {
		return c, reason
	}
	return c, ""
}

func abpDomains(ds []string) ([]string, string) {
	for _, d := range ds {
		switch {
		case strings.HasSuffix(d, ".*"):
			return nil, "entity-domain"
		case strings.Contains(d, ":"):
			return nil, "ipv6-domain"
		}
	}
	return ds, ""
}

// abpTypes lists the DNR resource types of p, nil for DNR's default (every
// type but main_frame).
func abpTypes(p filter.Parts) ([]string, string) {
	t := p.Types
	if t == filter.TypeAll || t == filter.TypeAll&^filter.TypeDocument {
		return nil, ""
	}
	if t&filter.TypeDocument != 0 && bits.OnesCount16(uint16(t)) > 6 {
		// A set made by negation ("~script"): in ABP, as in DNR, such a
		// rule leaves the top-level document alone.
		t &^= filter.TypeDocument
	}
	var out []string
	for _, tn := range typeNames {
		if t&tn.t != 0 {
			out = append(out, tn.name)
		}
	}
	if len(out) == 0 {
		return nil, "no-resource-type"
	}
	return out, ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Validate checks a rule against the constraints of DNR's schema that
// Chrome enforces when it loads a static ruleset (an invalid rule is
// ignored there, or fails the whole load in Firefox).
func Validate(r Rule) error {
	c := r.Condition
	if r.ID < 1 || r.Priority < 1 {
		return fmt.Errorf("rule %d: id and priority must be >= 1", r.ID)
	}
	if c.URLFilter != "" && c.RegexFilter != "" {
		return errors.New("both urlFilter and regexFilter")
	}
	if c.URLFilter != "" {
		if !isASCII(c.URLFilter) {
			return fmt.Errorf("urlFilter %q is not ASCII", c.URLFilter)
		}
		if strings.HasPrefix(c.URLFilter, "||*") {
			return fmt.Errorf("urlFilter %q starts with ||*", c.URLFilter)
		}
	}
	if c.RegexFilter != "" {
		if _, err := check(c.RegexFilter); err != nil {
			return err
		}
	}
	for _, l := range [][]string{c.RequestDomains, c.ExcludedRequestDomains, c.InitiatorDomains, c.ExcludedInitiatorDomains} {
		for _, d := range l {
			if d == "" || !isASCII(d) || strings.ToLower(d) != d || strings.ContainsAny(d, "*/: ") {
				return fmt.Errorf("domain %q: must be non-empty lower-case ASCII (punycode), no wildcard", d)
			}
		}
	}
	if len(c.ResourceTypes) > 0 && len(c.ExcludedResourceTypes) > 0 {
		return errors.New("both resourceTypes and excludedResourceTypes")
	}
	for _, l := range [][]string{c.ResourceTypes, c.ExcludedResourceTypes} {
		for _, t := range l {
			if !validType[t] {
				return fmt.Errorf("resource type %q", t)
			}
		}
	}
	switch c.DomainType {
	case "", "firstParty", "thirdParty":
	default:
		return fmt.Errorf("domainType %q", c.DomainType)
	}
	switch r.Action.Type {
	case "block", "allow", "redirect", "modifyHeaders", "upgradeScheme":
	case "allowAllRequests":
		if len(c.ResourceTypes) == 0 {
			return errors.New("allowAllRequests needs resourceTypes")
		}
		for _, t := range c.ResourceTypes {
			if t != "main_frame" && t != "sub_frame" {
				return fmt.Errorf("allowAllRequests with resource type %q", t)
			}
		}
	default:
		return fmt.Errorf("action %q", r.Action.Type)
	}
	return nil
}

var validType = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range AllTypes {
		m[t] = true
	}
	return m
}()
