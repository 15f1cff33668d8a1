package tds

import (
	"strings"

	"github.com/consentguard/consentguard/wasm/site"
)

// Match decides a request to rawurl of type reqType (webRequest resource
// types: "script", "image", "stylesheet", "xmlhttprequest", "sub_frame",
// "main_frame", …) made by a page at pageURL. In order:
//
//  1. navigations (main_frame) and URLs without a host are allowed;
//  2. pages where protection is off — user allowlist, contentBlocking
//     exceptions or disabled, unprotectedTemporary — allow everything;
//  3. a trackerAllowlist rule for the request on this page allows it
//     (Action Ignore when the request is a tracker, else Allow);
//  4. a requestBlocklist rule (looked up by the request's registrable
//     domain, unless the page is a requestBlocklist exception) blocks,
//     first party included, whatever the TDS says;
//  5. the TDS decides as described in the package documentation.
func (l *List) Match(rawurl, pageURL, reqType string) Result {
	u, ok := splitURL(rawurl)
	if !ok {
		return Result{Action: Allow, Reason: "no host"}
	}
	if reqType == "main_frame" {
		return Result{Action: Allow, Reason: "navigation"}
	}
	siteHost := site.Host(pageURL)
	if c := l.config; c != nil {
		switch {
		case !c.ContentBlocking:
			return Result{Action: Allow, Reason: "content blocking disabled"}
		case withinAny(siteHost, c.Unprotected):
			return Result{Action: Allow, Reason: "unprotected site"}
		}
	}
	if withinAny(siteHost, l.userAllow) {
		return Result{Action: Allow, Reason: "user allowlist"}
	}
	if c := l.config; c != nil {
		if r, ok := c.allowlisted(u, siteHost); ok {
			res := Result{Action: Allow, Reason: "tracker allowlist", Rule: r.Pattern}
			if t := l.Tracker(u.host); t != nil {
				res.Action, res.Tracker, res.Owner, res.Category = Ignore, t.Domain, t.Owner, strings.Join(t.Categories, ",")
			}
			return res
		}
		if r, ok := c.blocklisted(u, siteHost); ok {
			res := Result{Action: Block, Reason: "request blocklist", Rule: r.Pattern}
			if t := l.Tracker(u.host); t != nil {
				res.Tracker, res.Owner, res.Category = t.Domain, t.Owner, strings.Join(t.Categories, ",")
			}
			return res
		}
	}
	return l.matchTDS(u, siteHost, reqType)
}

func (c *Config) allowlisted(u reqURL, siteHost string) (*URLRule, bool) {
	if c.Allowlist == nil {
		return nil, false
	}
	// Ports and ";params" are removed (tracker_allowlist_matching_tests).
	rest := u.rest
	if i := strings.IndexByte(rest, ';'); i >= 0 {
		rest = rest[:i]
	}
	target := u.host + rest
	for h := u.host; h != ""; h = parent(h) {
		rules := c.Allowlist[h]
		for i := range rules {
			if rules[i].appliesOn(siteHost) && matchURLRule(rules[i].Pattern, target, len(u.host)) {
				return &rules[i], true
			}
		}
	}
	return nil, false
}

func (c *Config) blocklisted(u reqURL, siteHost string) (*URLRule, bool) {
	if c.Blocklist == nil || withinAny(siteHost, c.BlocklistExceptions) {
		return nil, false
	}
	rules := c.Blocklist[site.Domain(u.host)]
	if len(rules) == 0 {
		return nil, false
	}
	hp := u.hostPort()
	target := hp + u.rest
	for i := range rules {
		if rules[i].appliesOn(siteHost) && matchURLRule(rules[i].Pattern, target, len(hp)) {
			return &rules[i], true
		}
	}
	return nil, false
}

func (l *List) matchTDS(u reqURL, siteHost, reqType string) Result {
	host := u.host
	t := l.Tracker(host)
	if t == nil {
		// CNAME uncloaking: exact host only.
		if target, ok := l.cnames[host]; ok {
			if t = l.Tracker(target); t != nil {
				host = target
			}
		}
	}
	if t == nil {
		return Result{Action: Allow, Reason: "not a tracker"}
	}
	res := Result{Tracker: t.Domain, Owner: t.Owner, Category: strings.Join(t.Categories, ",")}
	owner := l.Owner(host)
	if owner == "" {
		owner = t.Owner
	}
	if siteHost != "" && ((owner != "" && owner == l.Owner(siteHost)) || site.Domain(host) == site.Domain(siteHost)) {
		res.Action, res.Reason = Ignore, "first party"
		return res
	}
	target := u.tdsString(host)
	var rule *Rule
	for i := range t.Rules {
		r := &t.Rules[i]
		if !r.re.MatchString(target) {
			continue
		}
		if r.Options != nil && !r.Options.match(siteHost, reqType) {
			continue
		}
		rule = r
		break
	}
	switch {
	case rule == nil:
		res.Action, res.Reason = t.Default, "default "+t.Default
	case rule.Exceptions != nil && rule.Exceptions.match(siteHost, reqType):
		res.Action, res.Reason, res.Rule = Ignore, "matched rule - exception", rule.Pattern
	case rule.Action == Ignore:
		res.Action, res.Reason, res.Rule = Ignore, "matched rule - ignore", rule.Pattern
	default:
		res.Action, res.Reason, res.Rule = Block, "matched rule - block", rule.Pattern
		if rule.Surrogate != "" {
			if s, ok := l.surrogates[rule.Surrogate]; ok {
				res.Action, res.Reason, res.Redirect = Redirect, "matched rule - surrogate", s
			}
		}
	}
	return res
}
