package policy_test

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/consentguard/consentguard/wasm/policy"
)

func ExampleExtract() {
	c := policy.Extract(`We use Google Analytics and cookies to understand how our site is used.
We do not currently respond to Do Not Track signals.
We do not sell your personal information.
If you continue to use this site, you consent to our use of cookies.`)
	fmt.Println(c.DNT, c.GPC, c.SellsPersonalData, c.ImpliedConsent)
	fmt.Println(c.AnalyticsVendors, c.TrackingTechnologies, c.Languages)
	fmt.Println(c.Evidence["dnt"])
	// Output:
	// not-honored unstated no yes
	// [google-analytics] [cookies] [en]
	// We do not currently respond to Do Not Track signals.
}

func ExampleExtractHTML() {
	c, err := policy.ExtractHTML(strings.NewReader(`<h1>Datenschutzerklärung</h1>
<p>Wir verkaufen Ihre personenbezogenen Daten nicht. Die Protokolldaten werden nach 14 Tagen gelöscht.</p>`))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.SellsPersonalData, *c.RetentionMaxDays, c.Languages)
	// Output: no 14 [de]
}

func ExampleFindLinks() {
	base, _ := url.Parse("https://example.com/shop/")
	page := []byte(`<footer><a href="/impressum">Impressum</a>
<a href="cookies">Cookie policy</a> <a href="/privacy">Privacy Policy</a></footer>`)
	for _, u := range policy.FindLinks(page, base) {
		fmt.Println(u)
	}
	// Output:
	// https://example.com/privacy
	// https://example.com/shop/cookies
}
