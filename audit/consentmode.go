package audit

import (
	"net/url"
	"strings"
)

// Google Consent Mode states.
const (
	granted = "granted"
	denied  = "denied"
)

// DecodeGCS reads a gcs parameter ("G1" + ad_storage + analytics_storage,
// each '1' granted, '0' denied, '-' not set). ok is false for a malformed
// value.
func DecodeGCS(v string) (ad, analytics string, ok bool) {
	if len(v) != 4 || v[:2] != "G1" {
		return "", "", false
	}
	one := func(c byte) (string, bool) {
		switch c {
		case '1':
			return granted, true
		case '0':
			return denied, true
		case '-':
			return "", true
		}
		return "", false
	}
	ad, ok1 := one(v[2])
	analytics, ok2 := one(v[3])
	if !ok1 || !ok2 {
		return "", "", false
	}
	return ad, analytics, true
}

// DecodeGCD reads a gcd parameter: "1", a digit, then for ad_storage,
// analytics_storage, ad_user_data and ad_personalization one letter and a
// digit each ("13r3r3r3r5l1"). The letter gives the default and update of
// that signal; the result is its final state: granted, denied or "" (not
// set). ok is false for a malformed value.
func DecodeGCD(v string) (st [4]string, ok bool) {
	if len(v) < 9 || v[0] != '1' {
		return st, false
	}
	for i := range 4 {
		c := v[2+2*i]
		switch c {
		case 't', 'r', 'n', 'v': // granted by default or by update
			st[i] = granted
		case 'p', 'q', 'm', 'u': // denied by default or by update
			st[i] = denied
		case 'l':
			st[i] = ""
		default:
			return [4]string{}, false
		}
		if d := v[1+2*i]; d < '0' || d > '9' {
			return [4]string{}, false
		}
	}
	return st, true
}

// consentModeOf reads gcs/gcd from a Google request's query (or a POSTed
// hit body) and returns the decoded state.
func consentModeOf(raw, post string) (ConsentMode, bool) {
	if !strings.Contains(raw, "gcs=") && !strings.Contains(raw, "gcd=") && !strings.Contains(post, "gcs=") && !strings.Contains(post, "gcd=") {
		return ConsentMode{}, false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ConsentMode{}, false
	}
	q := u.Query()
	if q.Get("gcs") == "" && q.Get("gcd") == "" {
		if pq, err := url.ParseQuery(strings.SplitN(post, "\n", 2)[0]); err == nil {
			q = pq
		}
	}
	cm := ConsentMode{URL: clip(raw, 300), GCS: q.Get("gcs"), GCD: q.Get("gcd")}
	if cm.GCS == "" && cm.GCD == "" {
		return ConsentMode{}, false
	}
	if st, ok := DecodeGCD(cm.GCD); ok {
		cm.AdStorage, cm.AnalyticsStorage, cm.AdUserData, cm.AdPersonal = st[0], st[1], st[2], st[3]
	}
	if ad, an, ok := DecodeGCS(cm.GCS); ok {
		if ad != "" {
			cm.AdStorage = ad
		}
		if an != "" {
			cm.AnalyticsStorage = an
		}
	}
	return cm, true
}

// Granted tells whether the state grants any storage or ad signal.
func (c ConsentMode) Granted() bool {
	return c.AdStorage == granted || c.AnalyticsStorage == granted || c.AdUserData == granted || c.AdPersonal == granted
}
