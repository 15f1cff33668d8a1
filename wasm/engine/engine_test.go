package engine_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"

	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/filter"
)

func defaultEngine(t testing.TB) *engine.Engine {
	t.Helper()
	e, err := policylists.Default()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

const page = "https://news.example/article"

func TestDecide(t *testing.T) {
	e := defaultEngine(t)
	none := consent.State{}
	analytics := consent.State{Granted: consent.SetOf(consent.Analytics), Recorded: true}
	all := consent.State{Granted: consent.All, Recorded: true}
	gpc := consent.State{Granted: consent.All, GPC: true, Recorded: true}
	tests := []struct {
		name     string
		url      string
		typ      filter.Type
		st       consent.State
		action   engine.Action
		category consent.Category
		vendor   string
	}{
		{"GA4 collect, no consent", "https://www.google-analytics.com/g/collect?v=2&tid=G-1", filter.TypePing, none, engine.Block, consent.Analytics, "google-analytics"},
		{"GA4 collect, analytics granted", "https://www.google-analytics.com/g/collect?v=2&tid=G-1", filter.TypePing, analytics, engine.Allow, consent.Analytics, "google-analytics"},
		{"first-party proxied GA4", "https://news.example/g/collect?v=2&tid=G-XYZ&en=page_view", filter.TypePing, none, engine.Block, consent.Analytics, "google-analytics"},
		{"Meta pixel, analytics only", "https://connect.facebook.net/en_US/fbevents.js", filter.TypeScript, analytics, engine.Block, consent.Advertising, ""},
		{"Meta pixel, all granted", "https://connect.facebook.net/en_US/fbevents.js", filter.TypeScript, all, engine.Allow, consent.Advertising, ""},
		{"Meta pixel under GPC", "https://connect.facebook.net/en_US/fbevents.js", filter.TypeScript, gpc, engine.Block, consent.Advertising, ""},
		{"first-party script", "https://news.example/app.js", filter.TypeScript, none, engine.Allow, consent.None, ""},
		{"CMP never blocked", "https://cdn.cookielaw.org/scripttemplates/otSDKStub.js", filter.TypeScript, gpc, engine.Allow, consent.Consent, ""},
		{"Hotjar is session replay", "https://static.hotjar.com/c/hotjar-1.js?sv=6", filter.TypeScript, analytics, engine.Block, consent.SessionReplay, ""},
		{"data URL", "data:image/png;base64,AA", filter.TypeImage, none, engine.Allow, consent.None, ""},
	}
	for _, tc := range tests {
		d := e.Decide(tc.url, page, tc.typ, tc.st)
		if d.Action != tc.action || d.Category != tc.category || (tc.vendor != "" && d.Vendor != tc.vendor) {
			t.Errorf("%s: got %v %v %q (%s; %s), want %v %v %q", tc.name, d.Action, d.Category, d.Vendor, d.Rule, d.Reason, tc.action, tc.category, tc.vendor)
		}
		if d.Reason == "" {
			t.Errorf("%s: no reason", tc.name)
		}
	}
}

func TestTrackerSiteItself(t *testing.T) {
	e := defaultEngine(t)
	// facebook.com's own page loading from facebook.com is the site, not a tracker on it.
	d := e.Decide("https://www.facebook.com/static/app.js", "https://www.facebook.com/", filter.TypeScript, consent.State{})
	if d.Action != engine.Allow {
		t.Errorf("first-party host of a tracker vendor blocked: %+v", d)
	}
}

func TestGPCReason(t *testing.T) {
	e := defaultEngine(t)
	d := e.Decide("https://connect.facebook.net/en_US/fbevents.js", page, filter.TypeScript, consent.State{Granted: consent.All, GPC: true})
	if !strings.Contains(d.Reason, "GPC") {
		t.Errorf("reason %q does not name GPC", d.Reason)
	}
}

func TestCookies(t *testing.T) {
	e := defaultEngine(t)
	tests := []struct {
		name, domain string
		cat          consent.Category
		action       engine.Action
	}{
		{"_ga", "news.example", consent.Analytics, engine.Block},
		{"_ga_ABC123", "news.example", consent.Analytics, engine.Block},
		{"_fbp", "news.example", consent.Advertising, engine.Block},
		{"__cf_bm", "news.example", consent.Necessary, engine.Allow},
		{"OptanonConsent", "news.example", consent.Consent, engine.Allow},
		{"my_own_pref", "news.example", consent.None, engine.Allow},
	}
	for _, tc := range tests {
		m, a, _ := e.DecideCookie(tc.name, tc.domain, consent.State{})
		if m.Category != tc.cat || a != tc.action {
			t.Errorf("%s: %v %v, want %v %v", tc.name, m.Category, a, tc.cat, tc.action)
		}
	}
}

// TestEasyPrivacy adds the real EasyPrivacy: trackers our catalog does not
// know are still blocked, with the list's category and the rule named.
func TestEasyPrivacy(t *testing.T) {
	list := filepath.Join(fixture.Shared(t), "data", "lists", "easyprivacy.txt")
	e, rep, err := policylists.Build(list)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rules < 10000 {
		t.Fatalf("only %d rules compiled from EasyPrivacy", rep.Rules)
	}
	d := e.Decide("https://some-unknown-host.example/piwik.js", page, filter.TypeScript, consent.State{})
	if d.Action != engine.Block {
		t.Errorf("piwik.js not blocked: %+v", d)
	}
	d = e.Decide("https://cdn.unknown-stats.example/js/beacon.min.js?x=1", "https://shop.example/", filter.TypeScript, consent.State{Granted: consent.SetOf(consent.Analytics)})
	if d.Category == consent.Analytics && d.Action != engine.Allow {
		t.Errorf("analytics granted but blocked: %+v", d)
	}
}

func TestDecideAllocs(t *testing.T) {
	e := defaultEngine(t)
	st := consent.State{}
	n := testing.AllocsPerRun(200, func() {
		e.Decide("https://news.example/static/app.js?v=3", page, filter.TypeScript, st)
	})
	if n != 0 {
		t.Errorf("Decide on a non-tracker allocates %v times, want 0", n)
	}
}

func BenchmarkDecide(b *testing.B) {
	e := defaultEngine(b)
	urls := []string{
		"https://www.google-analytics.com/g/collect?v=2&tid=G-1",
		"https://news.example/static/app.js?v=3",
		"https://connect.facebook.net/en_US/fbevents.js",
		"https://cdn.example.org/lib/jquery.min.js",
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e.Decide(urls[i&3], page, filter.TypeScript, consent.State{})
	}
}

// TestFrameContext: a known tracker is a tracker in any frame; about:,
// data: and unknown pages count as third party; blob: frames are their
// creator's site.
func TestFrameContext(t *testing.T) {
	e := defaultEngine(t)
	none := consent.State{}
	tests := []struct {
		name, url, page string
		typ             filter.Type
		third           bool
		action          engine.Action
		category        consent.Category
	}{
		{"ad script from about:blank", "https://pagead2.googlesyndication.com/pagead/show_ads.js", "about:blank", filter.TypeScript, true, engine.Block, consent.Advertising},
		{"ad script from about:srcdoc", "https://pagead2.googlesyndication.com/pagead/show_ads.js", "about:srcdoc", filter.TypeScript, true, engine.Block, consent.Advertising},
		{"ad script from data: frame", "https://pagead2.googlesyndication.com/pagead/show_ads.js", "data:text/html,<p>ad", filter.TypeScript, true, engine.Block, consent.Advertising},
		{"pixel in the ad server's own frame", "https://securepubads.g.doubleclick.net/pcs/view?xai=1", "https://securepubads.g.doubleclick.net/gampad/ads?iu=/1/x", filter.TypeImage, false, engine.Block, consent.Advertising},
		{"no page", "https://connect.facebook.net/en_US/fbevents.js", "", filter.TypeScript, true, engine.Block, consent.Advertising},
		{"blob: frame of the site", "https://news.example/app.js", "blob:https://news.example/6f1c-22", filter.TypeScript, false, engine.Allow, consent.None},
		{"blob: frame, tracker", "https://www.google-analytics.com/g/collect?v=2&tid=G-1", "BLOB:https://news.example/6f1c-22", filter.TypePing, true, engine.Block, consent.Analytics},
		{"top-level document without page", "https://news.example/", "", filter.TypeDocument, false, engine.Allow, consent.None},
	}
	for _, tc := range tests {
		d := e.Decide(tc.url, tc.page, tc.typ, none)
		if d.Action != tc.action || d.Category != tc.category || d.ThirdParty != tc.third {
			t.Errorf("%s: got %v %v third=%v (%s; %s), want %v %v third=%v", tc.name, d.Action, d.Category, d.ThirdParty, d.Rule, d.Reason, tc.action, tc.category, tc.third)
		}
		if c := e.Classify(tc.url, tc.page, tc.typ); c.Category != tc.category || c.ThirdParty != tc.third {
			t.Errorf("%s: Classify gave %v third=%v, want %v third=%v", tc.name, c.Category, c.ThirdParty, tc.category, tc.third)
		}
	}
}

func TestFrameContextURL(t *testing.T) {
	for in, want := range map[string]string{
		"about:blank": "", "About:srcdoc": "", "data:text/html,x": "", "": "",
		"blob:https://a.example/x": "https://a.example/x", "https://a.example/": "https://a.example/",
	} {
		if got := engine.FrameContext(in); got != want {
			t.Errorf("FrameContext(%q) = %q, want %q", in, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { engine.FrameContext("blob:https://a.example/x") }); n != 0 {
		t.Errorf("FrameContext allocates %v times", n)
	}
}
