package filter

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func mustEngine(t testing.TB, rules ...string) *Engine {
	t.Helper()
	e, rep := Compile(List{Name: "test.txt", Data: []byte(strings.Join(rules, "\n"))})
	if len(rep.Errors) > 0 {
		t.Fatalf("parse errors: %v", rep.Errors)
	}
	return e
}

// manyTokens returns n distinct path tokens (more than a Request stores).
func manyTokens(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "t%d/", i)
	}
	return b.String()
}

func TestMatchSyntax(t *testing.T) {
	const page = "https://news.example.com/article"
	tests := []struct {
		name    string
		rules   []string
		url     string
		source  string
		typ     Type
		blocked bool
	}{
		{"host anchor", []string{"||ads.com^"}, "https://ads.com/x.js", page, TypeScript, true},
		{"host anchor subdomain", []string{"||ads.com^"}, "https://cdn.ads.com/x.js", page, TypeScript, true},
		{"host anchor not suffix of label", []string{"||ads.com^"}, "https://badads.com/x.js", page, TypeScript, false},
		{"host anchor not prefix", []string{"||ads.com^"}, "https://ads.com.evil.net/", page, TypeScript, false},
		{"host anchor with port", []string{"||ads.com^"}, "https://ads.com:8443/x", page, TypeScript, true},
		{"host-only without caret needs whole label", []string{"||ads.com"}, "https://ads.community/", page, TypeScript, false},
		{"host-only without caret", []string{"||ads.com"}, "https://ads.com/", page, TypeScript, true},
		{"host anchor with path", []string{"||ads.com/banner/"}, "https://www.ads.com/banner/1.gif", page, TypeImage, true},
		{"host anchor path mismatch", []string{"||ads.com/banner/"}, "https://www.ads.com/other/1.gif", page, TypeImage, false},
		{"host anchor only in host", []string{"||ads.com^"}, "https://x.net/?r=https://ads.com/", page, TypeImage, false},
		{"left anchor", []string{"|https://t.example.org/"}, "https://t.example.org/p", page, TypeImage, true},
		{"left anchor mismatch", []string{"|http://t.example.org/"}, "https://t.example.org/p", page, TypeImage, false},
		{"right anchor", []string{".gif|"}, "https://x.net/a.gif", page, TypeImage, true},
		{"right anchor mismatch", []string{".gif|"}, "https://x.net/a.gif?x", page, TypeImage, false},
		{"both anchors", []string{"|https://x.net/a|"}, "https://x.net/a", page, TypeImage, true},
		{"plain substring", []string{"/banner/ad"}, "https://x.net/banner/ad.png", page, TypeImage, true},
		{"plain substring case-insensitive", []string{"/Banner/AD"}, "https://x.net/BANNER/ad.png", page, TypeImage, true},
		{"wildcard", []string{"/ads/*/track"}, "https://x.net/ads/123/track?x", page, TypeImage, true},
		{"wildcard order", []string{"/ads/*/track"}, "https://x.net/track/ads/", page, TypeImage, false},
		{"caret separator", []string{"/pixel^"}, "https://x.net/pixel?id=1", page, TypeImage, true},
		{"caret not letter", []string{"/pixel^"}, "https://x.net/pixels", page, TypeImage, false},
		{"caret not dash", []string{"/pixel^"}, "https://x.net/pixel-1", page, TypeImage, false},
		{"caret end of url", []string{"/pixel^"}, "https://x.net/pixel", page, TypeImage, true},
		{"caret in middle", []string{"^utm^"}, "https://x.net/a/utm/b", page, TypeImage, true},
		{"regex", []string{`/\/[0-9a-f]{32}\/invoke\.js/`}, "https://x.net/0123456789abcdef0123456789abcdef/invoke.js", page, TypeScript, true},
		{"regex no match", []string{`/\/[0-9a-f]{32}\/invoke\.js/`}, "https://x.net/0123/invoke.js", page, TypeScript, false},
		{"regex case-insensitive", []string{`/TRACK[0-9]+/`}, "https://x.net/track12", page, TypeScript, true},
		{"regex match-case", []string{`/TRACK[0-9]+/$match-case`}, "https://x.net/track12", page, TypeScript, false},
		{"match-case pattern", []string{"/Track.js$match-case"}, "https://x.net/track.js", page, TypeScript, false},
		{"match-case pattern hit", []string{"/Track.js$match-case"}, "https://x.net/Track.js", page, TypeScript, true},
		{"exception", []string{"||ads.com^", "@@||ads.com/ok/"}, "https://ads.com/ok/1.js", page, TypeScript, false},
		{"exception elsewhere", []string{"||ads.com^", "@@||ads.com/ok/"}, "https://ads.com/no/1.js", page, TypeScript, true},
		{"important beats exception", []string{"||ads.com^$important", "@@||ads.com/ok/"}, "https://ads.com/ok/1.js", page, TypeScript, true},
		{"third-party", []string{"||cdn.net^$third-party"}, "https://cdn.net/x.js", page, TypeScript, true},
		{"third-party same site", []string{"||example.com^$third-party"}, "https://static.example.com/x.js", page, TypeScript, false},
		{"3p alias", []string{"||cdn.net^$3p"}, "https://cdn.net/x.js", page, TypeScript, true},
		{"first-party", []string{"/track.js$~third-party"}, "https://static.example.com/track.js", page, TypeScript, true},
		{"first-party on 3p", []string{"/track.js$~third-party"}, "https://cdn.net/track.js", page, TypeScript, false},
		{"1p alias", []string{"/track.js$1p"}, "https://cdn.net/track.js", page, TypeScript, false},
		{"etld+1 third party", []string{"||co.uk^$third-party"}, "https://a.bbc.co.uk/x", "https://www.bbc.co.uk/", TypeScript, false},
		{"type match", []string{"/ad.$script"}, "https://x.net/ad.js", page, TypeScript, true},
		{"type mismatch", []string{"/ad.$script"}, "https://x.net/ad.png", page, TypeImage, false},
		{"type negation", []string{"/ad.$~image"}, "https://x.net/ad.png", page, TypeImage, false},
		{"type negation other", []string{"/ad.$~image"}, "https://x.net/ad.js", page, TypeScript, true},
		{"xhr alias", []string{"/api/track$xhr"}, "https://x.net/api/track", page, TypeXHR, true},
		{"frame alias", []string{"/embed/ad$frame"}, "https://x.net/embed/ad", page, TypeSubdocument, true},
		{"document is top level", []string{"||evil.net^$document"}, "https://evil.net/", page, TypeSubdocument, false},
		{"websocket", []string{"||ws.net^$websocket"}, "wss://ws.net/socket", page, TypeWebsocket, true},
		{"domain include", []string{"/ad.js$domain=example.com"}, "https://x.net/ad.js", page, TypeScript, true},
		{"domain other", []string{"/ad.js$domain=other.com"}, "https://x.net/ad.js", page, TypeScript, false},
		{"domain exclude", []string{"/ad.js$domain=example.com|~news.example.com"}, "https://x.net/ad.js", page, TypeScript, false},
		{"domain only exclude", []string{"/ad.js$domain=~example.com"}, "https://x.net/ad.js", page, TypeScript, false},
		{"domain only exclude other", []string{"/ad.js$domain=~other.com"}, "https://x.net/ad.js", page, TypeScript, true},
		{"from alias", []string{"/ad.js$from=example.com"}, "https://x.net/ad.js", page, TypeScript, true},
		{"domain entity", []string{"/ad.js$domain=example.*"}, "https://x.net/ad.js", "https://www.example.co.uk/", TypeScript, true},
		{"badfilter", []string{"||ads.com^", "||ads.com^$badfilter"}, "https://ads.com/", page, TypeScript, false},
		{"badfilter only identical", []string{"||ads.com^$script", "||ads.com^$badfilter"}, "https://ads.com/", page, TypeScript, true},
		{"redirect blocks", []string{"||ads.com/a.js$redirect=noop.js,script"}, "https://ads.com/a.js", page, TypeScript, true},
		{"popup skipped", []string{"||ads.com^$popup"}, "https://ads.com/", page, TypeSubdocument, false},
		{"no source: first party", []string{"||ads.com^$third-party"}, "https://ads.com/", "", TypeScript, false},
		{"idn rule", []string{"||bücher.de^"}, "https://xn--bcher-kva.de/ad", page, TypeScript, true},
		{"ipv6 literal", []string{"||[::1]^"}, "http://[::1]:8080/", page, TypeScript, false},
		{"long url tokens", []string{"/zzzrare/"}, "https://x.net/" + manyTokens(300) + "zzzrare/", page, TypeScript, true},
		{"long url tokens no match", []string{"/zzzrare/"}, "https://x.net/" + manyTokens(300) + "zzzrar/", page, TypeScript, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEngine(t, tc.rules...)
			r, err := NewRequest(tc.url, tc.source, tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			v := e.Match(r)
			if v.Blocked != tc.blocked {
				t.Errorf("Match(%s) blocked=%v, want %v (rule %v, exception %v)", tc.url, v.Blocked, tc.blocked, v.Rule, v.Exception)
			}
			if v.Blocked && (v.Rule == nil || v.List != "test.txt") {
				t.Errorf("blocked verdict without rule/list: %+v", v)
			}
		})
	}
}

func TestParseSkipsAndErrors(t *testing.T) {
	tests := []struct {
		line string
		kind string // "" = parsed, "error" = ParseError
	}{
		{"! comment", "comment"},
		{"[Adblock Plus 2.0]", "comment"},
		{"example.com##.ad", "cosmetic"},
		{"example.com#@#.ad", "cosmetic"},
		{"example.com#?#div:has(.ad)", "cosmetic"},
		{"example.com#$#abort-on-property-read x", "cosmetic"},
		{"example.com##+js(aopr, x)", "scriptlet"},
		{"example.com#%#//scriptlet('x')", "scriptlet"},
		{"||a.com^$redirect-rule=noop.js", "redirect"},
		{"@@||a.com^$redirect=noop.js", "redirect"},
		{"||a.com^$removeparam=utm_source", "removeparam"},
		{"||a.com^$csp=script-src 'none'", "csp"},
		{"||a.com^$rewrite=abp-resource:blank-js", "rewrite"},
		{"||a.com^$popup", "popup"},
		{"@@||a.com^$generichide", "unsupported-option:generichide"},
		{"||a.com^$method=post", "unsupported-option:method"},
		{"||a.com^$denyallow=b.com,domain=c.com", "unsupported-option:denyallow"},
		{"||a.com^", ""},
		{"@@||a.com^$script,domain=b.com|~c.b.com", ""},
		{"/ads?/", ""},
		{"/(?=x)ad/", "error"},
		{"/a[/", "error"},
		{"||a.com^$domain=", "error"},
		{"||a.com^$third-party,~third-party", "error"},
		{"||a.com^$script,~script", "error"},
		{"||a.com^$~important", "error"},
		{"||a.com^$", "error"},
		{"||a.com^$,script", "error"},
		{"@@", "error"},
		{"a\x00b", "error"},
		{"a\xffb", "error"},
		{strings.Repeat("a", MaxLineLength+1), "error"},
	}
	for _, tc := range tests {
		r, err := ParseRule(tc.line)
		kind, skipped := SkipKind(err)
		switch {
		case tc.kind == "":
			if err != nil || r == nil {
				t.Errorf("ParseRule(%.40q) = %v, want a rule", tc.line, err)
			}
		case tc.kind == "error":
			if err == nil || skipped {
				t.Errorf("ParseRule(%.40q) = %v, %v; want an error", tc.line, r, err)
			}
		default:
			if !skipped || kind != tc.kind {
				t.Errorf("ParseRule(%.40q) = %v; want skip %q", tc.line, err, tc.kind)
			}
			if !errors.Is(err, ErrSkipped) {
				t.Errorf("skip error does not wrap ErrSkipped")
			}
		}
	}
}

func TestCompileReport(t *testing.T) {
	data := "! title\n||a.com^\n##.ad\nbad$domain=\n||b.com^$popup\n||a.com^\n\n\xff\xfe\n"
	e, rep := Compile(List{Name: "l.txt", Data: []byte(data)})
	if rep.Rules != 1 || e.Rules() != 1 {
		t.Errorf("rules = %d, want 1", rep.Rules)
	}
	if len(rep.Errors) != 2 || rep.Errors[0].Line != 4 || rep.Errors[1].Line != 8 {
		t.Fatalf("errors = %v", rep.Errors)
	}
	if got := rep.Errors[0].Error(); !strings.HasPrefix(got, "l.txt:4: ") || !strings.HasSuffix(got, ": bad$domain=") {
		t.Errorf("error text %q", got)
	}
	for k, want := range map[string]int{"comment": 1, "cosmetic": 1, "popup": 1, "duplicate": 1} {
		if rep.Skipped[k] != want {
			t.Errorf("Skipped[%q] = %d, want %d (%v)", k, rep.Skipped[k], want, rep.Skipped)
		}
	}
}

func TestCompileGarbage(t *testing.T) {
	bin := make([]byte, 1<<16)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	long := strings.Repeat("x", 10<<20)
	e, rep := Compile(List{Name: "bin", Data: bin}, List{Name: "long", Data: []byte(long + "\n||ok.com^\n")})
	if len(rep.Errors) == 0 {
		t.Error("no errors for binary garbage")
	}
	found := false
	for _, pe := range rep.Errors {
		if pe.List == "long" && pe.Line == 1 && strings.Contains(pe.Err.Error(), "too long") && len(pe.Text) < 300 {
			found = true
		}
	}
	if !found {
		t.Errorf("10 MB line not reported as too long: %v", rep.Errors)
	}
	r, _ := NewRequest("https://ok.com/", "https://x.com/", TypeScript)
	if !e.Match(r).Blocked {
		t.Error("rule after the long line not applied")
	}
}

func TestRuleStringRoundTrip(t *testing.T) {
	lines := []string{
		"||ads.com^", "@@||a.com/x$script,domain=b.com|~c.b.com", "|https://x.org/a|",
		"/ads/*/x^$~image,~third-party", "/re[0-9]+x/$match-case,important",
		"*/foo/*", "foo|*", "*|foo", "a$b$script", "||a.com^$ping,beacon",
		"||a.com^$all", "x$domain=example.*|~[::1]",
	}
	for _, l := range lines {
		r, err := ParseRule(l)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		s := r.String()
		r2, err := ParseRule(s)
		if err != nil {
			t.Fatalf("%s -> %s: %v", l, s, err)
		}
		if !r.equal(r2) || r2.String() != s {
			t.Errorf("%s -> %s -> %s: not stable", l, s, r2.String())
		}
	}
}

func TestParseType(t *testing.T) {
	for name, want := range map[string]Type{
		"document": TypeSubdocument, "sub_frame": TypeSubdocument, "main_frame": TypeDocument,
		"fetch": TypeXHR, "xhr": TypeXHR, "xmlhttprequest": TypeXHR, "beacon": TypePing,
		"eventsource": TypeOther, "manifest": TypeOther, "texttrack": TypeOther, "csp_report": TypeOther,
		"stylesheet": TypeStylesheet, "css": TypeStylesheet, "object": TypeObject, "Script": TypeScript,
	} {
		if got, ok := ParseType(name); !ok || got != want {
			t.Errorf("ParseType(%q) = %v, %v; want %v", name, got, ok, want)
		}
	}
	if _, ok := ParseType("nonsense"); ok {
		t.Error("ParseType accepted nonsense")
	}
	if s := (TypeScript | TypeImage).String(); s != "script,image" {
		t.Errorf("String = %q", s)
	}
}

func TestRequest(t *testing.T) {
	r, err := NewRequest("HTTPS://Sub.Example.CO.UK:8080/Path?Q", "https://www.other.com/", TypeScript)
	if err != nil {
		t.Fatal(err)
	}
	if r.Host() != "sub.example.co.uk" || r.Domain() != "example.co.uk" || r.SourceHost() != "www.other.com" || !r.ThirdParty() || r.Type() != TypeScript {
		t.Errorf("got host=%q domain=%q src=%q 3p=%v", r.Host(), r.Domain(), r.SourceHost(), r.ThirdParty())
	}
	if r.URL() != "HTTPS://Sub.Example.CO.UK:8080/Path?Q" {
		t.Errorf("URL() = %q", r.URL())
	}
	for _, bad := range []string{"ftp://x.com/", "data:text/plain,x", "/relative", "", "https:///nohost"} {
		if _, err := NewRequest(bad, "", TypeOther); err == nil {
			t.Errorf("NewRequest(%q) accepted", bad)
		}
	}
	if r, err := NewRequest("http://[2001:db8::1]:80/x", "", TypeOther); err != nil || r.Host() != "2001:db8::1" {
		t.Errorf("IPv6: %v %v", r, err)
	}
	if r, err := NewRequest("https://bücher.de/", "", TypeOther); err != nil || r.Host() != "xn--bcher-kva.de" {
		t.Errorf("IDN: %v %v", r, err)
	}
}

func TestZeroAllocs(t *testing.T) {
	e := mustEngine(t, "||ads.com^", "/pixel^$third-party", "@@||ads.com/ok/", "/x[0-9]+/$domain=a.com")
	var r Request
	urls := []string{"https://cdn.ads.com/ok/a.js", "https://Tracker.NET/Pixel?id=1", "https://a.com/x12"}
	for _, u := range urls {
		r.Reset(u, "https://www.a.com/", TypeScript) // grow buffers, warm caches
	}
	if n := testing.AllocsPerRun(200, func() {
		for _, u := range urls {
			if err := r.Reset(u, "https://www.a.com/page", TypeScript); err != nil {
				t.Fatal(err)
			}
		}
	}); n != 0 {
		t.Errorf("Request.Reset allocates %.1f times", n)
	}
	if n := testing.AllocsPerRun(200, func() {
		for _, u := range urls {
			r.Reset(u, "https://www.a.com/page", TypeScript)
			e.Match(&r)
		}
	}); n != 0 {
		t.Errorf("Reset+Match allocates %.1f times", n)
	}
	// odd types (several bits, unknown bits) are matched, not rejected
	for _, typ := range []Type{0, TypeScript | TypeImage, 1 << 14} {
		if err := r.Reset("https://cdn.ads.com/x", "https://www.a.com/", typ); err != nil {
			t.Fatal(err)
		}
		e.Match(&r)
	}
	r.Reset(urls[0], "https://www.a.com/page", TypeScript)
	if n := testing.AllocsPerRun(1000, func() { e.Match(&r) }); n != 0 {
		t.Errorf("Match allocates %.1f times", n)
	}
	// A loaded engine compiles its regular expressions on first use, or in
	// Warm; after Warm, matching does not allocate.
	b, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	e2, err := Load(b)
	if err != nil {
		t.Fatal(err)
	}
	e2.Warm()
	if n := testing.AllocsPerRun(200, func() {
		for _, u := range urls {
			r.Reset(u, "https://www.a.com/page", TypeScript)
			e2.Match(&r)
		}
	}); n != 0 {
		t.Errorf("Reset+Match on a loaded engine allocates %.1f times", n)
	}
	if r.Reset("https://a.com/x12", "https://www.a.com/page", TypeScript); !e2.Match(&r).Blocked {
		t.Error("regex rule of the loaded engine does not match")
	}
}

func TestSerializeSmall(t *testing.T) {
	e := mustEngine(t, "||ads.com^$important", "/pixel^$third-party", "@@||ads.com/ok/", `/x[0-9]+/$domain=a.com|~b.a.com`, "-ad-$domain=example.*")
	b, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	e2, err := Load(b)
	if err != nil {
		t.Fatal(err)
	}
	if e2.Rules() != e.Rules() {
		t.Fatalf("rules %d != %d", e2.Rules(), e.Rules())
	}
	for i := range e.rules {
		if e.rules[i].String() != e2.rules[i].String() {
			t.Errorf("rule %d: %s != %s", i, e.rules[i].String(), e2.rules[i].String())
		}
	}
	b2, _ := e2.MarshalBinary()
	if string(b) != string(b2) {
		t.Error("re-serialised bytes differ")
	}
	// corruption is detected
	for _, i := range []int{0, 5, 9, len(b) / 2, len(b) - 1} {
		c := append([]byte(nil), b...)
		c[i] ^= 0x40
		if _, err := Load(c); !errors.Is(err, ErrCorrupt) {
			t.Errorf("flip at %d: err = %v", i, err)
		}
	}
	if _, err := Load(b[:len(b)-3]); err == nil {
		t.Error("truncated input accepted")
	}
}
