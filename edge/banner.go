package edge

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/consentguard/consentguard/wasm/consent"
)

// bannerChoices are the categories the banner offers one by one. Necessary
// and consent are always on; "Accept all" grants every category.
var bannerChoices = []struct {
	cat   consent.Category
	label string
}{
	{consent.Functional, "Functional (remember preferences, embedded content)"},
	{consent.Analytics, "Analytics (measure visits)"},
	{consent.Advertising, "Advertising (personalised ads, conversion tracking)"},
	{consent.Social, "Social media (share buttons, embedded posts)"},
	{consent.SessionReplay, "Session replay (recordings of visits)"},
}

// bannerCSS styles the banner; both main buttons look the same.
const bannerCSS = `#cg-banner{position:fixed;z-index:2147483647;left:1rem;right:1rem;bottom:1rem;max-width:40rem;margin:0 auto;padding:1rem 1.25rem;background:#fff;color:#111;border:2px solid #111;border-radius:.5rem;font:16px/1.4 system-ui,sans-serif;box-shadow:0 4px 24px rgba(0,0,0,.25)}#cg-banner h2{margin:0 0 .5rem;font-size:1.15rem}#cg-banner p{margin:0 0 .75rem}#cg-banner fieldset{border:1px solid #999;margin:0 0 .75rem;padding:.5rem .75rem}#cg-banner label{display:block;margin:.2rem 0}#cg-banner .cg-b{display:flex;gap:.5rem;flex-wrap:wrap}#cg-banner button{flex:1 1 8rem;padding:.6rem 1rem;font:inherit;font-weight:600;color:#fff;background:#1a4fb5;border:2px solid #1a4fb5;border-radius:.35rem;cursor:pointer}#cg-banner button.cg-s{color:#1a4fb5;background:#fff}#cg-banner button:focus-visible,#cg-banner input:focus-visible,#cg-banner a:focus-visible{outline:3px solid #e8a200;outline-offset:2px}`

// bannerMover puts the banner template first in <body> (so it is first in
// the tab order), records the page to return to and moves focus to the
// dialog title.
const bannerMover = `(function(){function s(){var t=document.getElementById("cg-banner-tpl");if(!t||!document.body||document.getElementById("cg-banner"))return;document.body.insertBefore(t.content.cloneNode(true),document.body.firstChild);var r=document.querySelector("#cg-banner input[name=return]");if(r)r.value=location.pathname+location.search;var h=document.getElementById("cg-title");if(h)h.focus({preventScroll:true})}if(document.readyState==="loading")document.addEventListener("DOMContentLoaded",s);else s()})();`

// bannerTemplate renders the banner markup (ASCII only: non-ASCII text is
// written as character references, so any page charset is fine).
func (p *Proxy) bannerTemplate() []byte {
	b := p.cfg.Banner
	var s strings.Builder
	s.WriteString(`<div id="cg-banner" role="dialog" aria-modal="false" aria-labelledby="cg-title" aria-describedby="cg-text">`)
	s.WriteString(`<form method="post" action="` + ConsentPath + `">`)
	s.WriteString(`<h2 id="cg-title" tabindex="-1">` + htmlEscape(b.Title) + `</h2>`)
	s.WriteString(`<p id="cg-text">` + htmlEscape(b.Text))
	if b.PolicyURL != "" {
		s.WriteString(` <a href="` + htmlEscape(b.PolicyURL) + `">Privacy policy</a>`)
	}
	s.WriteString(`</p><input type="hidden" name="return" value="/">`)
	s.WriteString(`<fieldset><legend>Choose what to allow</legend>`)
	s.WriteString(`<label><input type="checkbox" checked disabled> Necessary (always on)</label>`)
	for _, c := range bannerChoices {
		s.WriteString(`<label><input type="checkbox" name="c" value="` + c.cat.String() + `"> ` + htmlEscape(c.label) + `</label>`)
	}
	s.WriteString(`</fieldset><div class="cg-b">`)
	s.WriteString(`<button type="submit" name="action" value="reject">` + htmlEscape(b.Reject) + `</button>`)
	s.WriteString(`<button type="submit" name="action" value="accept">` + htmlEscape(b.Accept) + `</button>`)
	s.WriteString(`<button type="submit" name="action" value="save" class="cg-s">` + htmlEscape(b.Save) + `</button>`)
	s.WriteString(`</div></form></div>`)
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

// serveConsent handles /.consentguard/consent: GET returns the visitor's
// state as JSON; POST (the banner's form, or fetch with the same fields)
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

func writeState(w http.ResponseWriter, st consent.State, source string) {
	var granted []string
	for _, c := range st.Effective().List() {
		granted = append(granted, c.String())
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"granted": granted, "recorded": st.Recorded, "gpc": st.GPC, "dnt": st.DNT, "source": source,
	})
}
