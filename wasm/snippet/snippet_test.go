package snippet

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/consent"
)

// loadList reads the project's policylists/snippets.txt.
func loadList(t testing.TB) *Set {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("go.mod not found")
		}
		dir = up
	}
	name := filepath.Join(dir, "policylists", "snippets.txt")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	s, errs := Parse("snippets.txt", data)
	for _, e := range errs {
		t.Errorf("list error: %v", e)
	}
	return s
}

// Real install snippets as vendors publish them (IDs replaced).
var realSnippets = []struct {
	name, script, vendor string
	cat                  consent.Category
}{
	{"gtag", `window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-XXXXXXX');`, "google-analytics", consent.Analytics},
	{"gtm", `(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-XXXX');`, "google-tag-manager", consent.TagManager},
	{"meta", `!function(f,b,e,v,n,t,s)
{if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};
if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}(window, document,'script',
'https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '123456789');
fbq('track', 'PageView');`, "meta", consent.Advertising},
	{"tiktok", `!function (w, d, t) {
  w.TiktokAnalyticsObject=t;var ttq=w[t]=w[t]||[];ttq.methods=["page","track"];
  ttq.load=function(e,n){var r="https://analytics.tiktok.com/i18n/pixel/events.js"};
  ttq.load('CXXXX');
  ttq.page();
}(window, document, 'ttq');`, "tiktok", consent.Advertising},
	{"linkedin", `_linkedin_partner_id = "123456";
window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || [];
window._linkedin_data_partner_ids.push(_linkedin_partner_id);`, "linkedin", consent.Advertising},
	{"hotjar", `(function(h,o,t,j,a,r){
        h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};
        h._hjSettings={hjid:1234,hjsv:6};
        a=o.getElementsByTagName('head')[0];
        r=o.createElement('script');r.async=1;
        r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;
        a.appendChild(r);
    })(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');`, "hotjar", consent.SessionReplay},
	{"clarity", `(function(c,l,a,r,i,t,y){
        c[a]=c[a]||function(){(c[a].q=c[a].q||[]).push(arguments)};
        t=l.createElement(r);t.async=1;t.src="https://www.clarity.ms/tag/"+i;
        y=l.getElementsByTagName(r)[0];y.parentNode.insertBefore(t,y);
    })(window, document, "clarity", "script", "abcdef");`, "microsoft-clarity", consent.SessionReplay},
	{"hubspot", `var _hsq = window._hsq = window._hsq || [];
_hsq.push(['setPath', '/home']);`, "hubspot", consent.Advertising},
	{"segment", `!function(){var analytics=window.analytics=window.analytics||[];analytics.SNIPPET_VERSION="4.15.3";analytics.load("KEY");analytics.page();}();`, "segment", consent.Analytics},
	{"bing", `(function(w,d,t,r,u){var f,n,i;w[u]=w[u]||[],f=function(){var o={ti:"123"};o.q=w[u],w[u]=new UET(o),w[u].push("pageLoad")},n=d.createElement(t),n.src=r;})(window,document,"script","//bat.bing.com/bat.js","uetq");`, "microsoft-ads", consent.Advertising},
	{"pinterest", `!function(e){if(!window.pintrk){window.pintrk=function(){}}}("https://s.pinimg.com/ct/core.js");
pintrk('load', '2612345', {em: '<user_email_address>'});
pintrk('page');`, "pinterest", consent.Advertising},
	{"snap", `(function(e,t,n){if(e.snaptr)return;})(window,document,'https://sc-static.net/scevent.min.js');
snaptr('init', 'abc', {});`, "snap", consent.Advertising},
	{"twitter", `!function(e,t,n,s,u,a){}(window,document,'script');twq('config','o1234');`, "x", consent.Advertising},
	{"reddit", `!function(w,d){if(!w.rdt){var p=w.rdt=function(){};var t=d.createElement("script");t.src="https://www.redditstatic.com/ads/pixel.js"}}(window,document);rdt('init','t2_abc');rdt('track', 'PageVisit');`, "reddit", consent.Advertising},
	{"matomo", `var _paq = window._paq = window._paq || [];
  _paq.push(['trackPageView']);
  _paq.push(['enableLinkTracking']);`, "matomo", consent.Analytics},
	{"mixpanel", `(function(f,b){if(!b.__SV){var e,g,i,h;window.mixpanel=b;b._i=[];}})(document,window.mixpanel||[]);
mixpanel.init("YOUR_TOKEN");`, "mixpanel", consent.Analytics},
	{"amplitude", `amplitude.init('API_KEY', {defaultTracking: true});`, "amplitude", consent.Analytics},
	{"heap", `window.heap=window.heap||[],heap.load=function(e,t){window.heap.appid=e};heap.load("123");`, "heap", consent.Analytics},
	{"fullstory", `window['_fs_host'] = 'fullstory.com';
window['_fs_script'] = 'edge.fullstory.com/s/fs.js';
window['_fs_org'] = 'o-123';`, "fullstory", consent.SessionReplay},
	{"criteo", `window.criteo_q = window.criteo_q || [];
window.criteo_q.push(
 { event: "setAccount", account: 12345 });`, "criteo", consent.Advertising},
	{"taboola", `window._tfa = window._tfa || [];
  window._tfa.push({notify: 'event', name: 'page_view', id: 123});
  !function (t, f, a, x) {}(document.createElement('script'), document.getElementsByTagName('script')[0], '//cdn.taboola.com/libtrc/unip/123/tfa.js', 'tb_tfa_script');`, "taboola", consent.Advertising},
	{"outbrain", `!function(_window, _document) {var OB_ADV_ID = '00abc';}(window, document);`, "outbrain", consent.Advertising},
	{"adobe", `_satellite.pageBottom();`, "adobe-launch", consent.TagManager},
	{"google-ads", `gtag('config', 'AW-123456789');`, "google-ads", consent.Advertising},
	{"ua", `ga('create', 'UA-XXXXX-Y', 'auto');`, "google-analytics", consent.Analytics},
	{"onetrust", `function OptanonWrapper() { }`, "onetrust", consent.Consent},
	{"consent-mode", `gtag('consent', 'default', {'ad_storage': 'denied'});`, "google-consent-mode", consent.Consent},
}

func TestRealSnippets(t *testing.T) {
	s := loadList(t)
	for _, tc := range realSnippets {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := s.Find([]byte(tc.script), func(m Match) bool { return m.Vendor == tc.vendor })
			if !ok {
				first, _ := s.Match([]byte(tc.script))
				t.Fatalf("no %s signature found (first match %+v)", tc.vendor, first)
			}
			if m.Category != tc.cat {
				t.Errorf("category %v, want %v", m.Category, tc.cat)
			}
			if !strings.HasPrefix(tc.script[m.Offset:], strings.TrimPrefix(m.Signature, "re:")) && !strings.HasPrefix(m.Signature, "re:") {
				t.Errorf("offset %d does not point at %q", m.Offset, m.Signature)
			}
		})
	}
}

func TestCleanScripts(t *testing.T) {
	s := loadList(t)
	for _, script := range []string{
		``,
		`document.addEventListener('DOMContentLoaded', function(){ menu.init(); });`,
		`{"@context":"https://schema.org","@type":"Organization","name":"Example"}`,
		`var analytics = {enabled:false}; function ga4(){}`,
		`window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}`,
	} {
		if m, ok := s.Match([]byte(script)); ok {
			t.Errorf("%q matched %+v", script, m)
		}
	}
}

func TestVendorsCovered(t *testing.T) {
	s := loadList(t)
	have := map[string]bool{}
	for _, v := range s.Vendors() {
		have[v] = true
	}
	for _, v := range []string{"google-analytics", "google-tag-manager", "meta", "tiktok", "linkedin", "hotjar",
		"microsoft-clarity", "hubspot", "segment", "microsoft-ads", "pinterest", "snap", "x", "reddit", "matomo",
		"mixpanel", "amplitude", "heap", "fullstory", "criteo", "taboola", "outbrain", "adobe-launch"} {
		if !have[v] {
			t.Errorf("vendor %s has no signature", v)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ line, field string }{
		{"a | analytics | abcd", "line"},
		{"Bad_Vendor | analytics | abcd | src", "vendor"},
		{"v | nonsense | abcd | src", "category"},
		{"v | analytics | ab | src", "signature"},
		{"v | analytics | re:(x | src", "signature"},
		{"v | analytics | re:\\bab | src", "signature"},
		{"v | analytics | re:(?i)abcd | src", "signature"},
		{"v | analytics | abcd | ", "source"},
	} {
		s, errs := Parse("t.txt", []byte("# head\n\nok | analytics | good-sig | src\n"+tc.line+"\n"))
		if len(errs) != 1 {
			t.Errorf("%q: %d errors %v", tc.line, len(errs), errs)
			continue
		}
		var e *Error
		if !errors.As(errs[0], &e) || e.Field != tc.field || e.Line != 4 || e.File != "t.txt" {
			t.Errorf("%q: error %v, want field %s line 4", tc.line, errs[0], tc.field)
		}
		if s.Len() != 1 {
			t.Errorf("%q: good line lost", tc.line)
		}
	}
}

func TestLeftmost(t *testing.T) {
	s, errs := Parse("t", []byte("a | analytics | xyz1 | s\nb | advertising | re:xyz\\d | s\nc | social | 12xyz | s\n"))
	if errs != nil {
		t.Fatal(errs)
	}
	m, ok := s.Match([]byte("..12xyz1"))
	if !ok || m.Vendor != "c" || m.Offset != 2 {
		t.Errorf("got %+v", m)
	}
	m, ok = s.Match([]byte("..xyz1"))
	if !ok || m.Vendor != "a" || m.Offset != 2 {
		t.Errorf("tie: got %+v, want first listed", m)
	}
	m, ok = s.Find([]byte("..xyz1"), func(m Match) bool { return m.Category == consent.Advertising })
	if !ok || m.Vendor != "b" {
		t.Errorf("pred: got %+v", m)
	}
}

func TestMatchAllocs(t *testing.T) {
	s := loadList(t)
	script := []byte(realSnippets[2].script + strings.Repeat(" var x = document.body; ", 40))
	clean := []byte(strings.Repeat("function f(a){return a+1} ", 50))
	pred := func(m Match) bool { return m.Category != consent.Consent }
	if n := testing.AllocsPerRun(200, func() {
		s.Match(script)
		s.Match(clean)
		s.Find(script, pred)
	}); n != 0 {
		t.Errorf("%v allocs per run, want 0", n)
	}
}

// naive is the reference: every signature searched on its own.
func naive(s *Set, b []byte) (Match, bool) {
	best, bi, found := -1, -1, false
	for i, g := range s.sigs {
		var at int
		if g.re != nil {
			loc := regexpUnanchored(g).FindIndex(b)
			if loc == nil {
				continue
			}
			at = loc[0]
		} else {
			at = bytes.Index(b, g.lit)
			if at < 0 {
				continue
			}
		}
		if !found || at < best || at == best && i < bi {
			best, bi, found = at, i, true
		}
	}
	if !found {
		return Match{}, false
	}
	m := s.sigs[bi].Match
	m.Offset = best
	return m, true
}
