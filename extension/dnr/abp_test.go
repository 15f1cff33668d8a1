package dnr

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/filter"
)

func abp(t *testing.T, line string) ([]Rule, string) {
	t.Helper()
	r, err := filter.ParseRule(line)
	if err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	return ABPRules(r.Parts())
}

func TestABPRules(t *testing.T) {
	yes := true
	for _, tc := range []struct {
		line   string
		want   []Rule
		reason string
	}{
		{line: "||bad.third-party.site^", want: []Rule{{Priority: PriorityUpstream, Action: Action{Type: "block"},
			Condition: Condition{URLFilter: "||bad.third-party.site^"}}}},
		{line: "||t.example^$third-party,script", want: []Rule{{Priority: PriorityUpstream, Action: Action{Type: "block"},
			Condition: Condition{URLFilter: "||t.example^", DomainType: "thirdParty", ResourceTypes: []string{"script"}}}}},
		{line: "|https://a.example/x|$1p", want: []Rule{{Priority: PriorityUpstream, Action: Action{Type: "block"},
			Condition: Condition{URLFilter: "|https://a.example/x|", DomainType: "firstParty"}}}},
		{line: "/ad/banner.$domain=a.example|~b.a.example", want: []Rule{{Priority: PriorityUpstream, Action: Action{Type: "block"},
			Condition: Condition{URLFilter: "/ad/banner.", InitiatorDomains: []string{"a.example"}, ExcludedInitiatorDomains: []string{"b.a.example"}}}}},
		{line: "@@||t.example/ok^$xhr,image", want: []Rule{{Priority: PriorityUpstreamAllow, Action: Action{Type: "allow"},
			Condition: Condition{URLFilter: "||t.example/ok^", ResourceTypes: []string{"image", "xmlhttprequest"}}}}},
		{line: "@@||site.example^$document", want: []Rule{{Priority: PriorityUpstreamAllow, Action: Action{Type: "allowAllRequests"},
			Condition: Condition{URLFilter: "||site.example^", ResourceTypes: []string{"main_frame"}}}}},
		{line: "||x.example^$important", want: []Rule{{Priority: PriorityUpstreamImportant, Action: Action{Type: "block"},
			Condition: Condition{URLFilter: "||x.example^"}}}},
		{line: "||x.example^$~script", want: []Rule{{Priority: PriorityUpstream, Action: Action{Type: "block"},
			Condition: Condition{URLFilter: "||x.example^", ResourceTypes: []string{"sub_frame", "stylesheet", "image", "font", "object", "xmlhttprequest", "ping", "media", "websocket", "other"}}}}},
		{line: "||X.example/Path$match-case", want: []Rule{{Priority: PriorityUpstream, Action: Action{Type: "block"},
			Condition: Condition{URLFilter: "||X.example/Path", IsURLFilterCaseSensitive: &yes}}}},
		{line: "||x.example^$redirect=noop.js", want: []Rule{{Priority: PriorityUpstream, Action: Action{Type: "block"},
			Condition: Condition{URLFilter: "||x.example^"}}}},
		{line: `/^https:\/\/[a-z]+\.ads\./$script`, want: []Rule{{Priority: PriorityUpstream, Action: Action{Type: "block"},
			Condition: Condition{RegexFilter: `^https:\/\/[a-z]+\.ads\.`, ResourceTypes: []string{"script"}}}}},
		{line: "||bücher.example^", want: []Rule{{Priority: PriorityUpstream, Action: Action{Type: "block"},
			Condition: Condition{URLFilter: "||xn--bcher-kva.example^"}}}},
		{line: "||a.example/päth", reason: "non-ascii-pattern"},
		{line: "/päth[0-9]/", reason: "non-ascii-regex"},
		{line: "||x.example^$domain=google.*", reason: "entity-domain"},
		{line: "/" + strings.Repeat("(a|b)", 80) + "/", reason: "regex-too-large"},
		{line: "$third-party,script,domain=a.example", want: []Rule{{Priority: PriorityUpstream, Action: Action{Type: "block"},
			Condition: Condition{DomainType: "thirdParty", InitiatorDomains: []string{"a.example"}, ResourceTypes: []string{"script"}}}}},
	} {
		got, reason := abp(t, tc.line)
		if reason != tc.reason || !reflect.DeepEqual(got, tc.want) {
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(tc.want)
			t.Errorf("%q:\n got %s %q\nwant %s %q", tc.line, gj, reason, wj, tc.reason)
		}
		for i, r := range got {
			r.ID = i + 1
			if err := Validate(r); err != nil {
				t.Errorf("%q: emitted rule invalid: %v", tc.line, err)
			}
		}
	}
}

func TestUpstreamGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/upstream.txt")
	if err != nil {
		t.Fatal(err)
	}
	rs, rep := CompileUpstream([]List{{Name: "upstream.txt", Data: data}}, Budget{Rules: 1000, Regex: 10})
	var errs []string
	for _, e := range rep.Errors {
		errs = append(errs, e.Error())
	}
	checkGolden(t, "upstream.golden.json", map[string]any{"rules": rs.Rules, "report": rep.String(), "errors": errs})
	// Bad lines are named by file and line, and nothing is lost: every
	// line is a rule, a duplicate, cancelled, unsupported, skipped or an
	// error.
	for _, want := range []string{"upstream.txt:20: white space in pattern", "upstream.txt:21: regular expression lookaround"} {
		if !strings.Contains(strings.Join(errs, "\n"), want) {
			t.Errorf("errors %q lack %q", errs, want)
		}
	}
	accounted := rep.Rules + rep.Dups + rep.Badfil + 1 /* the badfilter line */ + rep.OverBudget + len(rep.Errors)
	for _, n := range rep.Unsupported {
		accounted += n
	}
	for _, n := range rep.Skipped {
		accounted += n
	}
	if accounted != rep.Lines {
		t.Errorf("%d lines, %d accounted for: %s", rep.Lines, accounted, rep)
	}
	if err := Check([]Ruleset{rs}); err != nil {
		t.Error(err)
	}
}

func TestUpstreamBudget(t *testing.T) {
	list := "||a.example^\n||b.example^\n/x[0-9]/\n/y[0-9]/\n||c.example^\n@@||a.example/ok\n||d.example^$important\n"
	rs, rep := CompileUpstream([]List{{Name: "l.txt", Data: []byte(list)}}, Budget{Rules: 4, Regex: 1})
	if len(rs.Rules) != 4 || rep.Regex != 0 || rep.OverBudget != 3 {
		t.Errorf("budget 4 rules / 1 regex: got %d rules, %d regex, %d over budget", len(rs.Rules), rep.Regex, rep.OverBudget)
	}
	var got []string
	for _, r := range rs.Rules {
		got = append(got, r.Action.Type+" "+r.Condition.URLFilter+r.Condition.RegexFilter)
	}
	want := []string{"allow ||a.example/ok", "block ||d.example^", "block ||a.example^", "block ||b.example^"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kept %q, want %q (exceptions, important, then list order)", got, want)
	}
	rs, rep = CompileUpstream([]List{{Name: "l.txt", Data: []byte(list)}}, Budget{Rules: 100, Regex: 1})
	if len(rs.Rules) != 6 || rs.Regexes() != 1 || rep.Regex != 1 || rep.OverBudget != 1 {
		t.Errorf("budget 100 rules / 1 regex: got %d rules, %d regex, %d over budget", len(rs.Rules), rep.Regex, rep.OverBudget)
	}
	for i, r := range rs.Rules {
		if r.ID != i+1 {
			t.Errorf("rule %d has id %d", i, r.ID)
		}
	}
}

// TestPrioritiesOrder: an upstream exception sits below every rule of our
// own rulesets (it must not lift a category block or the Sec-GPC header).
func TestPrioritiesOrder(t *testing.T) {
	order := []int{PriorityUpstream, PriorityUpstreamAllow, PriorityUpstreamImportant, PriorityBlock, PrioritySite, PriorityPause}
	for i := 1; i < len(order); i++ {
		if order[i] <= order[i-1] {
			t.Fatalf("priorities not increasing: %v", order)
		}
	}
}
