package cookie

import (
	"fmt"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/consent"
)

func ourFilter(t testing.TB) *Filter {
	_, db, _ := ourList(t)
	return &Filter{DB: db}
}

var (
	noConsent     = consent.State{}
	analyticsOnly = consent.State{Granted: consent.SetOf(consent.Analytics), Recorded: true}
	allGranted    = consent.State{Granted: consent.All, Recorded: true}
	allButGPC     = consent.State{Granted: consent.All, Recorded: true, GPC: true}
)

func names(ms []Match) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Name+":"+m.Category.String())
	}
	return strings.Join(s, ",")
}

func TestFilterCookieHeader(t *testing.T) {
	f := ourFilter(t)
	const h = "_ga=GA1.2.3.4; PHPSESSID=abc; _fbp=fb.1.2; OptanonConsent=groups%3DC0001; theme=dark; _hjSession_1=x; __cf_bm=y"
	tests := []struct {
		name, h, host string
		st            consent.State
		want, removed string
	}{
		{"nothing granted", h, "www.example.com", noConsent,
			"PHPSESSID=abc; OptanonConsent=groups%3DC0001; theme=dark; __cf_bm=y", "_ga:analytics,_fbp:advertising,_hjSession_1:session-replay"},
		{"analytics granted", h, "www.example.com", analyticsOnly,
			"_ga=GA1.2.3.4; PHPSESSID=abc; OptanonConsent=groups%3DC0001; theme=dark; __cf_bm=y", "_fbp:advertising,_hjSession_1:session-replay"},
		{"all granted", h, "www.example.com", allGranted, h, ""},
		{"all granted but GPC", h, "www.example.com", allButGPC,
			"_ga=GA1.2.3.4; PHPSESSID=abc; OptanonConsent=groups%3DC0001; theme=dark; __cf_bm=y", "_fbp:advertising,_hjSession_1:session-replay"},
		{"only necessary", "PHPSESSID=1;__cf_bm=2", "x.example", noConsent, "PHPSESSID=1;__cf_bm=2", ""},
		{"all removed", "_ga=1; _gid=2", "x.example", noConsent, "", "_ga:analytics,_gid:analytics"},
		{"odd spacing kept", " a=1 ;_ga=2;  b=3 ", "x.example", noConsent, "a=1; b=3", "_ga:analytics"},
		{"domain scoped", "NID=1; SID=2", "www.google.com", noConsent, "SID=2", "NID:advertising"},
		{"domain scoped elsewhere", "NID=1; SID=2", "www.example.com", noConsent, "NID=1; SID=2", ""},
		{"empty", "", "x.example", noConsent, "", ""},
	}
	for _, tt := range tests {
		got, removed := f.FilterCookieHeader(tt.h, tt.host, tt.st)
		if got != tt.want || names(removed) != tt.removed {
			t.Errorf("%s: got %q removed %q\nwant %q removed %q", tt.name, got, names(removed), tt.want, tt.removed)
		}
	}
}

func TestFilterUnknown(t *testing.T) {
	_, db, _ := ourList(t)
	strict := &Filter{DB: db, UnknownCategory: consent.Functional}
	got, removed := strict.FilterCookieHeader("theme=dark; PHPSESSID=1; _ga=2", "example.com", noConsent)
	if got != "PHPSESSID=1" || names(removed) != "theme:functional,_ga:analytics" {
		t.Errorf("strict: %q %q", got, names(removed))
	}
	got, _ = strict.FilterCookieHeader("theme=dark; PHPSESSID=1; _ga=2", "example.com", consent.State{Granted: consent.SetOf(consent.Functional)})
	if got != "theme=dark; PHPSESSID=1" {
		t.Errorf("strict with functional: %q", got)
	}
}

func TestFilterCookieHeaderAllocs(t *testing.T) {
	f := ourFilter(t)
	h := "_ga=GA1.2.3.4; _gid=GA1.2.5.6; PHPSESSID=abc; _fbp=fb.1.2.3; theme=dark"
	allocs := testing.AllocsPerRun(200, func() {
		if out, _ := f.FilterCookieHeader(h, "www.example.com", allGranted); len(out) != len(h) {
			t.Fatal("changed")
		}
	})
	if allocs != 0 {
		t.Errorf("FilterCookieHeader with nothing removed allocates %.1f times, want 0", allocs)
	}
}

func TestAllowSetCookie(t *testing.T) {
	f := ourFilter(t)
	tests := []struct {
		header, host string
		st           consent.State
		allow        bool
		vendor       string
	}{
		{"_ga=GA1.2.3.4; Domain=example.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/", "www.example.com", noConsent, false, "google-analytics"},
		{"_ga=GA1.2.3.4; Domain=example.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/", "www.example.com", analyticsOnly, true, "google-analytics"},
		{"PHPSESSID=abc; Path=/; HttpOnly", "www.example.com", noConsent, true, "php"},
		{"OptanonConsent=x; Domain=.example.com", "www.example.com", noConsent, true, "onetrust"},
		{"IDE=x; Domain=.doubleclick.net", "ad.doubleclick.net", noConsent, false, "google-ads"},
		{"IDE=x", "ad.doubleclick.net", noConsent, false, "google-ads"},
		{"IDE=x", "www.example.com", noConsent, true, ""},
		{"theme=dark", "www.example.com", noConsent, true, ""},
		{"", "www.example.com", allGranted, false, ""},
		{"bad\x01=1", "www.example.com", allGranted, false, ""},
	}
	for _, tt := range tests {
		m, ok := f.AllowSetCookie(tt.header, tt.host, tt.st)
		if ok != tt.allow || m.Vendor != tt.vendor {
			t.Errorf("AllowSetCookie(%q, %q) = %s %v, want %s %v", tt.header, tt.host, m.Vendor, ok, tt.vendor, tt.allow)
		}
	}
}

func TestAllowSetCookieAllocs(t *testing.T) {
	f := ourFilter(t)
	h := "_ga=GA1.2.3.4; Domain=.Example.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/; Secure"
	allocs := testing.AllocsPerRun(200, func() {
		if _, ok := f.AllowSetCookie(h, "www.example.com", noConsent); ok {
			t.Fatal("allowed")
		}
	})
	if allocs != 0 {
		t.Errorf("AllowSetCookie allocates %.1f times, want 0", allocs)
	}
}

func TestFilterSetCookies(t *testing.T) {
	f := ourFilter(t)
	lines := []string{
		"PHPSESSID=1; Path=/",
		"_ga=GA1.1.2.3; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Domain=example.com",
		"_fbp=fb.1; Max-Age=7776000",
		"theme=dark",
	}
	kept, removed := f.FilterSetCookies(lines, "www.example.com", noConsent)
	if fmt.Sprint(kept) != fmt.Sprint([]string{lines[0], lines[3]}) || names(removed) != "_ga:analytics,_fbp:advertising" {
		t.Errorf("kept %q removed %q", kept, names(removed))
	}
	kept, removed = f.FilterSetCookies(lines, "www.example.com", allGranted)
	if &kept[0] != &lines[0] || removed != nil {
		t.Errorf("all granted must return the input slice: %q %v", kept, removed)
	}
}

func TestExpire(t *testing.T) {
	f := ourFilter(t)
	lines, removed := f.Expire("_ga=1; PHPSESSID=2; _fbp=3; _ga=4; __Host-x=5; __Secure-3PSID=6", "www.shop.example.co.uk", noConsent)
	want := []string{
		"_ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
		"_ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Domain=example.co.uk",
		"_fbp=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
		"_fbp=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Domain=example.co.uk",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") || names(removed) != "_ga:analytics,_fbp:advertising" {
		t.Errorf("Expire:\n%s\nremoved %s", strings.Join(lines, "\n"), names(removed))
	}
	for _, l := range lines {
		sc, err := ParseSetCookie(l)
		if err != nil || !sc.HasMaxAge || sc.MaxAge != 0 || sc.Path != "/" || sc.Value != "" {
			t.Errorf("%q does not parse as a deletion: %+v %v", l, sc, err)
		}
	}
	for _, tt := range []struct {
		name, host string
		want       []string
	}{
		{"__Host-id", "www.example.com", []string{"__Host-id=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure"}},
		{"__Secure-id", "example.com", []string{
			"__Secure-id=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure",
			"__Secure-id=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Domain=example.com; Secure"}},
		{"a", "127.0.0.1", []string{"a=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"}},
		{"a", "localhost", []string{"a=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"}},
	} {
		if got := ExpireLines(tt.name, tt.host); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("ExpireLines(%q, %q) =\n%s", tt.name, tt.host, strings.Join(got, "\n"))
		}
	}
}
