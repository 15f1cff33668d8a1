//go:build !guard

package consent

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Readers for the consent records of common consent-management platforms.
// Each returns the categories the record grants (Necessary is always
// included), whether the record holds a choice the visitor made
// (recorded), and an error for a value that is not a valid record. When
// recorded is false, granted describes the CMP's defaults, not a choice:
// callers keep consentguard's own defaults.

// Cookie names of the CMP records.
const (
	OneTrustCookie  = "OptanonConsent"
	CookiebotCookie = "CookieConsent"
	TCFCookie       = "euconsent-v2"
)

// OneTrust group ids and what they mean in OneTrust's default taxonomy.
var oneTrustGroups = map[string]Set{
	"C0001": SetOf(Necessary),   // Strictly Necessary Cookies
	"C0002": SetOf(Analytics),   // Performance Cookies
	"C0003": SetOf(Functional),  // Functional Cookies
	"C0004": SetOf(Advertising), // Targeting Cookies
	"C0005": SetOf(Social),      // Social Media Cookies
}

// OneTrust reads OneTrust's OptanonConsent cookie: a URL-encoded query
// string whose "groups" parameter lists "ID:1" (granted) or "ID:0":
//
//	isGpcEnabled=0&datestamp=…&version=202301.1.0&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1%2CC0004%3A0%2CC0005%3A0
//
// Mapping: C0001 necessary, C0002 analytics (performance), C0003
// functional, C0004 advertising (targeting), C0005 social. Other groups
// (custom ids, IAB stacks such as "V2STACK42") are ignored. The record
// counts as a choice unless interactionCount is 0 (OneTrust writes its
// defaults before the visitor interacts). A value that was URL-encoded twice
// (as some servers re-encode cookies) is accepted.
func OneTrust(v string) (granted Set, recorded bool, err error) {
	granted = SetOf(Necessary)
	v = strings.TrimSpace(v)
	if v == "" {
		return granted, false, errors.New("OptanonConsent: empty value")
	}
	if !strings.Contains(v, "=") && strings.Contains(strings.ToUpper(v), "%3D") {
		u, err := url.QueryUnescape(v)
		if err != nil {
			return granted, false, fmt.Errorf("OptanonConsent: %w", err)
		}
		v = u
	}
	q, err := url.ParseQuery(v)
	if err != nil {
		return granted, false, fmt.Errorf("OptanonConsent: %w", err)
	}
	groups, ok := q["groups"]
	if !ok || len(groups) == 0 {
		return granted, false, errors.New("OptanonConsent: no groups field")
	}
	if len(groups) > 1 {
		return granted, false, errors.New("OptanonConsent: groups field repeated")
	}
	g := groups[0]
	if g != "" {
		for _, item := range strings.Split(g, ",") {
			id, state, ok := strings.Cut(item, ":")
			if !ok || id == "" {
				return SetOf(Necessary), false, fmt.Errorf("OptanonConsent: groups: bad item %q", item)
			}
			switch state {
			case "1":
				granted |= oneTrustGroups[id]
			case "0":
			default:
				return SetOf(Necessary), false, fmt.Errorf("OptanonConsent: groups: item %q: state must be 0 or 1", item)
			}
		}
	}
	recorded = true
	if ic := q.Get("interactionCount"); ic != "" {
		n, err := strconv.Atoi(ic)
		if err != nil || n < 0 {
			return SetOf(Necessary), false, fmt.Errorf("OptanonConsent: interactionCount %q is not a count", ic)
		}
		recorded = n > 0
	}
	return granted, recorded, nil
}

// Cookiebot reads Cookiebot's CookieConsent cookie, a URL-encoded
// JavaScript object literal:
//
//	{stamp:'…',necessary:true,preferences:false,statistics:true,marketing:false,method:'explicit',ver:1,utc:1700000000000,region:'de'}
//
// Mapping: necessary → necessary, preferences → functional, statistics →
// analytics, marketing → advertising and social (Cookiebot files social
// media pixels under marketing).
//
// The value "-1" means the visitor is in a region where Cookiebot does not
// ask for consent; Cookiebot then loads everything. Nobody chose anything,
// so it is reported as not recorded with only necessary granted: the
// site's consentguard defaults decide.
func Cookiebot(v string) (granted Set, recorded bool, err error) {
	granted = SetOf(Necessary)
	v = strings.TrimSpace(v)
	if v == "-1" {
		return granted, false, nil
	}
	if strings.Contains(v, "%") {
		u, err := url.PathUnescape(v)
		if err != nil {
			return granted, false, fmt.Errorf("CookieConsent: %w", err)
		}
		v = u
	}
	fields, err := parseJSObject(v)
	if err != nil {
		return granted, false, fmt.Errorf("CookieConsent: %w", err)
	}
	if _, ok := fields["stamp"]; !ok {
		return granted, false, errors.New("CookieConsent: no stamp field")
	}
	if n, ok := fields["necessary"]; !ok || n != "true" {
		return granted, false, errors.New("CookieConsent: necessary is not true")
	}
	for _, f := range []struct {
		key string
		set Set
	}{
		{"preferences", SetOf(Functional)},
		{"statistics", SetOf(Analytics)},
		{"marketing", SetOf(Advertising, Social)},
	} {
		switch val, ok := fields[f.key]; {
		case !ok:
			return SetOf(Necessary), false, fmt.Errorf("CookieConsent: no %s field", f.key)
		case val == "true":
			granted |= f.set
		case val == "false":
		default:
			return SetOf(Necessary), false, fmt.Errorf("CookieConsent: %s: want true or false, got %q", f.key, val)
		}
	}
	return granted, true, nil
}

// parseJSObject parses a flat object literal with bare or quoted keys and
// values that are true, false, numbers or '…'/"…" strings. String values
// are returned without quotes; a quoted "true" is distinguished by a
// leading quote being kept out: callers compare against bare true/false.
func parseJSObject(s string) (map[string]string, error) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, errors.New("not an object literal {…}")
	}
	s = s[1 : len(s)-1]
	out := make(map[string]string)
	i := 0
	skip := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++
		}
	}
	readString := func() (string, error) {
		q := s[i]
		j := i + 1
		for j < len(s) && s[j] != q {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(s) {
			return "", fmt.Errorf("unterminated string at byte %d", i)
		}
		str := s[i+1 : j]
		i = j + 1
		return str, nil
	}
	for {
		skip()
		if i >= len(s) {
			break
		}
		var key string
		if s[i] == '\'' || s[i] == '"' {
			k, err := readString()
			if err != nil {
				return nil, err
			}
			key = k
		} else {
			j := i
			for j < len(s) && s[j] != ':' && s[j] != ',' {
				j++
			}
			key = strings.TrimSpace(s[i:j])
			i = j
		}
		skip()
		if i >= len(s) || s[i] != ':' || key == "" {
			return nil, fmt.Errorf("expected key: at byte %d", i)
		}
		i++
		skip()
		var val string
		if i < len(s) && (s[i] == '\'' || s[i] == '"') {
			v, err := readString()
			if err != nil {
				return nil, err
			}
			val = "'" + v // keep quoted strings apart from bare words
		} else {
			j := i
			for j < len(s) && s[j] != ',' {
				j++
			}
			val = strings.TrimSpace(s[i:j])
			i = j
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		out[key] = val
		skip()
		if i < len(s) {
			if s[i] != ',' {
				return nil, fmt.Errorf("expected ',' at byte %d", i)
			}
			i++
		}
	}
	return out, nil
}
