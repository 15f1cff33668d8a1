// Package tds reads DuckDuckGo's Tracker Data Set (TDS, the blocklist of
// DuckDuckGo's apps and extensions, built from Tracker Radar) as one more
// upstream list format, with DuckDuckGo's blocking semantics:
//
//   - a request belongs to a tracker when its host or a parent domain is a
//     key of "trackers"; a host that is a key of "cnames" is uncloaked to
//     its CNAME target first (exact host only);
//   - requests to a tracker owned by the same entity as the page ("entities"
//     and "domains"), or within the page's registrable domain, are first
//     party and ignored;
//   - otherwise the tracker's rules are tried in order: the first rule whose
//     regular expression matches the URL and whose "options" (page domains,
//     request types), if any, match decides. Its "exceptions" (page
//     domains, request types) turn it into ignore; "action": "ignore"
//     ignores; a "surrogate" known to the surrogate list redirects; else the
//     request is blocked. With no rule, the tracker's "default" applies.
//
// Rules with unknown actions or regular expressions RE2 cannot compile are
// reported by Warnings and skipped (DuckDuckGo's clients skip them too).
//
// On top of the TDS, a List can carry a DuckDuckGo privacy configuration
// (Config: the requestBlocklist, trackerAllowlist and contentBlocking
// features and unprotectedTemporary sites) and a user allowlist; Match
// combines them as the privacy-reference-tests "request-blocklist" suite
// specifies. See Match for the order.
package tds

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/consentguard/consentguard/wasm/site"
)

// Actions in a Result.
const (
	// Block: cancel the request.
	Block = "block"
	// Redirect: serve the surrogate in Result.Redirect instead.
	Redirect = "redirect"
	// Ignore: a known tracker, but not blocked here (first party, an
	// exception, an ignore rule or default).
	Ignore = "ignore"
	// Allow: not a tracker, or blocking is off for the page.
	Allow = "allow"
)

// Result is the verdict for one request.
type Result struct {
	Action   string // Block, Redirect, Ignore or Allow
	Tracker  string // tracker domain (TDS key), "" when none
	Owner    string // entity name of the tracker
	Category string // the tracker's TDS categories, comma-separated
	Reason   string // why, in DuckDuckGo's words ("matched rule - exception", …)
	Rule     string // the rule that decided, if any
	Redirect string // data: URL of the surrogate when Action == Redirect
}

// Blocked reports whether the request must not reach the network as is.
func (r Result) Blocked() bool { return r.Action == Block || r.Action == Redirect }

// Tracker is one TDS tracker entry.
type Tracker struct {
	Domain     string
	Owner      string // entity name
	Categories []string
	Default    string // Block or Ignore
	Rules      []Rule
}

// Rule is one TDS tracker rule.
type Rule struct {
	Pattern    string // the regular expression as written
	re         *regexp.Regexp
	Action     string // Block or Ignore
	Surrogate  string // surrogate name, "" for none
	Exceptions *Condition
	Options    *Condition
}

// Condition restricts a rule by page domain and request type. An empty
// list matches everything.
type Condition struct {
	Domains []string
	Types   []string
}

func (c *Condition) match(siteHost, reqType string) bool {
	if len(c.Types) > 0 && !contains(c.Types, reqType) {
		return false
	}
	if len(c.Domains) > 0 && !withinAny(siteHost, c.Domains) {
		return false
	}
	return true
}

// List is a parsed TDS plus optional configuration, surrogates and user
// allowlist. Set those before sharing the List between goroutines; Match is
// safe for concurrent use.
type List struct {
	trackers   map[string]*Tracker
	owners     map[string]string // domain -> entity name
	cnames     map[string]string
	surrogates map[string]string // name -> data: URL
	config     *Config
	userAllow  []string
	warnings   []error
}

type jsonCondition struct {
	Domains []string `json:"domains"`
	Types   []string `json:"types"`
}

type jsonTDS struct {
	Trackers map[string]struct {
		Domain string `json:"domain"`
		Owner  struct {
			Name string `json:"name"`
		} `json:"owner"`
		Categories []string `json:"categories"`
		Default    string   `json:"default"`
		Rules      []struct {
			Rule       *string        `json:"rule"`
			Action     string         `json:"action"`
			Surrogate  string         `json:"surrogate"`
			Exceptions *jsonCondition `json:"exceptions"`
			Options    *jsonCondition `json:"options"`
		} `json:"rules"`
	} `json:"trackers"`
	Entities map[string]struct {
		Domains []string `json:"domains"`
	} `json:"entities"`
	Domains map[string]string `json:"domains"`
	CNAMEs  map[string]string `json:"cnames"`
}

// Parse reads a TDS JSON document. It fails only when the document is not
// a TDS at all (invalid JSON, no "trackers" object); problems with single
// entries are collected in Warnings and those entries skipped.
func Parse(data []byte) (*List, error) {
	var j jsonTDS
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("tds: %w", err)
	}
	if j.Trackers == nil {
		return nil, fmt.Errorf("tds: no \"trackers\" object")
	}
	l := &List{
		trackers: make(map[string]*Tracker, len(j.Trackers)),
		owners:   make(map[string]string, len(j.Domains)),
		cnames:   make(map[string]string, len(j.CNAMEs)),
	}
	keys := make([]string, 0, len(j.Trackers))
	for k := range j.Trackers {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic warnings
	for _, key := range keys {
		jt := j.Trackers[key]
		dom := normHost(key)
		if dom == "" {
			l.warn("tds: trackers[%q]: empty domain", key)
			continue
		}
		t := &Tracker{Domain: dom, Owner: jt.Owner.Name, Categories: jt.Categories}
		switch jt.Default {
		case Block, Ignore:
			t.Default = jt.Default
		default:
			l.warn("tds: trackers[%q].default: unknown action %q, using ignore", key, jt.Default)
			t.Default = Ignore
		}
		for i, jr := range jt.Rules {
			where := fmt.Sprintf("tds: trackers[%q].rules[%d]", key, i)
			if jr.Rule == nil || *jr.Rule == "" {
				l.warn("%s: no rule", where)
				continue
			}
			r := Rule{Pattern: *jr.Rule, Surrogate: jr.Surrogate}
			switch jr.Action {
			case "", Block:
				r.Action = Block
			case Ignore:
				r.Action = Ignore
			default:
				l.warn("%s: unknown action %q, rule skipped", where, jr.Action)
				continue
			}
			re, err := regexp.Compile(r.Pattern)
			if err != nil {
				l.warn("%s: %v, rule skipped", where, err)
				continue
			}
			r.re = re
			r.Exceptions = condition(jr.Exceptions)
			r.Options = condition(jr.Options)
			t.Rules = append(t.Rules, r)
		}
		l.trackers[dom] = t
	}
	for d, e := range j.Domains {
		l.owners[normHost(d)] = e
	}
	for name, e := range j.Entities {
		for _, d := range e.Domains {
			if _, ok := l.owners[normHost(d)]; !ok {
				l.owners[normHost(d)] = name
			}
		}
	}
	for k, v := range j.CNAMEs {
		l.cnames[normHost(k)] = normHost(v)
	}
	return l, nil
}

func condition(c *jsonCondition) *Condition {
	if c == nil {
		return nil
	}
	out := &Condition{Types: c.Types}
	for _, d := range c.Domains {
		if d = normHost(d); d != "" {
			out.Domains = append(out.Domains, d)
		}
	}
	return out
}

func (l *List) warn(format string, args ...any) {
	l.warnings = append(l.warnings, fmt.Errorf(format, args...))
}

// Warnings lists the entries Parse (and SetConfig, SetSurrogates) skipped.
func (l *List) Warnings() []error { return l.warnings }

// Len is the number of trackers.
func (l *List) Len() int { return len(l.trackers) }

// Tracker returns the tracker entry for host or its nearest parent domain.
func (l *List) Tracker(host string) *Tracker {
	for h := host; h != ""; h = parent(h) {
		if t, ok := l.trackers[h]; ok {
			return t
		}
	}
	return nil
}

// Owner returns the entity owning host (or its nearest listed parent).
func (l *List) Owner(host string) string {
	for h := host; h != ""; h = parent(h) {
		if e, ok := l.owners[h]; ok {
			return e
		}
	}
	return ""
}

// SetConfig attaches a privacy configuration (nil removes it).
func (l *List) SetConfig(c *Config) { l.config = c }

// SetUserAllowlist sets the sites (domains, with their subdomains) on which
// the user switched protection off.
func (l *List) SetUserAllowlist(domains []string) {
	l.userAllow = l.userAllow[:0]
	for _, d := range domains {
		if d = normHost(d); d != "" {
			l.userAllow = append(l.userAllow, d)
		}
	}
}

// ParseUserAllowlist reads a JSON array of domains (the format of
// request-blocklist/user-allowlist-reference.json).
func ParseUserAllowlist(data []byte) ([]string, error) {
	var out []string
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("user allowlist: %w", err)
	}
	return out, nil
}

func parent(h string) string {
	if i := strings.IndexByte(h, '.'); i >= 0 {
		return h[i+1:]
	}
	return ""
}

func normHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func withinAny(host string, domains []string) bool {
	if host == "" {
		return false
	}
	for _, d := range domains {
		if site.Within(host, d) {
			return true
		}
	}
	return false
}
