package cookie

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

var ourOnce struct {
	sync.Once
	cat  *catalog.Catalog
	db   *DB
	errs []error
}

// ourList parses and compiles policylists/cookies.txt once.
func ourList(t testing.TB) (*catalog.Catalog, *DB, []error) {
	t.Helper()
	ourOnce.Do(func() {
		data, err := os.ReadFile(filepath.Join(fixture.Root(t), "policylists", "cookies.txt"))
		if err != nil {
			ourOnce.errs = []error{err}
			return
		}
		c, errs := catalog.Parse("cookies.txt", data)
		db, cerrs := Compile(c)
		ourOnce.cat, ourOnce.db, ourOnce.errs = c, db, append(errs, cerrs...)
	})
	if ourOnce.db == nil {
		t.Fatalf("cookies.txt: %v", ourOnce.errs)
	}
	return ourOnce.cat, ourOnce.db, ourOnce.errs
}

func TestCookiesList(t *testing.T) {
	c, db, errs := ourList(t)
	for _, e := range errs {
		t.Error(e)
	}
	n := c.Count(catalog.KindCookie)
	if n < 300 {
		t.Errorf("cookies.txt has %d cookie entries, want >= 300", n)
	}
	if db.Len() != n || db.Shadowed() != 0 {
		t.Errorf("compiled %d patterns (%d shadowed) from %d entries", db.Len(), db.Shadowed(), n)
	}
	perCat := map[consent.Category]int{}
	kinds := map[int]int{}
	for _, v := range c.Vendors {
		if len(v.Sources) == 0 {
			t.Errorf("vendor %s has no source", v.ID)
		}
		for _, e := range v.Entries {
			perCat[e.Category]++
			switch {
			case !strings.Contains(e.Value, "*"):
				kinds[kindExact]++
			case strings.IndexByte(e.Value, '*') == len(e.Value)-1:
				kinds[kindPrefix]++
			default:
				kinds[kindGlob]++
			}
		}
	}
	for _, cat := range consent.Categories() {
		if perCat[cat] == 0 {
			t.Errorf("no cookie of category %s", cat)
		}
	}
	if kinds[kindPrefix] == 0 || kinds[kindGlob] == 0 {
		t.Errorf("want exact, prefix and glob entries, got %v", kinds)
	}
	t.Logf("cookies.txt: %d vendors, %d entries (%d exact, %d prefix, %d glob), by category %v",
		len(c.Vendors), n, kinds[kindExact], kinds[kindPrefix], kinds[kindGlob], perCat)
}

// TestCookiesListFacts pins the classifications the issue and the vendors'
// documentation require.
func TestCookiesListFacts(t *testing.T) {
	_, db, _ := ourList(t)
	N, F, A, Ad, S, SR, TM, FP, C := consent.Necessary, consent.Functional, consent.Analytics,
		consent.Advertising, consent.Social, consent.SessionReplay, consent.TagManager,
		consent.Fingerprinting, consent.Consent
	tests := []struct {
		name, domain string
		cat          consent.Category
		vendor       string
	}{
		{"_ga", "example.com", A, "google-analytics"},
		{"_ga_ABC123XYZ", "example.com", A, "google-analytics"},
		{"_gid", "", A, "google-analytics"},
		{"_gat", "", A, "google-analytics"},
		{"_gat_UA-12345-1", "", A, "google-analytics"},
		{"__utma", "", A, "google-analytics"},
		{"__utmz", "", A, "google-analytics"},
		{"_gac_UA-12345-1", "", Ad, "google-analytics"},
		{"_gcl_au", "", Ad, "google-ads"},
		{"_gcl_aw", "", Ad, "google-ads"},
		{"_gcl_dc", "", Ad, "google-ads"},
		{"IDE", "doubleclick.net", Ad, "google-ads"},
		{"DSID", "doubleclick.net", Ad, "google-ads"},
		{"test_cookie", "doubleclick.net", Ad, "google-ads"},
		{"NID", "google.com", Ad, "google-ads"},
		{"1P_JAR", "www.google.com", Ad, "google-ads"},
		{"__gads", "", Ad, "google-adsense"},
		{"__gpi", "", Ad, "google-adsense"},
		{"__eoi", "", Ad, "google-adsense"},
		{"_fbp", "", Ad, "meta"},
		{"_fbc", "", Ad, "meta"},
		{"fr", "facebook.com", Ad, "meta"},
		{"datr", "facebook.com", N, "meta"},
		{"_ttp", "", Ad, "tiktok"},
		{"_tt_enable_cookie", "", Ad, "tiktok"},
		{"ttcsid_C123", "", Ad, "tiktok"},
		{"li_sugr", "", Ad, "linkedin"},
		{"bcookie", "linkedin.com", Ad, "linkedin"},
		{"lidc", "linkedin.com", Ad, "linkedin"},
		{"UserMatchHistory", "linkedin.com", Ad, "linkedin"},
		{"AnalyticsSyncHistory", "linkedin.com", A, "linkedin"},
		{"li_fat_id", "", Ad, "linkedin"},
		{"_guid", "", Ad, "linkedin"},
		{"personalization_id", "", Ad, "x"},
		{"guest_id", "", Ad, "x"},
		{"guest_id_ads", "", Ad, "x"},
		{"muc_ads", "", Ad, "x"},
		{"_pinterest_ct_ua", "", Ad, "pinterest"},
		{"_pin_unauth", "", Ad, "pinterest"},
		{"_epik", "", Ad, "pinterest"},
		{"_scid", "", Ad, "snap"},
		{"_sctr", "", Ad, "snap"},
		{"sc_at", "snapchat.com", Ad, "snap"},
		{"_rdt_uuid", "", Ad, "reddit"},
		{"_clck", "", SR, "microsoft-clarity"},
		{"_clsk", "", SR, "microsoft-clarity"},
		{"CLID", "www.clarity.ms", SR, "microsoft-clarity"},
		{"MUID", "clarity.ms", Ad, "microsoft-clarity"},
		{"MUID", "bing.com", Ad, "microsoft-ads"},
		{"ANONCHK", "c.clarity.ms", Ad, "microsoft-clarity"},
		{"SM", "c.clarity.ms", SR, "microsoft-clarity"},
		{"MR", "c.clarity.ms", Ad, "microsoft-clarity"},
		{"_uetsid", "", Ad, "microsoft-ads"},
		{"_uetvid", "", Ad, "microsoft-ads"},
		{"_uetmsclkid", "", Ad, "microsoft-ads"},
		{"_hjSessionUser_123456", "", SR, "hotjar"},
		{"_hjSession_123456", "", SR, "hotjar"},
		{"_hjid", "", SR, "hotjar"},
		{"_hjIncludedInSessionSample_123456", "", SR, "hotjar"},
		{"_hjAbsoluteSessionInProgress", "", SR, "hotjar"},
		{"_hjFirstSeen", "", SR, "hotjar"},
		{"_hjTLDTest", "", SR, "hotjar"},
		{"_hjSomethingNew", "", SR, "hotjar"},
		{"fs_uid", "", SR, "fullstory"},
		{"fs_lua", "", SR, "fullstory"},
		{"mf_user", "", SR, "mouseflow"},
		{"mf_0a1b2c3d-aaaa-bbbb-cccc-0123456789ab", "", SR, "mouseflow"},
		{"ajs_anonymous_id", "", A, "segment"},
		{"ajs_user_id", "", A, "segment"},
		{"AMP_a1b2c3d4e5", "", A, "amplitude"},
		{"amp_a1b2c3", "", A, "amplitude"},
		{"mp_0123456789abcdef_mixpanel", "", A, "mixpanel"},
		{"_hp2_id.123456", "", A, "heap"},
		{"_hp2_ses_props.123456", "", A, "heap"},
		{"__hstc", "", A, "hubspot"},
		{"hubspotutk", "", A, "hubspot"},
		{"__hssc", "", A, "hubspot"},
		{"__hssrc", "", A, "hubspot"},
		{"messagesUtk", "", F, "hubspot"},
		{"_mkto_trk", "", Ad, "marketo"},
		{"s_cc", "", A, "adobe-analytics"},
		{"s_sq", "", A, "adobe-analytics"},
		{"s_vi", "", A, "adobe-analytics"},
		{"s_fid", "", A, "adobe-analytics"},
		{"AMCV_1234567890ABCDEF@AdobeOrg", "", A, "adobe-experience-cloud"},
		{"AMCVS_1234567890ABCDEF@AdobeOrg", "", A, "adobe-experience-cloud"},
		{"mbox", "", A, "adobe-target"},
		{"demdex", "demdex.net", Ad, "adobe-audience-manager"},
		{"dpm", "dpm.demdex.net", Ad, "adobe-audience-manager"},
		{"cto_bundle", "", Ad, "criteo"},
		{"cto_bidid", "", Ad, "criteo"},
		{"cto_anything", "", Ad, "criteo"},
		{"t_gid", "", Ad, "taboola"},
		{"taboola_session_id", "", Ad, "taboola"},
		{"obuid", "", Ad, "outbrain"},
		{"__qca", "", Ad, "quantcast"},
		{"mc", "quantserve.com", Ad, "quantcast"},
		{"_ym_uid", "", A, "yandex-metrica"},
		{"_ym_d", "", A, "yandex-metrica"},
		{"_ym_visorc", "", SR, "yandex-metrica"},
		{"_pk_id.1.1fff", "", A, "matomo"},
		{"_pk_ses.1.1fff", "", A, "matomo"},
		{"intercom-id-abc123", "", F, "intercom"},
		{"intercom-session-abc123", "", F, "intercom"},
		{"driftt_aid", "", F, "drift"},
		{"__zlcmid", "", F, "zendesk"},
		{"optimizelyEndUserId", "", A, "optimizely"},
		{"_vwo_uuid_v2", "", A, "vwo"},
		{"_vis_opt_s", "", A, "vwo"},
		{"_vis_opt_exp_12_combi", "", A, "vwo"},
		{"ABTasty", "", A, "ab-tasty"},
		{"_ce.s", "", SR, "crazy-egg"},
		{"_lo_uid", "", SR, "lucky-orange"},
		{"SL_C_23361dd035530_SID", "", SR, "smartlook"},
		{"_lr_hb_-abc123%2Fapp", "", SR, "logrocket"},
		// necessary
		{"__cf_bm", "", N, "cloudflare"},
		{"cf_clearance", "", N, "cloudflare"},
		{"__cflb", "", N, "cloudflare"},
		{"_cfuvid", "", N, "cloudflare"},
		{"PHPSESSID", "", N, "php"},
		{"JSESSIONID", "", N, "java-servlet"},
		{"JSESSIONID", "www.linkedin.com", N, "linkedin"},
		{"ASP.NET_SessionId", "", N, "aspnet"},
		{"ASPSESSIONIDQASDTRCA", "", N, "aspnet"},
		{"connect.sid", "", N, "express"},
		{"laravel_session", "", N, "laravel"},
		{"sessionid", "", N, "django"},
		{"session", "", N, "flask"},
		{"_session_id", "", N, "rails"},
		{"_myapp_session", "", N, "rails"},
		{"CFID", "", N, "coldfusion"},
		{"CFTOKEN", "", N, "coldfusion"},
		{"csrftoken", "", N, "django"},
		{"csrftoken", "instagram.com", N, "meta"},
		{"XSRF-TOKEN", "", N, "laravel"},
		{"_csrf", "", N, "express"},
		{"csrf_token", "", N, "csrf"},
		{"__RequestVerificationToken", "", N, "aspnet"},
		{"__RequestVerificationToken_L2FwcA2", "", N, "aspnet"},
		{"AWSALB", "", N, "aws-elb"},
		{"AWSALBCORS", "", N, "aws-elb"},
		{"AWSELB", "", N, "aws-elb"},
		{"BIGipServerpool_web", "", N, "f5-bigip"},
		{"SERVERID", "", N, "haproxy"},
		{"ARRAffinity", "", N, "azure-app-service"},
		{"ARRAffinitySameSite", "", N, "azure-app-service"},
		{"_GRECAPTCHA", "", N, "google-recaptcha"},
		{"__stripe_mid", "", N, "stripe"},
		{"__stripe_sid", "", N, "stripe"},
		{"ts", "www.paypal.com", N, "paypal"},
		{"cart", "", N, "shopify"},
		{"secure_customer_sig", "", N, "shopify"},
		{"_shopify_y", "", A, "shopify"},
		{"_shopify_s", "", A, "shopify"},
		{"wordpress_logged_in_0123abcd", "", N, "wordpress"},
		{"wp-settings-1", "", F, "wordpress"},
		{"wp-settings-time-1", "", F, "wordpress"},
		// consent records
		{"OptanonConsent", "", C, "onetrust"},
		{"OptanonAlertBoxClosed", "", C, "onetrust"},
		{"CookieConsent", "", C, "cookiebot"},
		{"CookieConsentBulkTicket", "", C, "cookiebot"},
		{"euconsent-v2", "", C, "iab-tcf"},
		{"didomi_token", "", C, "didomi"},
		{"uc_settings", "", C, "usercentrics"},
		{"usercentrics", "", C, "usercentrics"},
		{"_sp_v1_data", "", C, "sourcepoint"},
		{"_sp_su", "", C, "sourcepoint"},
		{"__cmpconsent12345", "", C, "consentmanager"},
		{"cookieyes-consent", "", C, "cookieyes"},
		{"cmplz_marketing", "", C, "complianz"},
		{"_tracking_consent", "", C, "shopify"},
		{"consentguard", "", C, "consentguard"},
		// embeds
		{"VISITOR_INFO1_LIVE", "youtube.com", F, "youtube"}, // an embed's cookie: the embed's category,
		{"YSC", "youtube.com", N, "youtube"},
		{"PREF", "www.youtube.com", F, "youtube"},
		{"vuid", "", F, "vimeo"},
		{"__atuvc", "", S, "addthis"},
		{"utag_main", "", TM, "tealium"},
		{"_iidt", "", FP, "fingerprintjs"},
	}
	for _, tt := range tests {
		m, ok := db.Classify(tt.name, tt.domain)
		if !ok || m.Category != tt.cat || m.Vendor != tt.vendor {
			t.Errorf("Classify(%q, %q) = %s/%s (pattern %q, ok %v), want %s/%s",
				tt.name, tt.domain, m.Vendor, m.Category, m.Pattern, ok, tt.vendor, tt.cat)
		}
	}
}

// TestClassifyDB covers the lookup tiers, domain scoping and precedence on a
// small hand-written catalog.
func TestClassifyDB(t *testing.T) {
	src := `
[a] Vendor A
category analytics
source https://a.example/cookies
cookie _x
cookie _x_*
cookie _x_long_*
cookie g_*_end
cookie g_*_e*d category=advertising
cookie sid category=advertising domain=tracker.example
cookie sid category=functional domain=sub.tracker.example
cookie p_* category=advertising domain=ads.example
cookie p_*

[b] Vendor B
category necessary
source https://b.example/cookies
cookie sid
`
	c, errs := catalog.Parse("t.txt", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	db, errs := Compile(c)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	tests := []struct {
		name, domain string
		ok           bool
		pattern      string
		cat          consent.Category
	}{
		{"_x", "", true, "_x", consent.Analytics},
		{"_x_", "", true, "_x_*", consent.Analytics},
		{"_x_y", "", true, "_x_*", consent.Analytics},
		{"_x_long_1", "", true, "_x_long_*", consent.Analytics},
		{"_x_lon", "", true, "_x_*", consent.Analytics},
		{"_X", "", false, "", consent.None},
		{"_", "", false, "", consent.None},
		{"g_1_end", "", true, "g_*_end", consent.Analytics},
		{"g_1_ebd", "", true, "g_*_e*d", consent.Advertising},
		{"g_1_en", "", false, "", consent.None},
		{"sid", "", true, "sid", consent.Necessary},
		{"sid", "other.example", true, "sid", consent.Necessary},
		{"sid", "tracker.example", true, "sid", consent.Advertising},
		{"sid", "WWW.Tracker.Example.", true, "sid", consent.Advertising},
		{"sid", ".tracker.example", true, "sid", consent.Advertising},
		{"sid", "sub.tracker.example", true, "sid", consent.Functional},
		{"sid", "a.sub.tracker.example", true, "sid", consent.Functional},
		{"sid", "nottracker.example", true, "sid", consent.Necessary},
		{"p_1", "ads.example", true, "p_*", consent.Advertising},
		{"p_1", "x.example", true, "p_*", consent.Analytics},
		{"", "", false, "", consent.None},
	}
	for _, tt := range tests {
		m, ok := db.Classify(tt.name, tt.domain)
		if ok != tt.ok || m.Pattern != tt.pattern || m.Category != tt.cat || m.Name != tt.name {
			t.Errorf("Classify(%q, %q) = %+v, %v; want pattern %q category %s ok %v",
				tt.name, tt.domain, m, ok, tt.pattern, tt.cat, tt.ok)
		}
		if ok && (m.List != "t.txt" || m.Line == 0) {
			t.Errorf("Classify(%q): source %s:%d", tt.name, m.List, m.Line)
		}
	}
	var nilDB *DB
	if _, ok := nilDB.Classify("_x", ""); ok {
		t.Error("nil DB matched")
	}
}

func TestAddErrors(t *testing.T) {
	db := NewDB()
	errs := db.Add(
		Entry{Pattern: "", Category: consent.Analytics, List: "l", Line: 1},
		Entry{Pattern: "**", Category: consent.Analytics, List: "l", Line: 2},
		Entry{Pattern: "a b", Category: consent.Analytics, List: "l", Line: 3},
		Entry{Pattern: "ok", Category: consent.None, List: "l", Line: 4},
		Entry{Pattern: "ok", Category: consent.Analytics, List: "l", Line: 5},
		Entry{Pattern: "ok", Category: consent.Advertising, List: "m", Line: 6},
		Entry{Pattern: "é", Category: consent.Analytics, List: "l", Line: 7},
	)
	want := []string{"l:1:", "l:2:", "l:3:", "l:4:", "l:7:"}
	if len(errs) != len(want) {
		t.Fatalf("errors %v, want %d", errs, len(want))
	}
	for i, e := range errs {
		if !strings.HasPrefix(e.Error(), want[i]) {
			t.Errorf("error %d = %q, want prefix %q", i, e, want[i])
		}
	}
	if db.Len() != 1 || db.Shadowed() != 1 {
		t.Errorf("Len %d Shadowed %d, want 1 1", db.Len(), db.Shadowed())
	}
	if m, _ := db.Classify("ok", ""); m.Category != consent.Analytics {
		t.Errorf("first entry must win, got %s", m.Category)
	}
	var zero DB
	if errs := zero.Add(Entry{Pattern: "z", Category: consent.Analytics}); errs != nil || zero.Len() != 1 {
		t.Errorf("zero DB Add: %v len %d", errs, zero.Len())
	}
}

func TestClassifyAllocs(t *testing.T) {
	_, db, _ := ourList(t)
	names := [][2]string{
		{"_ga", "www.example.com"}, {"_ga_XYZ", ""}, {"mp_abc_mixpanel", ""},
		{"NID", "WWW.GOOGLE.COM"}, {"unknown_cookie_name", "example.com"}, {"_hjSession_1", ""},
	}
	allocs := testing.AllocsPerRun(200, func() {
		for _, n := range names {
			db.Classify(n[0], n[1])
		}
	})
	if allocs != 0 {
		t.Errorf("Classify allocates %.1f times per run, want 0", allocs)
	}
}

// TestClassifyGolden classifies testdata/names.txt (NAME<TAB>DOMAIN lines)
// with cookies.txt and compares with testdata/classify.golden (-update
// rewrites it), so that a list change shows up as a reviewable diff.
func TestClassifyGolden(t *testing.T) {
	_, db, _ := ourList(t)
	in, err := os.ReadFile("testdata/names.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(in))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, domain, _ := strings.Cut(line, "\t")
		m, ok := db.Classify(name, domain)
		if !ok {
			fmt.Fprintf(&out, "%s\t%s\tnone\t-\t-\n", name, domain)
			continue
		}
		fmt.Fprintf(&out, "%s\t%s\t%s\t%s\t%s\n", name, domain, m.Category, m.Vendor, m.Pattern)
	}
	golden := "testdata/classify.golden"
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestClassifyGolden -update)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("classification differs from %s (run with -update after checking):\n%s", golden, diffLines(string(want), out.String()))
	}
}

// diffLines lists lines only in a (-) or only in b (+).
func diffLines(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out strings.Builder
	for _, l := range strings.Split(a, "\n") {
		if !mb[l] {
			out.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ma[l] {
			out.WriteString("+ " + l + "\n")
		}
	}
	return out.String()
}
