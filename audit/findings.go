package audit

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/consentguard/consentguard/wasm/policy"
)

// Finding ids.
const (
	FindTrackersBeforeConsent = "trackers-before-consent"
	FindTrackersAfterReject   = "trackers-after-reject"
	FindGPCIgnored            = "gpc-ignored"
	FindDNTClaimed            = "dnt-claimed-but-tracks"
	FindUndisclosedAnalytics  = "analytics-vendor-undisclosed"
	FindImpliedConsent        = "implied-consent-banner"
	FindConsentModeMismatch   = "consent-mode-mismatch"
	FindThirdPartyCookies     = "third-party-cookies-before-consent"
	FindKeyLogging            = "key-logging"
	FindSessionRecording      = "session-recording"
	FindCanvasFingerprint     = "canvas-fingerprinting"
	FindCanvasFont            = "canvas-font-fingerprinting"
	FindOtherFingerprint      = "other-fingerprinting"
	FindPixel                 = "pixel"
	FindGARemarketing         = "ga-remarketing"
	FindBehaviourListeners    = "behavioural-event-listeners"
	FindNoBanner              = "no-consent-banner"
)

// sessionRecorders are vendor ids of session-replay services.
var sessionRecorders = []string{"hotjar", "microsoft-clarity", "clarity", "fullstory", "mouseflow", "smartlook", "logrocket", "yandex-metrica", "contentsquare", "quantum-metric", "inspectlet", "lucky-orange", "crazy-egg"}

// Findings derives the findings of a site report from its passes and
// policy claims. Pure: tested without a browser.
func Findings(r *SiteReport) []Finding {
	var out []Finding
	add := func(f Finding) {
		if len(f.Evidence) > 20 {
			f.Evidence = append(f.Evidence[:20], fmt.Sprintf("... and %d more", len(f.Evidence)-20))
		}
		out = append(out, f)
	}
	var claims *policy.Claims
	if r.Policy != nil {
		claims = &r.Policy.Claims
	}
	for i := range r.Passes {
		p := &r.Passes[i]
		switch p.Name {
		case PassFirst:
			if ev := trackerEvidence(p, "before-choice"); len(ev) > 0 {
				add(Finding{ID: FindTrackersBeforeConsent, Severity: SevHigh, Pass: p.Name, Title: "Trackers load before any consent", Evidence: ev})
			}
			if ev := thirdPartyCookies(p); len(ev) > 0 {
				add(Finding{ID: FindThirdPartyCookies, Severity: SevMedium, Pass: p.Name, Title: "Third-party tracking cookies set before any consent", Evidence: ev})
			}
			behaviour(p, add)
		case PassGPC:
			gpcChecks(r, p, claims, add)
		case PassReject:
			if p.Banner == nil {
				if ev := trackerEvidence(&r.Passes[0], "before-choice"); len(ev) > 0 && r.Passes[0].Name == PassFirst {
					add(Finding{ID: FindNoBanner, Severity: SevMedium, Pass: p.Name, Title: "Trackers load and no consent banner with a reject option was found", Evidence: []string{"no OneTrust, Cookiebot, Didomi, Usercentrics, TCF or generic reject button detected"}})
				}
				break
			}
			if p.Banner.Clicked != "" {
				if ev := trackerEvidence(p, "after-choice"); len(ev) > 0 {
					add(Finding{ID: FindTrackersAfterReject, Severity: SevHigh, Pass: p.Name, Title: "Trackers load after \"reject all\"", Evidence: append([]string{fmt.Sprintf("clicked %q on the %s banner, then reloaded", p.Banner.Clicked, p.Banner.CMP)}, ev...)})
				}
			}
			if p.Banner.ImpliedConsent {
				add(Finding{ID: FindImpliedConsent, Severity: SevMedium, Pass: p.Name, Title: "The banner takes continued browsing as consent", Evidence: []string{"banner: " + clip(p.Banner.Text, 300)}})
			}
		}
		consentModeChecks(p, add)
	}
	if claims != nil {
		policyChecks(r, claims, add)
	}
	sort.SliceStable(out, func(i, j int) bool { return sevRank(out[i].Severity) > sevRank(out[j].Severity) })
	if out == nil {
		out = []Finding{}
	}
	return out
}

func sevRank(s string) int {
	switch s {
	case SevHigh:
		return 3
	case SevMedium:
		return 2
	case SevLow:
		return 1
	}
	return 0
}

// SevRank orders severities: info 0 .. high 3; -1 for an unknown name.
func SevRank(s string) int {
	if s != SevInfo && sevRank(s) == 0 {
		return -1
	}
	return sevRank(s)
}

// trackerEvidence lists the tracker hosts of a pass phase.
func trackerEvidence(p *Pass, phase string) []string {
	seen := map[string]bool{}
	var ev []string
	for _, q := range p.Requests {
		if q.Phase != phase || !isTracker(q.Category) || seen[q.Host] {
			continue
		}
		seen[q.Host] = true
		ev = append(ev, fmt.Sprintf("%s (%s, %s): %s", q.Host, q.Category, vendorOr(q.Vendor), clip(q.URL, 160)))
	}
	return ev
}

func vendorOr(v string) string {
	if v == "" {
		return "unknown vendor"
	}
	return v
}

func thirdPartyCookies(p *Pass) []string {
	var ev []string
	for _, c := range p.Cookies {
		if c.ThirdParty && (isTracker(c.Category) || c.Category == "none") {
			ev = append(ev, fmt.Sprintf("%s on %s (%s)", c.Name, c.Domain, c.Category))
		}
	}
	return ev
}

var adIDRe = regexp.MustCompile(`(?i)\b(UA-\d+-\d+|G-[A-Z0-9]{4,}|AW-\d+)\b`)

// behaviour: Blacklight's tests on the first visit.
func behaviour(p *Pass, add func(Finding)) {
	var keylog, pixels, remarketing []string
	pixelSeen := map[string]bool{}
	for _, q := range p.Requests {
		if q.KeyLogged {
			keylog = append(keylog, "typed text sent to "+q.Host+": "+clip(q.URL, 160))
		}
		if name := pixelOf(q.URL); name != "" && !pixelSeen[name] {
			pixelSeen[name] = true
			pixels = append(pixels, name+": "+clip(q.URL, 160))
		}
		if q.Host == "stats.g.doubleclick.net" {
			ids := adIDRe.FindAllString(decoded(q.URL), -1)
			remarketing = append(remarketing, fmt.Sprintf("%s ids %v", clip(q.URL, 160), ids))
		}
	}
	if len(keylog) > 0 {
		add(Finding{ID: FindKeyLogging, Severity: SevHigh, Pass: p.Name, Title: "Text typed into the page is sent before submit (key logging)", Evidence: keylog})
	}
	if len(pixels) > 0 {
		add(Finding{ID: FindPixel, Severity: SevMedium, Pass: p.Name, Title: "Advertising pixels fire on the first visit", Evidence: pixels})
	}
	if len(remarketing) > 0 {
		add(Finding{ID: FindGARemarketing, Severity: SevMedium, Pass: p.Name, Title: "Google Analytics remarketing (stats.g.doubleclick.net)", Evidence: remarketing})
	}
	apiFindings(p, add)
}

func decoded(u string) string {
	if d, err := url.QueryUnescape(u); err == nil {
		return d
	}
	return u
}

// pixelOf names Meta, TikTok and X pixels.
func pixelOf(raw string) string {
	h, path := hostOf(raw), ""
	if u, err := url.Parse(raw); err == nil {
		path = u.Path
	}
	switch {
	case h == "www.facebook.com" && strings.HasPrefix(path, "/tr"), h == "connect.facebook.net" && strings.Contains(path, "fbevents"):
		return "Meta pixel"
	case h == "analytics.tiktok.com":
		return "TikTok pixel"
	case h == "static.ads-twitter.com", h == "analytics.twitter.com", h == "t.co" && strings.HasPrefix(path, "/i/adsct"), h == "ads-twitter.com":
		return "X pixel"
	}
	return ""
}

func apiFindings(p *Pass, add func(Finding)) {
	by := map[string][]string{}
	listeners := map[string]map[string]bool{}
	for _, a := range p.APIs {
		ev := fmt.Sprintf("%s by %s (%s, %d calls)", a.API, a.Script, a.Detail, a.Count)
		switch a.API {
		case "canvas-readback":
			by[FindCanvasFingerprint] = append(by[FindCanvasFingerprint], ev)
		case "canvas-font":
			by[FindCanvasFont] = append(by[FindCanvasFont], ev)
		case "webgl-params", "audio-context", "font-probe":
			by[FindOtherFingerprint] = append(by[FindOtherFingerprint], ev)
		case "key-listener", "input-listener", "mouse-listener":
			if a.ThirdParty {
				if listeners[a.Script] == nil {
					listeners[a.Script] = map[string]bool{}
				}
				listeners[a.Script][a.API] = true
				by[FindBehaviourListeners] = append(by[FindBehaviourListeners], ev)
			}
		}
	}
	titles := map[string]string{
		FindCanvasFingerprint:  "Canvas fingerprinting (canvas drawn and read back)",
		FindCanvasFont:         "Canvas font fingerprinting (text measured in many fonts)",
		FindOtherFingerprint:   "Fingerprinting APIs used (WebGL parameters, AudioContext, font probing)",
		FindBehaviourListeners: "Third-party scripts listen to keyboard, input or mouse events",
	}
	for _, id := range []string{FindCanvasFingerprint, FindCanvasFont, FindOtherFingerprint, FindBehaviourListeners} {
		if ev := by[id]; len(ev) > 0 {
			sev := SevMedium
			if id == FindBehaviourListeners {
				sev = SevLow
			}
			add(Finding{ID: id, Severity: sev, Pass: p.Name, Title: titles[id], Evidence: ev})
		}
	}
	var rec []string
	for _, h := range p.TrackerHosts {
		if h.Category == "session-replay" || slices.Contains(sessionRecorders, h.Vendor) {
			rec = append(rec, fmt.Sprintf("session-replay service contacted: %s (%s)", h.Host, vendorOr(h.Vendor)))
		}
	}
	for s, kinds := range listeners {
		if kinds["key-listener"] && kinds["mouse-listener"] {
			rec = append(rec, "third-party script listens to keys and mouse: "+s)
		}
	}
	sort.Strings(rec)
	if len(rec) > 0 {
		add(Finding{ID: FindSessionRecording, Severity: SevHigh, Pass: p.Name, Title: "Session recording", Evidence: rec})
	}
}

// gpcChecks: trackers under GPC (and DNT, sent in the same pass).
func gpcChecks(r *SiteReport, p *Pass, claims *policy.Claims, add func(Finding)) {
	var ads []string
	for _, q := range p.Requests {
		if q.Category == "advertising" || q.Category == "social" || q.Category == "session-replay" || q.Category == "fingerprinting" {
			ads = append(ads, fmt.Sprintf("%s (%s, %s)", q.Host, q.Category, vendorOr(q.Vendor)))
		}
	}
	ads = uniq(ads)
	if len(ads) > 0 {
		sev, why := SevMedium, "Sec-GPC: 1 sent and navigator.globalPrivacyControl true"
		switch {
		case claims != nil && claims.GPC == policy.Honored:
			sev, why = SevHigh, why+"; the policy says GPC is honored: "+claims.Evidence["gpc"]
		case r.Signals.GPCJSONGPC != nil && *r.Signals.GPCJSONGPC:
			sev, why = SevHigh, why+"; /.well-known/gpc.json declares gpc: true"
		}
		add(Finding{ID: FindGPCIgnored, Severity: sev, Pass: p.Name, Title: "Advertising and cross-site trackers load under Global Privacy Control", Evidence: append([]string{why}, ads...)})
	}
	if claims != nil && claims.DNT == policy.Honored {
		if ev := trackerEvidence(p, "before-choice"); len(ev) > 0 {
			add(Finding{ID: FindDNTClaimed, Severity: SevHigh, Pass: p.Name, Title: "The policy says Do Not Track is honored, but trackers load with DNT: 1", Evidence: append([]string{"policy: " + claims.Evidence["dnt"]}, ev...)})
		}
	}
}

func uniq(s []string) []string {
	sort.Strings(s)
	return slices.Compact(s)
}

// consentModeChecks compares Google Consent Mode states with the pass's
// choice: nothing may be granted before consent, under GPC or after reject.
func consentModeChecks(p *Pass, add func(Finding)) {
	if p.Name == PassAccept {
		return
	}
	var ev []string
	for _, c := range p.ConsentMode {
		if c.Granted() {
			ev = append(ev, fmt.Sprintf("gcs=%s gcd=%s (ad_storage %s, analytics_storage %s) on %s", c.GCS, c.GCD, orUnset(c.AdStorage), orUnset(c.AnalyticsStorage), clip(c.URL, 120)))
		}
	}
	if len(ev) > 0 {
		add(Finding{ID: FindConsentModeMismatch, Severity: SevHigh, Pass: p.Name, Title: "Google Consent Mode reports consent granted that the visitor did not give", Evidence: uniq(ev)})
	}
}

func orUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return s
}

// policyChecks: analytics vendors observed but not disclosed; implied
// consent stated in the policy.
func policyChecks(r *SiteReport, c *policy.Claims, add func(Finding)) {
	named := map[string]bool{}
	for _, v := range c.AnalyticsVendors {
		named[v] = true
	}
	for _, v := range c.OtherVendors {
		named[v] = true
	}
	hosts := map[string][]string{}
	var vendors []string
	for _, t := range r.Trackers {
		if t.Vendor == "" || named[t.Vendor] || (t.Category != "analytics" && t.Category != "session-replay") {
			continue
		}
		if hosts[t.Vendor] == nil {
			vendors = append(vendors, t.Vendor)
		}
		hosts[t.Vendor] = append(hosts[t.Vendor], t.Host)
	}
	var ev []string
	for _, v := range vendors {
		ev = append(ev, fmt.Sprintf("%s seen on %s; the policy names %v", v, strings.Join(hosts[v], ", "), c.AnalyticsVendors))
	}
	if ev = uniq(ev); len(ev) > 0 {
		add(Finding{ID: FindUndisclosedAnalytics, Severity: SevMedium, Title: "Analytics vendors observed but not named in the privacy policy", Evidence: append([]string{"policy: " + r.Policy.URL}, ev...)})
	}
	if c.ImpliedConsent == policy.Yes {
		add(Finding{ID: FindImpliedConsent, Severity: SevMedium, Title: "The policy takes continued use as consent", Evidence: []string{"policy: " + c.Evidence["implied_consent"]}})
	}
}
