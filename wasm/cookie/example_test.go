package cookie_test

import (
	"fmt"
	"strings"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/cookie"
)

const exampleList = `
[google-analytics] Google Analytics
category analytics
source https://support.google.com/analytics/answer/11397207
cookie _ga
cookie _ga_*

[mixpanel] Mixpanel
category analytics
source https://docs.mixpanel.com/docs/tracking-methods/sdks/javascript
cookie mp_*_mixpanel

[google-ads] Google Ads
category advertising
source https://business.safety.google/adscookies/
cookie NID domain=google.com

[php] PHP sessions
category necessary
source https://www.php.net/manual/en/session.configuration.php
cookie PHPSESSID
`

func exampleDB() *cookie.DB {
	c, errs := catalog.Parse("example.txt", []byte(exampleList))
	if len(errs) > 0 {
		panic(errs[0])
	}
	db, errs := cookie.Compile(c)
	if len(errs) > 0 {
		panic(errs[0])
	}
	return db
}

func ExampleDB_Classify() {
	db := exampleDB()
	for _, q := range [][2]string{
		{"_ga", "www.example.com"},
		{"_ga_Q2W3E4", "www.example.com"},
		{"mp_0a1b2c_mixpanel", "example.com"},
		{"NID", ".google.com"},
		{"NID", "example.com"},
	} {
		m, ok := db.Classify(q[0], q[1])
		fmt.Println(q[0], q[1], ok, m.Category, m.Vendor, m.Pattern)
	}
	// Output:
	// _ga www.example.com true analytics google-analytics _ga
	// _ga_Q2W3E4 www.example.com true analytics google-analytics _ga_*
	// mp_0a1b2c_mixpanel example.com true analytics mixpanel mp_*_mixpanel
	// NID .google.com true advertising google-ads NID
	// NID example.com false none
}

func ExampleFilter_FilterCookieHeader() {
	f := &cookie.Filter{DB: exampleDB()}
	h := "_ga=GA1.2.3.4; PHPSESSID=abc; theme=dark"
	kept, removed := f.FilterCookieHeader(h, "www.example.com", consent.State{})
	fmt.Println(kept)
	for _, m := range removed {
		fmt.Println("removed", m.Name, m.Category)
	}
	kept, _ = f.FilterCookieHeader(h, "www.example.com", consent.State{Granted: consent.SetOf(consent.Analytics)})
	fmt.Println(kept == h)
	// Output:
	// PHPSESSID=abc; theme=dark
	// removed _ga analytics
	// true
}

func ExampleFilter_AllowSetCookie() {
	f := &cookie.Filter{DB: exampleDB()}
	for _, h := range []string{
		"_ga=GA1.2.3.4; Domain=example.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/",
		"PHPSESSID=abc; Path=/; HttpOnly",
	} {
		m, ok := f.AllowSetCookie(h, "www.example.com", consent.State{})
		fmt.Println(m.Name, m.Category, ok)
	}
	// Output:
	// _ga analytics false
	// PHPSESSID necessary true
}

func ExampleFilter_Expire() {
	f := &cookie.Filter{DB: exampleDB()}
	lines, _ := f.Expire("_ga=GA1.2.3.4; PHPSESSID=abc", "www.example.com", consent.State{})
	fmt.Println(strings.Join(lines, "\n"))
	// Output:
	// _ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/
	// _ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Domain=example.com
}

func ExampleParseSetCookie() {
	sc, err := cookie.ParseSetCookie("id=a3fWa; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Domain=.Example.com; Secure; SameSite=lax")
	fmt.Println(err, sc.Name, sc.Value, sc.Domain, sc.Expires.Format("2006-01-02"), sc.Secure, sc.SameSite)
	fmt.Println(sc)
	// Output:
	// <nil> id a3fWa example.com 2026-10-21 true Lax
	// id=a3fWa; Domain=example.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure; SameSite=Lax
}

func ExampleParseCookieHeader() {
	cookie.ParseCookieHeader("a=1; b=x=y;  c", func(name, value string) bool {
		fmt.Printf("%q=%q\n", name, value)
		return true
	})
	// Output:
	// "a"="1"
	// "b"="x=y"
	// ""="c"
}

func ExampleParseOCD() {
	csv := "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n" +
		"1,Google Analytics,Analytics,_ga_,,Session state,2 years,Google,https://business.safety.google/privacy/,1\n" +
		"2,Acme,Magic,spell,,?,1 year,Acme,,0\n"
	c, errs := cookie.ParseOCD("ocd.csv", strings.NewReader(csv))
	for _, v := range c.Vendors {
		for _, e := range v.Entries {
			fmt.Println(v.ID, e.Value, e.Category)
		}
	}
	fmt.Println(errs)
	// Output:
	// google-analytics _ga_* analytics
	// [ocd.csv:3: Category: unknown "Magic"]
}
