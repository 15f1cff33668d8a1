package edge

import (
	"github.com/consentguard/consentguard/wasm/site"
	"strings"

	"github.com/consentguard/consentguard/edge/guard"
	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/cookie"
)

// injection is what goes at the start of <head> for one consent state.
type injection struct {
	script     []byte // inline script body: GPC API, Consent Mode defaults (what must run first)
	scriptHash string // CSP source of script
	ext        *guardFile
	full       []byte // script with the external file's content: the inline form (CSP with 'unsafe-inline' only)
	fullHash   string
	style      []byte // banner and control style (nil without banner)
	styleHash  string
	template   []byte // banner <template> (nil without banner)
	plain      []byte // render(cspPlan{}): the injection when the origin sends no CSP
}

type injectKey struct {
	eff    consent.Set
	gpc    bool
	banner bool // the banner and control are on
	bannerKey
}

// injectionFor returns the (cached) injection for st on a page in lang.
func (p *Proxy) injectionFor(st consent.State, lang string) *injection {
	k := injectKey{eff: st.Effective(), gpc: st.GPC}
	if p.cfg.Banner.Enabled {
		k.banner = true
		k.bannerKey = bannerKey{lang: lang, granted: st.Granted, show: !st.Recorded}
		if !st.Recorded {
			k.granted = st.Effective()
		}
	}
	if v, ok := p.guards.Load(k); ok {
		return v.(*injection)
	}
	inj := p.buildInjection(k)
	v, _ := p.guards.LoadOrStore(k, inj)
	return v.(*injection)
}

// consentMode renders Google Consent Mode v2 defaults for an effective set.
func consentMode(eff consent.Set) string {
	g := func(c consent.Category) string {
		if eff.Has(c) {
			return "granted"
		}
		return "denied"
	}
	ads := g(consent.Advertising)
	return `{"ad_storage":"` + ads + `","ad_user_data":"` + ads + `","ad_personalization":"` + ads +
		`","analytics_storage":"` + g(consent.Analytics) +
		`","functionality_storage":"` + g(consent.Functional) +
		`","personalization_storage":"` + g(consent.Functional) +
		`","security_storage":"granted"}`
}

func (p *Proxy) buildInjection(k injectKey) *injection {
	var b strings.Builder
	if k.gpc {
		// The visitor sends Sec-GPC: 1; expose it to the page's scripts
		// (GPC spec 2.2) in browsers that do not yet.
		b.WriteString(`try{if(!("globalPrivacyControl" in navigator))Object.defineProperty(Navigator.prototype,"globalPrivacyControl",{get:function(){return true},configurable:true,enumerable:true})}catch(e){}`)
	}
	b.WriteString(`(function(){var d=window.dataLayer=window.dataLayer||[];function g(){d.push(arguments)}g("consent","default",`)
	b.WriteString(consentMode(k.eff))
	b.WriteString(`)})();`)
	inj := &injection{ext: p.guardFile(k.eff)}
	if k.banner {
		inj.style = []byte(bannerCSS)
		inj.styleHash = guard.Hash(inj.style)
		show := ""
		if k.show {
			show = " data-show"
		}
		inj.template = append([]byte(`<template id="cg-banner-tpl"`+show+`>`), p.bannerTemplate(k.bannerKey)...)
		inj.template = append(inj.template, "</template>"...)
	}
	inj.script = []byte(b.String())
	inj.scriptHash = guard.Hash(inj.script)
	inj.full = append(append([]byte(nil), inj.script...), inj.ext.body...)
	inj.fullHash = guard.Hash(inj.full)
	inj.plain = inj.render(cspPlan{})
	return inj
}

// render returns the bytes injected after <head> under a CSP plan.
func (inj *injection) render(plan cspPlan) []byte {
	var b []byte
	if plan.noScript {
		return nil // no script can run: the rewriter's removals suffice, and no banner can be moved
	}
	b = append(b, "<script"...)
	b = appendNonce(b, plan.scriptNonce)
	b = append(b, '>')
	if plan.inlineGuard {
		b = append(b, inj.full...)
		b = append(b, "</script>"...)
	} else {
		b = append(b, inj.script...)
		b = append(b, `</script><script src="`...)
		b = append(b, inj.ext.path...)
		b = append(b, `" integrity="`...)
		b = append(b, inj.ext.sri...)
		b = append(b, '"')
		b = appendNonce(b, plan.scriptNonce)
		b = append(b, "></script>"...)
	}
	if inj.style != nil && !plan.noStyle {
		b = append(b, "<style"...)
		b = appendNonce(b, plan.styleNonce)
		b = append(b, '>')
		b = append(b, inj.style...)
		b = append(b, "</style>"...)
	}
	return append(b, inj.template...)
}

func appendNonce(b []byte, nonce string) []byte {
	if nonce == "" {
		return b
	}
	b = append(b, ` nonce="`...)
	b = append(b, htmlEscape(nonce)...)
	return append(b, '"')
}

// guardSpec lists, for the runtime guard, the tracker hosts and cookie names
// of the categories eff does not allow.
func (p *Proxy) guardSpec(eff consent.Set) guard.Spec {
	var s guard.Spec
	blocked := func(c consent.Category) bool {
		return c != consent.None && !eff.Has(c) && !consent.AlwaysAllowed.Has(c)
	}
	s.BlockPings = blocked(consent.Analytics) // hyperlink auditing is click measurement (edge/beacon.go)
	seen := map[string]bool{}
	if db := p.eng.Trackers(); db != nil {
		for _, id := range db.VendorIDs() {
			v, _ := db.Vendor(id)
			for _, e := range v.Entries {
				if e.Kind == catalog.KindHost && blocked(e.Category) && !p.sites[e.Value] && !seen[e.Value] {
					seen[e.Value] = true
					s.BlockHosts = append(s.BlockHosts, e.Value)
				}
				// Unscoped path signatures the guard matches as the core
				// does: trackers on hosts that stay allowed (an SDK on a
				// public CDN) added by the page's JS.
				if e.Kind == catalog.KindPath && e.Domain == "" && blocked(e.Category) && guard.PathSupported(e.Value) && !seen["s:"+e.Value] {
					seen["s:"+e.Value] = true
					s.BlockPaths = append(s.BlockPaths, e.Value)
				}
				if e.Kind == catalog.KindPath && e.Domain == "" && blocked(e.Category) && !scriptPath(e.Value) && !seen["p:"+e.Value] {
					// A beacon to the site's own host at a tracker's path
					// signature (a first-party proxy) is refused too.
					seen["p:"+e.Value] = true
					s.BeaconPaths = append(s.BeaconPaths, e.Value)
				}
			}
		}
	}
	if f := p.eng.Cookies(); f != nil && f.DB != nil {
		f.DB.Rules(func(m cookie.Match) bool {
			if !blocked(m.Category) || seen["c:"+m.Pattern] || !p.cookieScopeApplies(m.Domain) {
				return true
			}
			seen["c:"+m.Pattern] = true
			if i := strings.IndexByte(m.Pattern, '*'); i < 0 {
				s.BlockCookies = append(s.BlockCookies, m.Pattern)
			} else if i >= 3 {
				// "_ga_*" and globs "mp_*_mixpanel": the literal prefix.
				s.BlockCookiePrefixes = append(s.BlockCookiePrefixes, m.Pattern[:i])
			}
			return true
		})
	}
	return s
}

// scriptPath reports whether a path signature names a script or a page
// ("/gtm.js?id=GTM-", "/gtag/js?id=", "/ns.html?id=GTM-"): never the
// target of a beacon, so the guard does not carry it.
func scriptPath(sig string) bool {
	path, _, _ := strings.Cut(sig, "?")
	return strings.HasSuffix(path, ".js") || strings.Contains(path, ".js/") || strings.HasSuffix(path, "/js") ||
		strings.HasSuffix(path, ".html")
}

// cookieScopeApplies reports whether a cookie entry scoped to domain (""
// for none) can concern this site: "lang domain=linkedin.com" must not stop
// a shop from writing its own "lang" cookie.
func (p *Proxy) cookieScopeApplies(domain string) bool {
	if domain == "" {
		return true
	}
	for s := range p.sites {
		if site.Within(s, domain) {
			return true
		}
	}
	return false
}

// htmlEscape escapes text for HTML and writes every non-ASCII character as
// a numeric reference, so injected text is right whatever the page charset.
func htmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&#39;")
		case r >= 0x80:
			b.WriteString("&#")
			b.WriteString(itoa(int(r)))
			b.WriteByte(';')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func itoa(n int) string {
	var buf [12]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(buf[i:])
}
