//go:build !guard

package consent

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	now := time.Unix(1764672000, 0)
	own := EncodeCookie(State{Granted: SetOf(Analytics)}, testSecret, now)
	forged := EncodeCookie(State{Granted: All}, []byte("not-the-site-secret!!"), now)
	tcfAds := "CP1R2oAP1SUxAEsADCDECWEgAPIAAAAAAAqIF5wAQF5gAAAA"
	gppSaleOptOut := "DBABLA~CEAaAAAAAACA.QA"
	gppTCFAndOptOut := "DBACMMA~CQumbsAQumbsAEsAAAENAAFgAPPAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~CAAVAAAAAACA.QA"
	onetrust := "interactionCount=1&groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1%2CC0004%3A1%2CC0005%3A0"
	cookiebot := "{stamp:'x',necessary:true,preferences:false,statistics:true,marketing:false}"
	tests := []struct {
		name    string
		cookies map[string]string
		headers map[string]string
		granted Set
		src     Source
		nerr    int
		gpc     bool
	}{
		{"nothing", nil, nil, 0, FromNone, 0, false},
		{"own", map[string]string{CookieName: own, OneTrustCookie: onetrust}, nil, SetOf(Analytics), FromOwn, 0, false},
		{"forged own falls back to CMP", map[string]string{CookieName: forged, OneTrustCookie: onetrust}, nil, SetOf(Necessary, Functional, Advertising), FromOneTrust, 1, false},
		{"tcf before onetrust", map[string]string{TCFCookie: tcfAds, OneTrustCookie: onetrust}, nil, SetOf(Necessary, Advertising), FromTCF, 0, false},
		{"cookiebot", map[string]string{CookiebotCookie: cookiebot}, map[string]string{"Sec-GPC": "1"}, SetOf(Necessary, Analytics), FromCookiebot, 0, true},
		{"broken cmp skipped", map[string]string{TCFCookie: "garbage", CookiebotCookie: cookiebot}, nil, SetOf(Necessary, Analytics), FromCookiebot, 1, false},
		{"gpp us opt-out removes ads", map[string]string{GPPCookie: gppSaleOptOut, OneTrustCookie: onetrust}, nil, SetOf(Necessary, Functional), FromOneTrust, 0, false},
		{"gpp tcf section", map[string]string{GPPCookie: gppTCFAndOptOut}, nil, SetOf(Necessary, Analytics), FromGPP, 0, false},
		{"onetrust defaults only", map[string]string{OneTrustCookie: "interactionCount=0&groups=C0002%3A1"}, nil, 0, FromNone, 0, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.headers {
			h.Set(k, v)
		}
		st, src, errs := Read(func(n string) string { return tt.cookies[n] }, h.Get, testSecret, now)
		if st.Granted != tt.granted || src != tt.src || len(errs) != tt.nerr || st.GPC != tt.gpc || st.Recorded != (src != FromNone) {
			t.Errorf("%s: Read = %+v, %q, %v; want granted %v from %q, %d errors", tt.name, st, src, errs, tt.granted, tt.src, tt.nerr)
		}
	}
}

func ExampleRead() {
	r, _ := http.NewRequest("GET", "https://shop.example/", nil)
	r.Header.Set("Sec-GPC", "1")
	r.AddCookie(&http.Cookie{Name: OneTrustCookie, Value: "interactionCount=1&groups=C0001%3A1%2CC0002%3A1%2CC0004%3A1"})
	cookie := func(name string) string {
		if c, err := r.Cookie(name); err == nil {
			return c.Value
		}
		return ""
	}
	st, src, _ := Read(cookie, r.Header.Get, []byte("a site secret of 16+ bytes"), time.Now())
	fmt.Println(src, st.Granted, st.GPC, st.Allows(Analytics), st.Allows(Advertising))
	// Output: OptanonConsent necessary,analytics,advertising true true false
}
