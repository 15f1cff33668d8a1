package tds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/consentguard/consentguard/wasm/site"
)

// Config holds the parts of a DuckDuckGo privacy configuration that affect
// request blocking (the format of request-blocklist/config-reference.json).
type Config struct {
	// ContentBlocking is false when features.contentBlocking is not
	// "enabled": nothing is blocked anywhere.
	ContentBlocking bool
	// Unprotected are sites (with subdomains) where nothing is blocked:
	// contentBlocking exceptions plus unprotectedTemporary.
	Unprotected []string
	// Blocklist is the requestBlocklist feature: rules by the request's
	// registrable domain. Nil when the feature is off.
	Blocklist map[string][]URLRule
	// BlocklistExceptions are sites where the request blocklist is off.
	BlocklistExceptions []string
	// Allowlist is the trackerAllowlist feature: rules by tracker domain.
	// Nil when the feature is off.
	Allowlist map[string][]URLRule
}

// URLRule is a requestBlocklist or trackerAllowlist rule. Pattern is
// "host[:port]/path" where '*' matches any run of characters and every
// other character (including '.') is literal; it matches a request whose
// host is the pattern's host or a subdomain of it, at the start of the
// path (an implicit '*' follows the pattern), query included. Domains
// lists the sites (with subdomains) it applies on; "<all>" means every
// site.
type URLRule struct {
	Pattern string
	Domains []string
	All     bool
	Reason  string
}

func (r *URLRule) appliesOn(siteHost string) bool {
	return r.All || withinAny(siteHost, r.Domains)
}

type jsonDomainEntry struct {
	Domain string `json:"domain"`
}

type jsonFeature struct {
	State      string            `json:"state"`
	Exceptions []jsonDomainEntry `json:"exceptions"`
	Settings   json.RawMessage   `json:"settings"`
}

// ParseConfig reads a privacy configuration. It fails only on invalid
// JSON; malformed rules are reported (naming the feature, entry and index)
// and skipped. A rule is malformed when it lacks "rule" or "domains", has
// a property other than rule/domains/reason, does not start with its
// entry's domain, or its entry is not keyed by a registrable domain
// (blocklist) — exactly the "incorrect" cases of the reference tests.
func ParseConfig(data []byte) (*Config, []error) {
	var j struct {
		Features             map[string]jsonFeature `json:"features"`
		UnprotectedTemporary []jsonDomainEntry      `json:"unprotectedTemporary"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, []error{fmt.Errorf("privacy config: %w", err)}
	}
	c := &Config{}
	var errs []error
	if cb, ok := j.Features["contentBlocking"]; ok {
		c.ContentBlocking = cb.State == "enabled"
		for _, e := range cb.Exceptions {
			c.Unprotected = appendDomain(c.Unprotected, e.Domain)
		}
	} else {
		c.ContentBlocking = true
	}
	for _, e := range j.UnprotectedTemporary {
		c.Unprotected = appendDomain(c.Unprotected, e.Domain)
	}
	if f, ok := j.Features["requestBlocklist"]; ok && f.State == "enabled" {
		var s struct {
			BlockedRequests map[string]json.RawMessage `json:"blockedRequests"`
		}
		if err := unmarshalSettings(f.Settings, &s); err != nil {
			errs = append(errs, fmt.Errorf("privacy config: requestBlocklist.settings: %w", err))
		}
		c.Blocklist, errs = parseRuleSet("requestBlocklist.settings.blockedRequests", s.BlockedRequests, true, errs)
		for _, e := range f.Exceptions {
			c.BlocklistExceptions = appendDomain(c.BlocklistExceptions, e.Domain)
		}
	}
	if f, ok := j.Features["trackerAllowlist"]; ok && f.State == "enabled" {
		var s struct {
			AllowlistedTrackers map[string]json.RawMessage `json:"allowlistedTrackers"`
		}
		if err := unmarshalSettings(f.Settings, &s); err != nil {
			errs = append(errs, fmt.Errorf("privacy config: trackerAllowlist.settings: %w", err))
		}
		c.Allowlist, errs = parseRuleSet("trackerAllowlist.settings.allowlistedTrackers", s.AllowlistedTrackers, false, errs)
	}
	return c, errs
}

// ParseAllowlist reads a bare allowlistedTrackers object (the format of
// tracker-radar-tests' tracker_allowlist_reference.json) into a Config
// that only allowlists.
func ParseAllowlist(data []byte) (*Config, []error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, []error{fmt.Errorf("tracker allowlist: %w", err)}
	}
	c := &Config{ContentBlocking: true}
	var errs []error
	c.Allowlist, errs = parseRuleSet("allowlistedTrackers", m, false, nil)
	return c, errs
}

func unmarshalSettings(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, v)
}

func appendDomain(list []string, d string) []string {
	if d = normHost(d); d != "" {
		list = append(list, d)
	}
	return list
}

func parseRuleSet(where string, entries map[string]json.RawMessage, etld1 bool, errs []error) (map[string][]URLRule, []error) {
	out := make(map[string][]URLRule, len(entries))
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		dom := normHost(key)
		if etld1 && site.Domain(dom) != dom {
			errs = append(errs, fmt.Errorf("privacy config: %s[%q]: not a registrable domain (use %q), entry skipped", where, key, site.Domain(dom)))
			continue
		}
		var e struct {
			Rules []json.RawMessage `json:"rules"`
		}
		if err := json.Unmarshal(entries[key], &e); err != nil {
			errs = append(errs, fmt.Errorf("privacy config: %s[%q]: %w", where, key, err))
			continue
		}
		for i, raw := range e.Rules {
			r, err := parseURLRule(raw, dom)
			if err != nil {
				errs = append(errs, fmt.Errorf("privacy config: %s[%q].rules[%d]: %w, rule skipped", where, key, i, err))
				continue
			}
			out[dom] = append(out[dom], r)
		}
	}
	return out, errs
}

func parseURLRule(raw json.RawMessage, entry string) (URLRule, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return URLRule{}, err
	}
	for k := range m {
		if k != "rule" && k != "domains" && k != "reason" {
			return URLRule{}, fmt.Errorf("unknown property %q", k)
		}
	}
	var r URLRule
	if err := strictString(m["rule"], &r.Pattern); err != nil || r.Pattern == "" {
		return URLRule{}, fmt.Errorf("missing or invalid \"rule\"")
	}
	if _, ok := m["domains"]; !ok {
		return URLRule{}, fmt.Errorf("missing \"domains\"")
	}
	var doms []string
	if err := json.Unmarshal(m["domains"], &doms); err != nil || len(doms) == 0 {
		return URLRule{}, fmt.Errorf("\"domains\" must be a non-empty array of strings")
	}
	for _, d := range doms {
		if d == "<all>" {
			r.All = true
		} else if d = normHost(d); d != "" {
			r.Domains = append(r.Domains, d)
		}
	}
	if raw, ok := m["reason"]; ok {
		if err := strictString(raw, &r.Reason); err != nil {
			return URLRule{}, fmt.Errorf("\"reason\" must be a string")
		}
	}
	// The pattern must name the entry's domain (or a subdomain) as its
	// host; this rejects adblock syntax ("||x^") and typos.
	host := r.Pattern
	if i := strings.IndexAny(host, "/:"); i >= 0 {
		host = host[:i]
	}
	if !site.Within(strings.ToLower(host), entry) {
		return URLRule{}, fmt.Errorf("rule %q does not start with a host within %q", r.Pattern, entry)
	}
	return r, nil
}

func strictString(raw json.RawMessage, s *string) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return fmt.Errorf("not a string")
	}
	return json.Unmarshal(raw, s)
}

// matchURLRule reports whether pattern matches target ("host[:port]/rest")
// starting at the host or at one of its label boundaries (so the pattern's
// host may be a parent domain of the request host), with an implicit
// trailing wildcard. hostLen is the length of the host[:port] part.
func matchURLRule(pattern, target string, hostLen int) bool {
	for i := 0; i < hostLen; i++ {
		if i == 0 || target[i-1] == '.' {
			if globPrefix(pattern, target[i:]) {
				return true
			}
		}
	}
	return false
}

// globPrefix reports whether pattern, where '*' matches any run of bytes,
// matches a prefix of s.
func globPrefix(pattern, s string) bool {
	// Iterative wildcard matching with backtracking to the last '*'.
	p, i := 0, 0
	star, mark := -1, 0
	for {
		if p == len(pattern) {
			return true // implicit trailing '*'
		}
		if pattern[p] == '*' {
			star, mark = p, i
			p++
			continue
		}
		if i < len(s) && pattern[p] == s[i] {
			p++
			i++
			continue
		}
		if star >= 0 && mark < len(s) {
			mark++
			p, i = star+1, mark
			continue
		}
		return false
	}
}
