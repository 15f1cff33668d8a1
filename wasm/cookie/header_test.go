package cookie

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseSetCookie(t *testing.T) {
	exp := time.Date(2026, 10, 21, 7, 28, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want SetCookie
		err  error
	}{
		{"_ga=GA1.2.3.4; Path=/; Domain=.Example.COM; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Max-Age=63072000; Secure; SameSite=Lax",
			SetCookie{Name: "_ga", Value: "GA1.2.3.4", Path: "/", Domain: "example.com", Expires: exp, MaxAge: 63072000, HasMaxAge: true, Secure: true, SameSite: "Lax"}, nil},
		{"id=a3fWa; Expires=Wed, 21-Oct-2026 07:28:00 GMT", SetCookie{Name: "id", Value: "a3fWa", Expires: exp}, nil},
		{"id=a3fWa; expires=Wednesday, 21-Oct-26 07:28:00 GMT", SetCookie{Name: "id", Value: "a3fWa", Expires: exp}, nil},
		{"id=a3fWa; Expires=Wed Oct 21 07:28:00 2026", SetCookie{Name: "id", Value: "a3fWa", Expires: exp}, nil},
		{"id=x; Expires=not a date", SetCookie{Name: "id", Value: "x"}, nil},
		{"  sp = a b c ;  HttpOnly ; PARTITIONED; samesite=STRICT", SetCookie{Name: "sp", Value: "a b c", HttpOnly: true, Partitioned: true, SameSite: "Strict"}, nil},
		{"a=b=c", SetCookie{Name: "a", Value: "b=c"}, nil},
		{`q="quoted value"`, SetCookie{Name: "q", Value: `"quoted value"`}, nil},
		{"nameless", SetCookie{Value: "nameless"}, nil},
		{"=v", SetCookie{Value: "v"}, nil},
		{"k=", SetCookie{Name: "k"}, nil},
		{"k=v; Max-Age=-1", SetCookie{Name: "k", Value: "v", MaxAge: -1, HasMaxAge: true}, nil},
		{"k=v; Max-Age=1x", SetCookie{Name: "k", Value: "v"}, nil},
		{"k=v; Max-Age=99999999999999999999", SetCookie{Name: "k", Value: "v", MaxAge: 1<<31 - 1, HasMaxAge: true}, nil},
		{"k=v; Path=relative", SetCookie{Name: "k", Value: "v"}, nil},
		{"k=v; Path=/a; Path=b", SetCookie{Name: "k", Value: "v"}, nil},
		{"k=v; SameSite=bogus", SetCookie{Name: "k", Value: "v"}, nil},
		{"k=v; Domain=; Domain=..a.b", SetCookie{Name: "k", Value: "v", Domain: "a.b"}, nil},
		{"k=v; Unknown=1; Priority=High; ;;", SetCookie{Name: "k", Value: "v"}, nil},
		{"", SetCookie{}, ErrEmpty},
		{" ; Path=/", SetCookie{}, ErrEmpty},
		{"=", SetCookie{}, ErrEmpty},
		{"a\x00b=1", SetCookie{Name: "a\x00b", Value: "1"}, ErrCTL},
		{"a=1\x7f", SetCookie{Name: "a", Value: "1\x7f"}, ErrCTL},
		{"a=" + strings.Repeat("x", 4096), SetCookie{Name: "a", Value: strings.Repeat("x", 4096)}, ErrTooLarge},
	}
	for _, tt := range tests {
		got, err := ParseSetCookie(tt.in)
		if err != tt.err {
			t.Errorf("ParseSetCookie(%q) error %v, want %v", tt.in, err, tt.err)
			continue
		}
		tt.want.Raw = tt.in
		if !sameSetCookie(got, tt.want) || got.Raw != tt.in {
			t.Errorf("ParseSetCookie(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
		}
	}
}

func sameSetCookie(a, b SetCookie) bool {
	if !a.Expires.Equal(b.Expires) {
		return false
	}
	a.Expires, b.Expires, a.Raw, b.Raw = time.Time{}, time.Time{}, "", ""
	return a == b
}

// TestParseSetCookieAgainstNetHTTP checks names, values and the common
// attributes against net/http's parser on well-formed lines.
func TestParseSetCookieAgainstNetHTTP(t *testing.T) {
	lines := []string{
		"_ga=GA1.2.3.4; Path=/; Domain=example.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure; HttpOnly",
		"sid=abc; Max-Age=3600; SameSite=None; Secure",
		"a=b; path=/x; domain=.sub.example.com",
		"pref=lang%3Den; Max-Age=0",
	}
	for _, l := range lines {
		want, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseSetCookie(l)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != want.Name || got.Value != want.Value || got.Path != want.Path ||
			got.Domain != strings.TrimPrefix(want.Domain, ".") || got.Secure != want.Secure ||
			got.HttpOnly != want.HttpOnly || !got.Expires.Equal(want.Expires) {
			t.Errorf("%q:\n ours %+v\n net/http %+v", l, got, want)
		}
	}
}

func TestSetCookieString(t *testing.T) {
	in := "_ga=GA1; secure; samesite=none; max-age=10; expires=Wed, 21-Oct-2026 07:28:00 GMT; domain=.EXAMPLE.com; path=/p; httponly; partitioned"
	sc, err := ParseSetCookie(in)
	if err != nil {
		t.Fatal(err)
	}
	want := "_ga=GA1; Path=/p; Domain=example.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Max-Age=10; Secure; HttpOnly; SameSite=None; Partitioned"
	if got := sc.String(); got != want {
		t.Errorf("String()\n got %q\nwant %q", got, want)
	}
}

func TestParseCookieHeader(t *testing.T) {
	tests := []struct {
		in   string
		want []string // name=value
	}{
		{"", nil},
		{"a=1", []string{"a=1"}},
		{"a=1; b=2;c=3", []string{"a=1", "b=2", "c=3"}},
		{" a = 1 ;; ; b=2 ; ", []string{"a=1", "b=2"}},
		{"a=1=2; nameless; =v", []string{"a=1=2", "=nameless", "=v"}},
		{`q="x y"; t=	tab`, []string{`q="x y"`, "t=tab"}},
		{"_ga=GA1.2.3.4; _ga=GA1.2.5.6", []string{"_ga=GA1.2.3.4", "_ga=GA1.2.5.6"}},
	}
	for _, tt := range tests {
		var got []string
		ParseCookieHeader(tt.in, func(n, v string) bool {
			got = append(got, n+"="+v)
			return true
		})
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("ParseCookieHeader(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Stopping early.
	n := 0
	ParseCookieHeader("a=1; b=2; c=3", func(string, string) bool { n++; return n < 2 })
	if n != 2 {
		t.Errorf("fn called %d times after returning false, want 2", n)
	}
}

func TestParseCookieHeaderAllocs(t *testing.T) {
	h := "_ga=GA1.2.3.4; _gid=GA1.2.5.6; PHPSESSID=abc; _fbp=fb.1.2.3; theme=dark"
	count := 0
	allocs := testing.AllocsPerRun(200, func() {
		ParseCookieHeader(h, func(n, v string) bool { count += len(n) + len(v); return true })
	})
	if allocs != 0 {
		t.Errorf("ParseCookieHeader allocates %.1f times, want 0", allocs)
	}
}

func TestSplitSetCookies(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a=1", []string{"a=1"}},
		{"a=1, b=2", []string{"a=1", "b=2"}},
		{"_ga=GA1.2.3; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/, sid=x; HttpOnly",
			[]string{"_ga=GA1.2.3; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/", "sid=x; HttpOnly"}},
		{"a=1; Expires=Wednesday, 21-Oct-26 07:28:00 GMT,b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT",
			[]string{"a=1; Expires=Wednesday, 21-Oct-26 07:28:00 GMT", "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT"}},
		{"a=x,y; Path=/", []string{"a=x,y; Path=/"}},
		{" , a=1 ,, ", []string{"a=1 ,,"}},
	}
	for _, tt := range tests {
		if got := SplitSetCookies(tt.in); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("SplitSetCookies(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
