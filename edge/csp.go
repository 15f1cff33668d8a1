package edge

import "strings"

// cspPlan says how the injected inline <script> and <style> can run under the
// origin's Content-Security-Policy without weakening it.
type cspPlan struct {
	header      string // rewritten Content-Security-Policy ("": unchanged)
	scriptNonce string // nonce attribute for the injected script ("" none)
	styleNonce  string // nonce attribute for the injected style
	noScript    bool   // a policy forbids every script: inject none
	noStyle     bool   // a policy forbids every style: inject no banner style
	// extHash is the hash of the external guard script ("" when none is
	// referenced); inlineGuard says a policy allows inline scripts but not
	// the external one, and cannot be made to without weakening it (only
	// 'unsafe-inline', no 'self'): the guard then goes inline.
	extHash     string
	inlineGuard bool
}

// planCSP reads the Content-Security-Policy header values (each may hold
// several comma-separated policies) and returns the plan for an injected
// script with hash scriptHash and a style with hash styleHash (CSP source
// expressions, "'sha256-...'"). Rules, for each policy that restricts
// scripts (script-src-elem, else script-src, else default-src):
//   - 'unsafe-inline' without any nonce, hash or 'strict-dynamic': inline
//     already runs, nothing changes (adding a hash would disable
//     'unsafe-inline' for the site's own scripts);
//   - a nonce: the injected script reuses it (the first nonce found); a
//     policy whose nonce differs gets the hash added;
//   - otherwise the hash is added to the governing directive; when that is
//     default-src, a script-src copying default-src's sources plus the hash
//     is added instead, so nothing else changes;
//   - 'none' alone: scripts cannot run at all, so nothing is injected and
//     the policy is left alone.
//
// Styles follow the same rules with style-src-elem/style-src.
func planCSP(values []string, scriptHash, styleHash string) cspPlan {
	return planCSPExt(values, scriptHash, "", styleHash)
}

// planCSPExt is planCSP for an injection that also references the
// external guard script (same origin, with an integrity attribute of hash
// extHash). Each policy that restricts scripts allows it through 'self'
// (without 'strict-dynamic'), through the nonce the script tag then
// carries, or else gets extHash added (CSP 3: a hash-source matches an
// external script whose integrity names that hash). A policy with only
// 'unsafe-inline' (no 'self') would have to be weakened: the plan says
// inlineGuard instead, and the caller plans again with the guard inline.
func planCSPExt(values []string, scriptHash, extHash, styleHash string) cspPlan {
	var p cspPlan
	if len(values) == 0 {
		return p
	}
	policies := parsePolicies(values)
	p.scriptNonce, p.noScript = firstNonce(policies, "script")
	p.styleNonce, p.noStyle = firstNonce(policies, "style")
	if extHash != "" {
		for _, pol := range policies {
			if externalNeedsInline(pol) {
				p.inlineGuard = true
				return p
			}
		}
	}
	p.extHash = extHash
	p.header = p.allowIn(policies, scriptHash, styleHash)
	return p
}

// externalNeedsInline reports whether pol lets inline scripts run through
// 'unsafe-inline' alone but not a same-origin external one.
func externalNeedsInline(pol []directive) bool {
	i := governing(pol, "script")
	if i < 0 {
		return false
	}
	unsafeInline, strict, self := false, false, false
	for _, s := range pol[i].sources {
		ls := strings.ToLower(s)
		switch {
		case ls == "'unsafe-inline'":
			unsafeInline = true
		case ls == "'self'" || ls == "*":
			self = true
		case ls == "'strict-dynamic'", strings.HasPrefix(ls, "'nonce-"), strings.HasPrefix(ls, "'sha256-"),
			strings.HasPrefix(ls, "'sha384-"), strings.HasPrefix(ls, "'sha512-"):
			strict = true
		}
	}
	return unsafeInline && !strict && !self
}

// allowExternal makes pol accept the same-origin external guard script
// (see planCSPExt) and reports whether it changed pol.
func allowExternal(pol *[]directive, nonce, hash string) bool {
	i := governing(*pol, "script")
	if i < 0 {
		return false
	}
	d := (*pol)[i]
	self, strict := false, false
	for _, s := range d.sources {
		ls := strings.ToLower(s)
		switch {
		case s == hash:
			return false
		case nonce != "" && s == "'nonce-"+nonce+"'":
			return false
		case ls == "'self'" || ls == "*":
			self = true
		case ls == "'strict-dynamic'":
			strict = true
		}
	}
	if self && !strict {
		return false
	}
	if allInline(d.sources) {
		return false // 'unsafe-inline' only: planCSPExt put the guard inline
	}
	addSource(pol, i, "script", hash)
	return true
}

// addSource adds src to directive i of pol, which governs <kind> elements.
// When that is default-src, a kind-src copying default-src's sources plus
// src is added instead: the other fetch directives keep falling back to
// the untouched default-src.
func addSource(pol *[]directive, i int, kind, src string) {
	d := (*pol)[i]
	sources := append(append([]string(nil), d.sources...), src)
	if d.name == "default-src" {
		*pol = append(*pol, directive{name: kind + "-src", sources: sources})
		return
	}
	(*pol)[i].sources = sources
}

func allInline(sources []string) bool {
	return externalNeedsInline([]directive{{name: "script-src", sources: sources}})
}

// reportOnly returns the Content-Security-Policy-Report-Only value that
// accepts the injection as planned ("" unchanged), so that it does not
// flood the site's reports.
func (p cspPlan) reportOnly(values []string, scriptHash, styleHash string) string {
	if len(values) == 0 {
		return ""
	}
	return p.allowIn(parsePolicies(values), scriptHash, styleHash)
}

func parsePolicies(values []string) [][]directive {
	var policies [][]directive
	for _, v := range values {
		for _, pol := range strings.Split(v, ",") {
			policies = append(policies, parsePolicy(pol))
		}
	}
	return policies
}

// allowIn makes policies accept the injected script and style with p's
// nonces or the hashes; it returns the new header value, "" when nothing
// changed.
func (p cspPlan) allowIn(policies [][]directive, scriptHash, styleHash string) string {
	changed := false
	for i, pol := range policies {
		if !p.noScript && allow(&pol, "script", p.scriptNonce, scriptHash) {
			changed = true
		}
		if !p.noScript && p.extHash != "" && allowExternal(&pol, p.scriptNonce, p.extHash) {
			changed = true
		}
		if !p.noStyle && styleHash != "" && allow(&pol, "style", p.styleNonce, styleHash) {
			changed = true
		}
		policies[i] = pol
	}
	if !changed {
		return ""
	}
	out := make([]string, 0, len(policies))
	for _, pol := range policies {
		var b strings.Builder
		for i, d := range pol {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(d.name)
			for _, s := range d.sources {
				b.WriteByte(' ')
				b.WriteString(s)
			}
		}
		if b.Len() > 0 {
			out = append(out, b.String())
		}
	}
	return strings.Join(out, ", ")
}

type directive struct {
	name    string // lower case
	sources []string
}

func parsePolicy(s string) []directive {
	var out []directive
	seen := map[string]bool{}
	for _, d := range strings.Split(s, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		name := strings.ToLower(f[0])
		if seen[name] { // the first of duplicate directives wins; later ones are ignored by browsers
			continue
		}
		seen[name] = true
		out = append(out, directive{name: name, sources: f[1:]})
	}
	return out
}

// governing returns the index of the directive that governs <kind> elements,
// or -1 when the policy does not restrict them.
func governing(pol []directive, kind string) int {
	for _, name := range []string{kind + "-src-elem", kind + "-src", "default-src"} {
		for i, d := range pol {
			if d.name == name {
				return i
			}
		}
	}
	return -1
}

func firstNonce(policies [][]directive, kind string) (nonce string, none bool) {
	for _, pol := range policies {
		i := governing(pol, kind)
		if i < 0 {
			continue
		}
		src := pol[i].sources
		if len(src) == 0 || len(src) == 1 && strings.EqualFold(src[0], "'none'") {
			none = true
		}
		for _, s := range src {
			if nonce == "" && len(s) > 8 && strings.EqualFold(s[:7], "'nonce-") && s[len(s)-1] == '\'' {
				nonce = s[7 : len(s)-1]
			}
		}
	}
	return nonce, none
}

// allow makes pol accept an inline element with the given nonce/hash and
// reports whether it changed pol.
func allow(pol *[]directive, kind, nonce, hash string) bool {
	i := governing(*pol, kind)
	if i < 0 {
		return false
	}
	d := (*pol)[i]
	unsafeInline, strict := false, false
	for _, s := range d.sources {
		ls := strings.ToLower(s)
		switch {
		case ls == "'unsafe-inline'":
			unsafeInline = true
		case ls == "'strict-dynamic'":
			strict = true
		case strings.HasPrefix(ls, "'nonce-"):
			strict = true // a nonce disables 'unsafe-inline'
			if nonce != "" && s == "'nonce-"+nonce+"'" {
				return false
			}
		case strings.HasPrefix(ls, "'sha256-"), strings.HasPrefix(ls, "'sha384-"), strings.HasPrefix(ls, "'sha512-"):
			strict = true
			if s == hash {
				return false
			}
		}
	}
	if unsafeInline && !strict {
		return false
	}
	addSource(pol, i, kind, hash)
	return true
}
