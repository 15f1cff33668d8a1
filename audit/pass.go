package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/policy"
	"github.com/consentguard/consentguard/wasm/site"
)

// run runs the pass in a fresh profile. pages are the inner pages found by
// the first pass (nil in the first pass, which finds them).
func (pr *passRun) run(parent context.Context, home string, pages []string) {
	t0 := time.Now()
	defer func() { pr.pass.Seconds = time.Since(t0).Seconds() }()
	pr.pass = Pass{Name: pr.name, Pages: []string{}, Requests: []Request{}, TrackerHosts: []TrackerHost{}, Cookies: []Cookie{}, Storage: []StorageKey{}, APIs: []APICall{}}
	ctx, stop, err := pr.s.Browser.start(parent)
	if err != nil {
		pr.pass.Error = err.Error()
		return
	}
	debugf("%s %s: browser started in %.1fs", home, pr.name, time.Since(t0).Seconds())
	defer func() {
		t1 := time.Now()
		stop()
		debugf("%s %s: browser stopped in %.1fs", home, pr.name, time.Since(t1).Seconds())
	}()
	pr.ctx = ctx
	pr.cap = &capture{start: time.Now()}
	if pr.name == PassGPC {
		pr.cap.headers = map[string]string{"Sec-GPC": "1", "DNT": "1"}
	}
	if err := pr.cap.run(ctx); err != nil {
		pr.pass.Error = "enable request capture: " + err.Error()
		return
	}
	gpc := "false"
	if pr.name == PassGPC {
		gpc = "true"
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: strings.ReplaceAll(instrumentJS, "__CG_GPC__", gpc)}); err != nil {
		pr.pass.Error = "instrument: " + err.Error()
		return
	}
	pr.home = home
	if err := pr.navigate(home); err != nil {
		pr.pass.Error = err.Error()
		if isFatal(err.Error()) {
			pr.finish()
			return
		}
	}
	pr.pass.Pages = append(pr.pass.Pages, home)
	pr.pass.FinalURL, _ = chromedp.Run(ctx, chromedp.Location())
	pr.firstPage()
	switch pr.name {
	case PassReject, PassAccept:
		pr.choose()
	}
	if pages == nil && pr.s.Pages > 1 {
		pages = innerPages(pr.html, pr.pass.FinalURL, pr.s.Pages-1)
	}
	for _, p := range pages {
		if p == home {
			continue
		}
		if err := pr.navigate(p); err != nil && pr.pass.Error == "" {
			pr.pass.Error = err.Error()
		}
		pr.pass.Pages = append(pr.pass.Pages, p)
		pr.collectPage()
	}
	pr.finish()
	if pr.name == PassFirst {
		pr.readPolicy()
	}
}

// readPolicy finds the privacy policy among the home page's links, loads
// it (after the pass's requests were taken) and extracts its claims.
func (pr *passRun) readPolicy() {
	base, err := url.Parse(pr.pass.FinalURL)
	if err != nil || pr.html == "" {
		return
	}
	links := policy.FindLinks([]byte(pr.html), base)
	if len(links) == 0 {
		pr.siteSignals.PolicyError = "no privacy policy link found on the home page"
		return
	}
	for i, l := range links {
		if i == 2 {
			break
		}
		if err := pr.navigate(l); err != nil {
			pr.siteSignals.PolicyError = err.Error()
			continue
		}
		html, err := chromedp.Run(pr.ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
		if err != nil {
			pr.siteSignals.PolicyError = "read policy " + l + ": " + err.Error()
			continue
		}
		c, err := policy.ExtractHTML(strings.NewReader(html))
		if err != nil {
			pr.siteSignals.PolicyError = "parse policy " + l + ": " + err.Error()
			continue
		}
		pr.policy = &PolicyReport{URL: l, Claims: c}
		pr.siteSignals.PolicyURL, pr.siteSignals.PolicyError = l, ""
		return
	}
}

// firstPage reads what the home page shows before any choice.
func (pr *passRun) firstPage() {
	ctx := pr.ctx
	pr.pageTitle, _ = chromedp.Run(ctx, chromedp.Title())
	if pr.name == PassFirst {
		pr.html, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
		if pr.s.Screenshots {
			if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
				pr.shots["page"] = png
			}
		}
		pr.keylogProbe()
		pr.siteSignals = pr.readSiteSignals()
	}
	pr.collectPage()
}

// choose clicks "reject all" or "accept all" on the banner, then reloads.
func (pr *passRun) choose() {
	mode := "reject"
	if pr.name == PassAccept {
		mode = "accept"
	}
	if pr.s.Screenshots && pr.name == PassReject {
		if png, err := chromedp.Run(pr.ctx, chromedp.CaptureScreenshot()); err == nil {
			pr.shots["banner"] = png
		}
	}
	b, err := chromedp.Run(pr.ctx, chromedp.Evaluate[Banner](bannerJS+`("`+mode+`")`))
	if err != nil || b.CMP == "" {
		return
	}
	b.ImpliedConsent = impliedConsent(b.Text)
	pr.pass.Banner = &b
	if b.Clicked == "" {
		return
	}
	pr.cap.quiet(pr.ctx, pr.s.settle(), pr.s.timeout())
	reqs, _ := pr.cap.snapshot()
	pr.choice = len(reqs)
	if err := pr.navigate(pr.home); err != nil && pr.pass.Error == "" {
		pr.pass.Error = "reload after choice: " + err.Error()
	}
	pr.collectPage()
}

// impliedConsent tells banner text that takes browsing as consent.
func impliedConsent(text string) bool {
	t := strings.ToLower(text)
	for _, s := range []string{"by continuing", "continuing to use", "continuing to browse", "continue to use this site", "continued use", "en poursuivant", "en continuant", "durch die weitere nutzung", "wenn sie die seite weiter nutzen", "al continuar", "si continúa navegando", "si continua navegando"} {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// keylogProbe types the marker into every text input (no submit), as a
// visitor would, so a script that sends keystrokes gives itself away.
func (pr *passRun) keylogProbe() {
	js := `(function(){var n=0;document.querySelectorAll('input[type=text],input[type=email],input[type=search],input:not([type]),textarea').forEach(function(e){n++;e.focus();var v='` + keyMarker + `';for(var i=0;i<v.length;i++){e.dispatchEvent(new KeyboardEvent('keydown',{key:v[i],bubbles:true}));e.value+=v[i];e.dispatchEvent(new InputEvent('input',{data:v[i],bubbles:true}));e.dispatchEvent(new KeyboardEvent('keyup',{key:v[i],bubbles:true}));}e.blur();e.dispatchEvent(new Event('change',{bubbles:true}));});return n})()`
	if n, err := chromedp.Run(pr.ctx, chromedp.Evaluate[int](js)); err == nil && n > 0 {
		pr.cap.quiet(pr.ctx, pr.s.settle(), pr.s.timeout())
	}
}

// collectPage reads the page's storage keys, API use and signals.
func (pr *passRun) collectPage() {
	ctx := pr.ctx
	type apiOut struct {
		API    string `json:"api"`
		Script string `json:"script"`
		Detail string `json:"detail"`
		Count  int    `json:"count"`
	}
	if calls, err := chromedp.Run(ctx, chromedp.Evaluate[[]apiOut](`typeof window.__cgAudit==='function'?window.__cgAudit():[]`)); err == nil {
		for _, c := range calls {
			pr.addAPI(APICall{API: c.API, Script: c.Script, Detail: c.Detail, Count: c.Count})
		}
	}
	if keys, err := chromedp.Run(ctx, chromedp.Evaluate[[]StorageKey](`(function(){var o=[];try{for(var i=0;i<localStorage.length;i++)o.push({kind:'local',key:localStorage.key(i)})}catch(e){}try{for(var i=0;i<sessionStorage.length;i++)o.push({kind:'session',key:sessionStorage.key(i)})}catch(e){}return o})()`)); err == nil {
		for _, k := range keys {
			pr.addStorage(k)
		}
	}
	sig, err := chromedp.Run(ctx, chromedp.Evaluate[PassSignals](signalsJS, chromedp.EvalAwaitPromise))
	if err == nil {
		s := &pr.pass.Signals
		if sig.USPString != "" {
			s.USPString = sig.USPString
		}
		if sig.GPPString != "" {
			s.GPPString = sig.GPPString
		}
		s.NavigatorGPC = s.NavigatorGPC || sig.NavigatorGPC
		s.TCFPresent = s.TCFPresent || sig.TCFPresent
	}
}

// signalsJS reads the US Privacy string, the GPP string, the TCF API and
// navigator.globalPrivacyControl.
const signalsJS = `new Promise(function(done){
var o={navigator_gpc: navigator.globalPrivacyControl===true, tcf_api: typeof window.__tcfapi==='function'};
var wait=0;function end(){if(--wait<=0)done(o)}
wait++;
try{if(typeof window.__uspapi==='function'){wait++;window.__uspapi('getUSPData',1,function(d,ok){if(ok&&d&&d.uspString)o.usp_string=d.uspString;end()})}}catch(e){}
try{if(typeof window.__gpp==='function'){wait++;var r=window.__gpp('ping',function(d,ok){if(d&&d.gppString)o.gpp_string=d.gppString;end()});if(r&&r.gppString){o.gpp_string=r.gppString}}}catch(e){}
setTimeout(function(){wait=0;done(o)},1500);
end();
})`

// readSiteSignals fetches /.well-known/gpc.json from the page's origin.
func (pr *passRun) readSiteSignals() Signals {
	var s Signals
	body, err := chromedp.Run(pr.ctx, chromedp.Evaluate[string](`fetch('/.well-known/gpc.json',{credentials:'omit'}).then(function(r){return r.ok?r.text():''}).catch(function(){return ''})`, chromedp.EvalAwaitPromise))
	if err != nil || body == "" {
		return s
	}
	if len(body) > 4096 {
		body = body[:4096]
	}
	s.GPCJSON = body
	var v struct {
		GPC *bool `json:"gpc"`
	}
	if json.Unmarshal([]byte(body), &v) == nil {
		s.GPCJSONGPC = v.GPC
	}
	return s
}

func (pr *passRun) addAPI(c APICall) {
	c.ThirdParty = c.Script != "inline" && site.ThirdParty(hostOf(c.Script), hostOf(pr.home))
	for i := range pr.pass.APIs {
		a := &pr.pass.APIs[i]
		if a.API == c.API && a.Script == c.Script && a.Detail == c.Detail {
			if c.Count > a.Count {
				a.Count = c.Count
			}
			return
		}
	}
	pr.pass.APIs = append(pr.pass.APIs, c)
}

func (pr *passRun) addStorage(k StorageKey) {
	for _, x := range pr.pass.Storage {
		if x == k {
			return
		}
	}
	pr.pass.Storage = append(pr.pass.Storage, k)
}

// finish judges the captured requests and reads the cookies.
func (pr *passRun) finish() {
	reqs, dropped := pr.cap.snapshot()
	pr.pass.Dropped = dropped
	debugf("%s %s: %d requests, %d resume errors (%s), %.1fs", pr.home, pr.name, len(reqs), pr.cap.resumeErrs, pr.cap.lastErr, time.Since(pr.cap.start).Seconds())
	pageURL := pr.pass.FinalURL
	if pageURL == "" {
		pageURL = pr.home
	}
	hosts := map[string]*TrackerHost{}
	byBehaviour := pr.behaviourHosts(reqs)
	for i, c := range reqs {
		r := pr.judge(c, pageURL)
		if b, ok := byBehaviour[r.Host]; ok && r.Category == "none" && r.ThirdParty {
			r.Category, r.Rule = b[0], b[1]
		}
		if pr.choice >= 0 && i >= pr.choice {
			r.Phase = "after-choice"
		}
		pr.pass.Requests = append(pr.pass.Requests, r)
		if isTracker(r.Category) {
			h := hosts[r.Host]
			if h == nil {
				h = &TrackerHost{Host: r.Host, Category: r.Category, Vendor: r.Vendor}
				hosts[r.Host] = h
			}
			h.Requests++
		}
		if cm, ok := consentModeOf(r.URL, c.postData); ok {
			pr.pass.ConsentMode = append(pr.pass.ConsentMode, cm)
		}
	}
	for _, h := range hosts {
		pr.pass.TrackerHosts = append(pr.pass.TrackerHosts, *h)
	}
	sort.Slice(pr.pass.TrackerHosts, func(i, j int) bool { return pr.pass.TrackerHosts[i].Host < pr.pass.TrackerHosts[j].Host })
	pr.readCookies()
	sort.Slice(pr.pass.APIs, func(i, j int) bool {
		a, b := pr.pass.APIs[i], pr.pass.APIs[j]
		if a.API != b.API {
			return a.API < b.API
		}
		return a.Script+a.Detail < b.Script+b.Detail
	})
	sort.Slice(pr.pass.Storage, func(i, j int) bool {
		a, b := pr.pass.Storage[i], pr.pass.Storage[j]
		return a.Kind+a.Key < b.Kind+b.Key
	})
}

// behaviourHosts classifies third-party hosts the lists do not know by
// what their scripts did in the page: a host whose script read back a
// canvas, measured fonts or probed WebGL/audio is fingerprinting; a host
// that received typed text is session-replay. Value: category, rule.
func (pr *passRun) behaviourHosts(reqs []capturedRequest) map[string][2]string {
	out := map[string][2]string{}
	for _, a := range pr.pass.APIs {
		switch a.API {
		case "canvas-readback", "canvas-font", "webgl-params", "audio-context", "font-probe":
			if h := hostOf(a.Script); a.ThirdParty && h != "" {
				out[h] = [2]string{"fingerprinting", "behaviour " + a.API + " by " + a.Script}
			}
		}
	}
	for _, c := range reqs {
		if strings.Contains(c.url, keyMarker) || strings.Contains(c.postData, keyMarker) {
			if h := hostOf(c.url); h != "" && site.ThirdParty(h, hostOf(pr.home)) {
				if _, ok := out[h]; !ok {
					out[h] = [2]string{"session-replay", "behaviour typed text sent before submit"}
				}
			}
		}
	}
	return out
}

// judge classifies one request with the core.
func (pr *passRun) judge(c capturedRequest, pageURL string) Request {
	r := Request{At: float64(c.at.Microseconds()) / 1000, URL: c.url, Host: hostOf(c.url), Method: c.method,
		Type: strings.ToLower(string(c.typ)), Frame: c.frame, Page: pageURL, Phase: "before-choice", Category: "none"}
	r.ThirdParty = r.Host != "" && site.ThirdParty(r.Host, hostOf(pageURL))
	r.Beacon = r.Type == "ping"
	r.KeyLogged = strings.Contains(c.url, keyMarker) || strings.Contains(c.postData, keyMarker)
	if pr.s.Engine == nil || !isHTTP(c.url) {
		return r
	}
	d := pr.s.Engine.Classify(c.url, pageURL, filterType(r.Type, r.Host == hostOf(pageURL)))
	r.Category = d.Category.String()
	r.Vendor = d.Vendor
	r.Rule = d.Rule
	return r
}

// filterType maps a CDP resource type to the core's.
func filterType(t string, topHost bool) filter.Type {
	if t == "document" {
		if topHost {
			return filter.TypeDocument
		}
		return filter.TypeSubdocument
	}
	if ft, ok := filter.ParseType(t); ok {
		return ft
	}
	return filter.TypeOther
}

// IsTracker tells the categories that need consent: all but none,
// necessary, functional and consent (the CMP itself).
func IsTracker(cat string) bool { return isTracker(cat) }

func isTracker(cat string) bool {
	c, err := consent.ParseCategory(cat)
	if err != nil {
		return false
	}
	switch c {
	case consent.None, consent.Necessary, consent.Functional, consent.Consent:
		return false
	}
	return true
}

// readCookies reads every cookie of the profile, partitioned ones included.
func (pr *passRun) readCookies() {
	res, err := chromedp.CallBrowser(pr.ctx, storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		return
	}
	top := hostOf(pr.pass.FinalURL)
	if top == "" {
		top = hostOf(pr.home)
	}
	for _, c := range res.Cookies {
		d := strings.TrimPrefix(c.Domain, ".")
		k := Cookie{Name: c.Name, Domain: c.Domain, Value: clip(c.Value, 200), ThirdParty: site.ThirdParty(d, top), Partitioned: c.PartitionKey != nil, Expires: !c.Session, Category: "none"}
		if pr.s.Engine != nil {
			m := pr.s.Engine.Cookie(c.Name, d)
			k.Category = m.Category.String()
			k.Vendor = m.Vendor
		}
		if c.Name == "OptanonConsent" {
			if v := otGPC(c.Value); v != nil {
				pr.pass.Signals.OneTrustGPC = v
			}
		}
		pr.pass.Cookies = append(pr.pass.Cookies, k)
	}
	sort.Slice(pr.pass.Cookies, func(i, j int) bool {
		a, b := pr.pass.Cookies[i], pr.pass.Cookies[j]
		return a.Domain+"\x00"+a.Name < b.Domain+"\x00"+b.Name
	})
}

// otGPC reads isGpcEnabled from a OneTrust OptanonConsent cookie value.
func otGPC(v string) *bool {
	if !strings.Contains(v, "=") {
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
	}
	q, err := url.ParseQuery(v)
	if err != nil || q.Get("isGpcEnabled") == "" {
		return nil
	}
	b := q.Get("isGpcEnabled") == "1"
	return &b
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// innerPages returns up to n same-site links of a page, in page order.
func innerPages(html, base string, n int) []string {
	b, err := url.Parse(base)
	if err != nil || n <= 0 {
		return nil
	}
	var out []string
	seen := map[string]bool{b.String(): true}
	rest := html
	for len(out) < n {
		i := strings.Index(rest, "href=")
		if i < 0 {
			break
		}
		rest = rest[i+5:]
		if rest == "" {
			break
		}
		q := rest[0]
		var raw string
		if q == '"' || q == '\'' {
			j := strings.IndexByte(rest[1:], q)
			if j < 0 {
				break
			}
			raw = rest[1 : 1+j]
		} else {
			continue
		}
		u, err := b.Parse(strings.TrimSpace(raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || site.ThirdParty(u.Hostname(), b.Hostname()) {
			continue
		}
		u.Fragment = ""
		if seen[u.String()] {
			continue
		}
		seen[u.String()] = true
		out = append(out, u.String())
	}
	return out
}

// debugf logs to stderr when CONSENTGUARD_AUDIT_DEBUG is set.
func debugf(format string, args ...any) {
	if os.Getenv("CONSENTGUARD_AUDIT_DEBUG") != "" {
		fmt.Fprintf(os.Stderr, "audit debug: "+format+"\n", args...)
	}
}
