package edge

import (
	_ "embed"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/consentguard/consentguard/edge/guard"
	"github.com/consentguard/consentguard/wasm/consent"
)

// bannerCSS styles the banner and the "Privacy choices" control; "Reject
// all" and "Accept all" look the same. The first layer is compact: on a
// 375x667 screen it takes well under 40% of the height.
const bannerCSS = `#cg-banner{position:fixed;z-index:2147483647;left:.5rem;right:.5rem;bottom:.5rem;max-width:40rem;margin:0 auto;padding:.75rem 1rem;background:#fff;color:#111;border:2px solid #111;border-radius:.5rem;font:15px/1.35 system-ui,sans-serif;box-shadow:0 4px 24px rgba(0,0,0,.25);max-height:calc(100vh - 1rem);overflow:auto;box-sizing:border-box}#cg-banner[hidden],#cg-banner [hidden]{display:none}#cg-banner h2{margin:0 0 .35rem;font-size:1rem}#cg-banner p{margin:0 0 .6rem}#cg-banner a{color:#1a4fb5}#cg-banner fieldset{border:1px solid #999;margin:0 0 .6rem;padding:.4rem .75rem}#cg-banner label{display:block;margin:.25rem 0}#cg-banner .cg-b{display:flex;gap:.5rem;flex-wrap:wrap}#cg-banner button{flex:1 1 7rem;padding:.5rem .75rem;font:inherit;font-weight:600;color:#fff;background:#1a4fb5;border:2px solid #1a4fb5;border-radius:.35rem;cursor:pointer}#cg-banner button.cg-s{color:#1a4fb5;background:#fff}#cg-banner button:focus-visible,#cg-banner input:focus-visible,#cg-banner a:focus-visible,#cg-choices:focus-visible{outline:3px solid #e8a200;outline-offset:2px}#cg-choices{position:fixed;z-index:2147483646;bottom:.5rem;padding:.3rem .6rem;font:13px/1.3 system-ui,sans-serif;color:#111;background:#fff;border:1px solid #555;border-radius:1rem;text-decoration:none}#cg-choices.cg-bl{left:.5rem}#cg-choices.cg-br{right:.5rem}@media (max-width:30rem){#cg-banner{left:.25rem;right:.25rem;bottom:.25rem;padding:.5rem .7rem;font-size:14px;line-height:1.3}#cg-banner h2{font-size:.95rem;margin-bottom:.2rem}#cg-banner p{margin-bottom:.45rem}#cg-banner .cg-b{gap:.35rem}#cg-banner button{padding:.4rem .5rem}}`

// bannerScript runs the banner and the control (see banner.js): it moves
// the banner template first in <body> (first in the tab order) when no
// choice is recorded, reopens it from the control or consentguard.open(),
// and handles "Customise" and Escape.
//
//go:embed banner.js
var bannerScript string

// bannerKey is what the banner's markup depends on.
type bannerKey struct {
	lang    string
	granted consent.Set // ticked in the second layer
	show    bool        // no choice recorded: open at once
	used    consent.Set // categories named in the sentence (none: the generic one; the page's tail has them)
}

// bannerTemplate renders the banner markup (ASCII only: non-ASCII text is
// written as character references, so any page charset is fine). Both
// layers are in one form that posts to ConsentPath; the second layer (the
// categories) is hidden until "Customise".
func (p *Proxy) bannerTemplate(k bannerKey) []byte {
	t := p.cfg.Banner.text(k.lang)
	var s strings.Builder
	s.WriteString(`<div id="cg-banner" role="dialog" aria-modal="false" aria-labelledby="cg-title" aria-describedby="cg-text" lang="` + htmlEscape(k.lang) + `">`)
	s.WriteString(`<form method="post" action="` + ConsentPath + `">`)
	s.WriteString(`<h2 id="cg-title" tabindex="-1">` + htmlEscape(t.Title) + `</h2>`)
	s.WriteString(`<p id="cg-text"><span id="cg-text-s">` + htmlEscape(t.sentence(k.used)) + `</span>`)
	if u := p.cfg.Banner.PolicyURL; u != "" {
		s.WriteString(` <a href="` + htmlEscape(u) + `">` + htmlEscape(t.Policy) + `</a>`)
	}
	s.WriteString(`</p><input type="hidden" name="return" value="/">`)
	s.WriteString(`<fieldset id="cg-l2" hidden>`)
	p.writeChoices(&s, t, k.granted)
	s.WriteString(`</fieldset><div class="cg-b">`)
	s.WriteString(`<button type="submit" name="action" value="reject">` + htmlEscape(t.Reject) + `</button>`)
	s.WriteString(`<button type="submit" name="action" value="accept">` + htmlEscape(t.Accept) + `</button>`)
	s.WriteString(`<button type="button" id="cg-more" class="cg-s" aria-expanded="false" aria-controls="cg-l2">` + htmlEscape(t.Customise) + `</button>`)
	s.WriteString(`<button type="submit" name="action" value="save" id="cg-save" class="cg-s" hidden>` + htmlEscape(t.Save) + `</button>`)
	s.WriteString(`</div></form></div>`)
	return []byte(s.String())
}

// writeChoices writes the second layer: the legend and one checkbox per
// category, ticked when granted.
func (p *Proxy) writeChoices(s *strings.Builder, t BannerText, granted consent.Set) {
	s.WriteString(`<legend>` + htmlEscape(t.Legend) + `</legend>`)
	s.WriteString(`<label><input type="checkbox" checked disabled> ` + htmlEscape(t.Necessary) + `</label>`)
	for _, c := range bannerChoices {
		checked := ""
		if granted.Has(c) {
			checked = " checked"
		}
		s.WriteString(`<label><input type="checkbox" name="c" value="` + c.String() + `"` + checked + `> ` + htmlEscape(t.Labels[c.String()]) + `</label>`)
	}
}

// bannerTail is appended after the document when the banner is on: the
// sentence naming the categories removed on this page (known only once
// the page is rewritten; the banner script puts it in the banner when it
// opens), and the "Privacy
// choices" control, a plain link to the consent page that also works
// without JavaScript. After </html> the HTML parser puts both at the end
// of <body>.
func (p *Proxy) bannerTail(lang string, used consent.Set, requestURI string) []byte {
	b := &p.cfg.Banner
	t := b.text(lang)
	var s strings.Builder
	s.WriteString(`<template id="cg-used" data-text="` + htmlEscape(t.sentence(used)) + `"></template>`)
	if b.Control != "off" {
		cls := "cg-bl"
		if b.Control == "bottom-right" {
			cls = "cg-br"
		}
		s.WriteString(`<a id="cg-choices" class="` + cls + `" lang="` + htmlEscape(lang) + `" href="` + ConsentPath + `?return=` + htmlEscape(url.QueryEscape(safeReturn(requestURI))) + `">` + htmlEscape(t.Control) + `</a>`)
	}
	return []byte(s.String())
}

// withLoaders adds tag-manager to a set that grants any tracking category: a
// tag manager (GTM, the Google tag, Adobe Launch) only loads tags, and the
// rewriter and the runtime guard still block the tags of categories not
// granted. CMPs have no tag-manager purpose, so without this a visitor who
// accepts analytics in OneTrust would still not get the Google tag.
func withLoaders(g consent.Set) consent.Set {
	if g&consent.SetOf(consent.Analytics, consent.Advertising, consent.Social, consent.SessionReplay) != 0 {
		g = g.With(consent.TagManager)
	}
	return g
}

// grantsFor turns a banner choice into a set (see withLoaders).
func grantsFor(action string, cats []string) (consent.Set, bool) {
	var g consent.Set
	switch action {
	case "accept":
		g = consent.All
	case "reject":
	case "save", "":
		for _, c := range cats {
			k, err := consent.ParseCategory(c)
			if err != nil || consent.AlwaysAllowed.Has(k) {
				continue
			}
			g = g.With(k)
		}
		g = withLoaders(g)
	default:
		return 0, false
	}
	return g, true
}

// sameSite reports whether a POST comes from one of the site's own pages:
// Origin (sent by every current browser on POST) must name a site host; a
// request without Origin needs Sec-Fetch-Site: same-origin, or else a
// Referer on a site host.
func (p *Proxy) sameSite(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		return err == nil && p.sites[strings.ToLower(u.Hostname())]
	}
	if sfs := r.Header.Get("Sec-Fetch-Site"); sfs != "" {
		return sfs == "same-origin"
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		u, err := url.Parse(ref)
		return err == nil && p.sites[strings.ToLower(u.Hostname())]
	}
	return false
}

// safeReturn keeps a return path on this site: a path starting with a
// single '/', else "/".
func safeReturn(v string) string {
	if v == "" || v[0] != '/' || strings.HasPrefix(v, "//") || strings.HasPrefix(v, "/\\") ||
		strings.ContainsAny(v, "\r\n\t") {
		return "/"
	}
	return v
}

// serveConsent handles /.consentguard/consent: GET answers a server-rendered
// form with the current choices ticked (when the client accepts HTML: the
// page the "Privacy choices" control links to, usable without JavaScript)
// or the visitor's state as JSON (Accept: application/json, or no HTML in
// Accept; see writeState); POST (the banner's form, or fetch with the same fields)
// records a choice in the signed consentguard cookie and answers 303 back to
// the page (or 200 JSON when the request asks for JSON).
//
// Form fields: action=accept|reject|save; c=<category> (repeated, for
// save); return=<path on this site>.
//
// When the new choice withdraws a category, the response expires every
// cookie the visitor holds that is no longer allowed, by name (on the host
// and its registrable domain).
func (p *Proxy) serveConsent(w http.ResponseWriter, r *http.Request, host string) {
	w.Header().Set("Cache-Control", "no-store")
	old, source := p.state(r, host)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if wantsHTML(r.Header.Get("Accept")) {
			p.consentPage(w, r, old)
			return
		}
		writeState(w, old, source)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		errorPage(w, http.StatusMethodNotAllowed, "Use POST.")
		return
	}
	if !p.sameSite(r) {
		errorPage(w, http.StatusForbidden, "Cross-site consent changes are refused.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		errorPage(w, http.StatusBadRequest, "Bad form.")
		return
	}
	granted, ok := grantsFor(r.PostForm.Get("action"), r.PostForm["c"])
	if !ok {
		errorPage(w, http.StatusBadRequest, "Unknown action.")
		return
	}
	st := consent.State{Granted: granted, GPC: old.GPC, DNT: old.DNT, Recorded: true}
	v := consent.EncodeCookie(st, p.secret, time.Now())
	http.SetCookie(w, &http.Cookie{
		Name: consent.CookieName, Value: v, Path: "/", MaxAge: int(consent.CookieMaxAge / time.Second),
		HttpOnly: true, Secure: scheme(r) == "https", SameSite: http.SameSiteLaxMode,
	})
	// Withdrawal: expire what is no longer allowed.
	if f := p.eng.Cookies(); f != nil {
		if cs := strings.Join(r.Header.Values("Cookie"), "; "); cs != "" {
			lines, _ := f.Expire(cs, host, st)
			for _, l := range lines {
				w.Header().Add("Set-Cookie", l)
			}
		}
	}
	p.log.Info("edge: consent recorded", "host", host, "granted", granted.String(), "previous", old.Granted.String(), "previous_source", source)
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeState(w, st, "consentguard")
		return
	}
	ret := r.PostForm.Get("return")
	if ret == "" {
		if u, err := url.Parse(r.Header.Get("Referer")); err == nil && p.sites[strings.ToLower(u.Hostname())] {
			ret = u.RequestURI()
		}
	}
	w.Header().Set("Location", safeReturn(ret))
	w.WriteHeader(http.StatusSeeOther)
}

// writeState answers the visitor's consent as JSON:
//
//	{"granted": ["analytics", "necessary"], "recorded": true, "gpc": false, "dnt": false, "source": "consentguard"}
//
// granted lists the categories in effect (GPC and DNT applied; necessary
// and consent always), recorded says whether the visitor chose (else the
// defaults apply), source where the state came from: "consentguard" (our
// cookie), a CMP's cookie name (OptanonConsent, CookieConsent, euconsent-v2)
// or "default".
func writeState(w http.ResponseWriter, st consent.State, source string) {
	granted := []string{}
	for _, c := range st.Effective().List() {
		if c != consent.None {
			granted = append(granted, c.String())
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"granted": granted, "recorded": st.Recorded, "gpc": st.GPC, "dnt": st.DNT, "source": source,
	})
}

// wantsHTML reports whether an Accept header prefers HTML to JSON: it
// names text/html (or application/xhtml+xml) and not application/json
// before it.
func wantsHTML(accept string) bool {
	accept = strings.ToLower(accept)
	h := strings.Index(accept, "text/html")
	if x := strings.Index(accept, "application/xhtml+xml"); h < 0 || (x >= 0 && x < h) {
		h = x
	}
	if h < 0 {
		return false
	}
	j := strings.Index(accept, "application/json")
	return j < 0 || h < j
}

// consentPageCSS styles the consent page (with bannerCSS's rules for the
// form it shares with the banner).
const consentPageCSS = `body{margin:0;padding:1rem;font:16px/1.45 system-ui,sans-serif;color:#111;background:#f4f4f4}main{max-width:36rem;margin:0 auto;background:#fff;border:2px solid #111;border-radius:.5rem;padding:1rem 1.25rem}h1{font-size:1.25rem;margin:0 0 .5rem}fieldset{border:1px solid #999;margin:0 0 .75rem;padding:.5rem .75rem}label{display:block;margin:.3rem 0}.cg-b{display:flex;gap:.5rem;flex-wrap:wrap;margin-bottom:.75rem}button{flex:1 1 8rem;padding:.6rem 1rem;font:inherit;font-weight:600;color:#fff;background:#1a4fb5;border:2px solid #1a4fb5;border-radius:.35rem;cursor:pointer}button.cg-s{color:#1a4fb5;background:#fff}a{color:#1a4fb5}:focus-visible{outline:3px solid #e8a200;outline-offset:2px}`

// consentPage renders the consent form on a page of its own, in the
// visitor's language, with the current choices ticked. It posts to
// ConsentPath, which redirects back to the page given in ?return=.
func (p *Proxy) consentPage(w http.ResponseWriter, r *http.Request, st consent.State) {
	lang := p.cfg.Banner.language(r.Header.Get("Accept-Language"))
	t := p.cfg.Banner.text(lang)
	ret := safeReturn(r.URL.Query().Get("return"))
	var s strings.Builder
	s.WriteString(`<!DOCTYPE html><html lang="` + htmlEscape(lang) + `"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`)
	s.WriteString(`<title>` + htmlEscape(t.Title) + `</title><style>` + consentPageCSS + `</style></head><body><main>`)
	s.WriteString(`<h1>` + htmlEscape(t.Title) + `</h1><p>` + htmlEscape(t.sentence(p.seenSet())))
	if u := p.cfg.Banner.PolicyURL; u != "" {
		s.WriteString(` <a href="` + htmlEscape(u) + `">` + htmlEscape(t.Policy) + `</a>`)
	}
	s.WriteString(`</p><form method="post" action="` + ConsentPath + `"><input type="hidden" name="return" value="` + htmlEscape(ret) + `"><fieldset>`)
	var granted consent.Set
	if st.Recorded {
		granted = st.Granted
	} else {
		granted = st.Effective()
	}
	p.writeChoices(&s, t, granted)
	s.WriteString(`</fieldset><div class="cg-b">`)
	s.WriteString(`<button type="submit" name="action" value="reject">` + htmlEscape(t.Reject) + `</button>`)
	s.WriteString(`<button type="submit" name="action" value="accept">` + htmlEscape(t.Accept) + `</button>`)
	s.WriteString(`<button type="submit" name="action" value="save" class="cg-s">` + htmlEscape(t.Save) + `</button>`)
	s.WriteString(`</div></form><p><a href="` + htmlEscape(ret) + `">` + htmlEscape(t.Back) + `</a></p></main></body></html>`)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", lang)
	h.Set("Vary", "Accept, Accept-Language, Cookie")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src "+guard.Hash([]byte(consentPageCSS))+"; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	if r.Method == http.MethodHead {
		return
	}
	io.WriteString(w, s.String())
}
