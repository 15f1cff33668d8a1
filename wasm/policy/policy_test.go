package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func days(n int) *int { return &n }

// TestTestdataPolicies runs Extract on policies written for these tests in
// French, German, Spanish and English/French and checks every field.
func TestTestdataPolicies(t *testing.T) {
	tests := []struct {
		file string
		want Claims
	}{
		{"fr.txt", Claims{
			Site: "exemple-boutique.fr", DNT: NotHonored, GPC: Honored, SellsPersonalData: No, ThirdPartyAdvertising: Yes,
			AnalyticsVendors: []string{"matomo"}, OtherVendors: []string{"paypal"},
			TrackingTechnologies: []string{"cookies", "web-beacons"}, CookieCategories: []string{"advertising", "analytics", "necessary"},
			ImpliedConsent: No, Languages: []string{"fr"}, RetentionMaxDays: days(3 * 365),
		}},
		{"de.txt", Claims{
			Site: "beispiel-software.de", DNT: NotHonored, GPC: Honored, SellsPersonalData: No, ThirdPartyAdvertising: Yes,
			AnalyticsVendors: []string{"google-analytics", "hotjar"}, OtherVendors: []string{},
			TrackingTechnologies: []string{"cookies", "local-storage"}, CookieCategories: []string{"advertising", "analytics", "necessary"},
			ImpliedConsent: Yes, Languages: []string{"de"}, RetentionMaxDays: days(10 * 365),
		}},
		{"es.txt", Claims{
			Site: "ejemplo-viajes.es", DNT: NotHonored, GPC: Unstated, SellsPersonalData: No, ThirdPartyAdvertising: Yes,
			AnalyticsVendors: []string{"google-analytics"}, OtherVendors: []string{"stripe"},
			TrackingTechnologies: []string{"cookies", "web-beacons"}, CookieCategories: []string{"advertising", "analytics", "necessary"},
			ImpliedConsent: Yes, Languages: []string{"es"}, RetentionMaxDays: days(5 * 365),
		}},
		{"en_us.txt", Claims{
			Site: "acme-deals.com", DNT: NotHonored, GPC: Honored, SellsPersonalData: Yes, ThirdPartyAdvertising: Yes,
			AnalyticsVendors: []string{"google-analytics", "mixpanel"}, OtherVendors: []string{"criteo", "the-trade-desk"},
			TrackingTechnologies: []string{"cookies", "fingerprinting", "web-beacons"}, CookieCategories: []string{},
			ImpliedConsent: Unstated, Languages: []string{"en"}, RetentionMaxDays: days(3 * 365),
		}},
		{"en_cookies.txt", Claims{
			DNT: Unstated, GPC: Unstated, SellsPersonalData: Unstated, ThirdPartyAdvertising: No,
			AnalyticsVendors: []string{"matomo"}, OtherVendors: []string{"vimeo", "youtube"},
			TrackingTechnologies: []string{"cookies", "local-storage"}, CookieCategories: []string{"analytics", "necessary", "preferences", "social-media"},
			ImpliedConsent: No, Languages: []string{"en"}, RetentionMaxDays: days(6 * 365),
		}},
		{"bilingual.txt", Claims{
			DNT: Honored, GPC: Unstated, SellsPersonalData: No, ThirdPartyAdvertising: No,
			AnalyticsVendors: []string{"google-analytics"}, OtherVendors: []string{},
			TrackingTechnologies: []string{"cookies", "web-beacons"}, CookieCategories: []string{},
			ImpliedConsent: Unstated, Languages: []string{"en", "fr"}, RetentionMaxDays: days(7 * 365),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := Extract(string(b))
			checkEvidence(t, string(b), got)
			got.Evidence = nil
			if !reflect.DeepEqual(got, tt.want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(tt.want)
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
}

// checkEvidence: every evidence sentence is a substring of the input and
// every claim that is not unstated, and every list item, has evidence.
func checkEvidence(t *testing.T, text string, c Claims) {
	t.Helper()
	for k, v := range c.Evidence {
		if v == "" || !strings.Contains(text, v) {
			t.Errorf("evidence %s = %q is not a sentence of the input", k, v)
		}
	}
	for field, v := range map[string]string{"dnt": c.DNT, "gpc": c.GPC, "sells_personal_data": c.SellsPersonalData, "third_party_advertising": c.ThirdPartyAdvertising} {
		if v != Unstated && c.Evidence[field] == "" {
			t.Errorf("%s = %s without evidence", field, v)
		}
	}
	lists := map[string][]string{"analytics_vendors": c.AnalyticsVendors, "other_vendors": c.OtherVendors, "tracking_technologies": c.TrackingTechnologies, "cookie_categories": c.CookieCategories}
	for field, ids := range lists {
		for _, id := range ids {
			if c.Evidence[field+"."+id] == "" {
				t.Errorf("%s %s without evidence", field, id)
			}
		}
	}
	if c.RetentionMaxDays != nil && c.Evidence["retention_max_days"] == "" {
		t.Error("retention_max_days without evidence")
	}
}

// TestSentenceRules runs single statements, positive and negative, through
// Extract and checks the one field each is about.
func TestSentenceRules(t *testing.T) {
	field := func(c Claims, name string) string {
		switch name {
		case "dnt":
			return c.DNT
		case "gpc":
			return c.GPC
		case "sells":
			return c.SellsPersonalData
		case "ads":
			return c.ThirdPartyAdvertising
		case "implied":
			return c.ImpliedConsent
		case "tech":
			return strings.Join(c.TrackingTechnologies, ",")
		case "categories":
			return strings.Join(c.CookieCategories, ",")
		case "analytics":
			return strings.Join(c.AnalyticsVendors, ",")
		case "other":
			return strings.Join(c.OtherVendors, ",")
		case "retention":
			if c.RetentionMaxDays == nil {
				return "null"
			}
			return strings.TrimSpace(strings.Repeat(" ", 0) + itoa(*c.RetentionMaxDays))
		case "site":
			return c.Site
		}
		panic(name)
	}
	tests := []struct{ field, text, want string }{
		// Do Not Track.
		{"dnt", "We honor Do Not Track signals sent by your browser.", Honored},
		{"dnt", "We do not currently respond to browser do-not-track signals.", NotHonored},
		{"dnt", "Our site doesn't respond to DNT requests.", NotHonored},
		{"dnt", "Because there is no industry standard for Do Not Track, our site does not change its behaviour when it receives one.", NotHonored},
		{"dnt", "Do Not Track", Unstated},
		{"dnt", "We treat a Do Not Track signal as a request to opt out of analytics.", Honored},
		{"dnt", "Nous ne répondons pas aux signaux Do Not Track.", NotHonored},
		{"dnt", "Wir reagieren nicht auf Do-Not-Track-Signale.", NotHonored},
		{"dnt", "Respetamos las señales Do Not Track de su navegador.", Honored},
		// Global Privacy Control, and signals in general.
		{"gpc", "We honor the Global Privacy Control (GPC) as a valid opt-out of sale.", Honored},
		{"gpc", "We do not recognize Global Privacy Control signals at this time.", NotHonored},
		{"gpc", "At this time we do not recognize automated browser signals regarding tracking mechanisms, which may include do-not-track instructions.", NotHonored},
		{"gpc", "We honor the request of do not track signals sent by your browser.", Unstated},
		{"gpc", "We do not respond to automated browser signals. We honor the Global Privacy Control.", Honored},
		{"gpc", "If your browser sends the Global Privacy Control signal, we will opt you out of targeted advertising.", Honored},
		{"gpc", "Not all browsers support GPC, but when we receive it we treat it as a request to opt out of sharing.", Honored},
		{"gpc", "When we detect a GPC signal, we will not sell or share your personal information from that browser.", Honored},
		{"gpc", "Learn more about the Global Privacy Control at globalprivacycontrol.org.", Unstated},
		{"dnt", "Some browsers offer a Do Not Track setting that tells websites you do not want to be tracked.", Unstated},
		{"dnt", "We currently do not honor DNT.", NotHonored},
		// Sale of personal data.
		{"sells", "We do not sell your personal information.", No},
		{"sells", "We will never sell your data to anyone.", No},
		{"sells", "We may sell your personal information to data brokers.", Yes},
		{"sells", "In the last 12 months we have sold the following categories of personal information: identifiers.", Yes},
		{"sells", "You have the right to opt out of the sale of your personal information.", Unstated},
		{"sells", "Do Not Sell My Personal Information", Unstated},
		{"sells", "We have sold identifiers to data brokers.", Yes},
		{"sells", "If we sell our business, your data may be transferred to the buyer.", Unstated},
		{"sells", "We sell hand-made furniture and collect the data needed to deliver it.", Unstated},
		{"sells", "Nous ne vendons jamais vos données.", No},
		{"sells", "Wir verkaufen keine personenbezogenen Daten.", No},
		{"sells", "No vendemos sus datos personales a terceros.", No},
		{"sells", "Nous vendons vos données à des partenaires commerciaux.", Yes},
		{"sells", "Wir verkaufen Ihre Daten an ausgewählte Partner.", Yes},
		{"sells", "Podemos vender sus datos a terceros.", Yes},
		{"gpc", "Respetamos la señal Global Privacy Control (GPC) de su navegador.", Honored},
		{"gpc", "Nous ne tenons pas compte du signal Global Privacy Control.", NotHonored},
		// Third-party advertising.
		{"ads", "We use third-party advertising companies to serve ads when you visit our site.", Yes},
		{"ads", "We do not allow third-party advertising on our site.", No},
		{"ads", "We display no advertisements.", No},
		{"ads", "Advertisements help us keep the service free.", Unstated},
		{"ads", "We show no ads and we do not use advertising cookies.", No},
		{"ads", "We share data with advertising partners to show you interest-based ads.", Yes},
		{"ads", "Nous n'affichons aucune publicité.", No},
		{"ads", "Wir zeigen keine Werbung an.", No},
		{"ads", "Mostramos publicidad personalizada con nuestros socios publicitarios.", Yes},
		// Implied consent.
		{"implied", "By continuing to browse this site, you agree to our use of cookies.", Yes},
		{"implied", "If you continue to use this site, you consent to our use of cookies.", Yes},
		{"implied", "By using our website, you agree to this privacy policy.", Unstated},
		{"implied", "By continuing to use the site after we post changes, you are deemed to have accepted such changes.", Unstated},
		{"implied", "We ask for your consent before we set any cookie that is not necessary.", No},
		{"implied", "En poursuivant votre navigation, vous acceptez l'utilisation de cookies.", Yes},
		{"implied", "Al continuar navegando, acepta el uso de cookies.", Yes},
		{"implied", "Mit der Nutzung unserer Website erklären Sie sich mit der Verwendung von Cookies einverstanden.", Yes},
		{"implied", "By clicking Accept all, you consent to the use of cookies.", No},
		{"implied", "Wir setzen Statistik-Cookies nur mit Ihrer Einwilligung.", No},
		// Tracking technologies.
		{"tech", "We use cookies, web beacons and local storage.", "cookies,local-storage,web-beacons"},
		{"tech", "Pixel tags (also known as clear GIFs) may be used in our emails.", "web-beacons"},
		{"tech", "Our partners may use device fingerprinting to detect fraud.", "fingerprinting"},
		{"tech", "We do not use fingerprinting.", ""},
		{"tech", "Flash cookies (local shared objects) store your settings.", "cookies,local-storage"},
		{"tech", "Our partners use cookies and pixels to measure ad campaigns.", "cookies,web-beacons"},
		{"tech", "Images are resized to 800 pixels.", ""},
		// Cookie categories.
		{"categories", "We use strictly necessary cookies and, with consent, analytics cookies and advertising cookies.", "advertising,analytics,necessary"},
		{"categories", "Withdraw consent to the use of tracking cookies at any time.", ""},
		{"categories", "We do not use advertising cookies.", ""},
		{"categories", "Nous utilisons des cookies fonctionnels.", "functional"},
		// Vendors.
		{"analytics", "We use Google Analytics and Hotjar.", "google-analytics,hotjar"},
		{"other", "Payments are handled by Stripe; spam is stopped with reCAPTCHA.", "google-recaptcha,stripe"},
		{"other", "Your card has a magnetic stripe. We improve digital services.", ""},
		{"analytics", "We use Google Analytics for Firebase in our app.", "google-firebase"},
		// Retention.
		{"retention", "We keep server logs for 90 days and account data for two years after closure.", "730"},
		{"retention", "Cookies expire after 13 months.", "390"},
		{"retention", "We do not knowingly collect data from children under 13 years of age, and we store it securely.", "null"},
		{"retention", "We respond to requests within one month.", "null"},
		{"retention", "Die Daten werden nach 14 Tagen gelöscht.", "14"},
		// Site.
		{"site", "https://www.example.org/privacy\nPrivacy policy", "example.org"},
		{"site", "Contact privacy@shop.example.com or help@shop.example.com.", "shop.example.com"},
	}
	for _, tt := range tests {
		c := Extract(tt.text)
		if got := field(c, tt.field); got != tt.want {
			t.Errorf("%s of %q = %q, want %q", tt.field, tt.text, got, tt.want)
		}
		checkEvidence(t, tt.text, c)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestSentences(t *testing.T) {
	text := "Intro line\nWe use Google Analytics (e.g. for stats). It is run by Google Inc. in the U.S. and stores data. Really? Yes!\n  • We do not sell data.  \n- Item one\n"
	var got []string
	for _, s := range sentences(text) {
		got = append(got, s.raw)
	}
	want := []string{"Intro line", "We use Google Analytics (e.g. for stats).", "It is run by Google Inc. in the U.S. and stores data.", "Really?", "Yes!", "We do not sell data.", "Item one"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
