//go:build !guard

package consent

import (
	"fmt"
	"time"
)

// Source names the record a State was read from.
type Source string

// Sources, in the order Read tries them.
const (
	FromNone      Source = ""
	FromOwn       Source = CookieName
	FromTCF       Source = TCFCookie
	FromGPP       Source = GPPCookie
	FromOneTrust  Source = OneTrustCookie
	FromCookiebot Source = CookiebotCookie
)

// Read builds a visitor's State from a request: the recorded choice from
// cookies and the signals from headers. cookie returns a cookie's value
// ("" when absent); header returns a header's value (http.Header.Get fits).
//
// The first source holding a recorded choice wins, in this order: our own
// signed cookie (the visitor chose in our banner), the IAB TCF
// euconsent-v2, the tcfeuv2 section of __gpp, OneTrust's OptanonConsent,
// Cookiebot's CookieConsent. Invalid values are skipped and reported in
// errs (for the log); they never grant anything. With no recorded choice,
// Granted is empty (default deny) and Source is FromNone.
//
// A __gpp usnat section that records an opt-out of sale, sharing or
// targeted advertising removes the OptOut categories from Granted, as an
// opt-out signal would; GPC and DNT are set from the headers only.
func Read(cookie func(name string) string, header func(name string) string, secret []byte, now time.Time) (st State, src Source, errs []error) {
	st.GPC, st.DNT = Signals(header)
	if cookie == nil {
		return st, FromNone, nil
	}
	if v := cookie(CookieName); v != "" {
		own, err := DecodeCookieAt(v, secret, now)
		if err == nil {
			st.Granted, st.Recorded, src = own.Granted, true, FromOwn
		} else {
			errs = append(errs, fmt.Errorf("%s cookie: %w", CookieName, err))
		}
	}
	gpp := cookie(GPPCookie)
	readers := []struct {
		src  Source
		v    string
		read func(string) (Set, bool, error)
	}{
		{FromTCF, cookie(TCFCookie), TCF},
		{FromGPP, gpp, GPP},
		{FromOneTrust, cookie(OneTrustCookie), OneTrust},
		{FromCookiebot, cookie(CookiebotCookie), Cookiebot},
	}
	for _, r := range readers {
		if src != FromNone || r.v == "" {
			continue
		}
		g, rec, err := r.read(r.v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s cookie: %w", r.src, err))
			continue
		}
		if rec {
			if r.src == FromGPP && g == SetOf(Necessary) {
				continue // a US-only GPP record grants nothing: keep looking
			}
			st.Granted, st.Recorded, src = g, true, r.src
		}
	}
	if gpp != "" {
		if out, err := GPPOptOut(gpp); err == nil && out {
			st.Granted &^= OptOut
		}
	}
	return st, src, errs
}
