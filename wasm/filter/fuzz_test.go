package filter

import (
	"encoding/binary"
	"hash/crc32"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

var seedRules = []string{
	"||ads.com^", "@@||a.com/x$script,domain=b.com|~c.b.com", "|https://x.org/a|", "/ads/*/x^$~image,~third-party",
	"/re[0-9]+x/$match-case,important", "*/foo/*", "foo|*", "*|foo", "a$b$script", "||a.com^$ping",
	"example.com##.ad", "||a.com^$redirect=noop.js", "/(?=x)/", "x$domain=example.*|~[::1]", "||bücher.de^",
	"^", "|", "||", "*", "@@*$all", "/a/$domain=~x.com", "||a.b^c*d|",
}

// FuzzParseRule checks that String is canonical: parse(String()) is an equal
// rule with the same String.
func FuzzParseRule(f *testing.F) {
	for _, s := range seedRules {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, err := ParseRule(line)
		if err != nil {
			return
		}
		s := r.String()
		r2, err := ParseRule(s)
		if err != nil {
			t.Fatalf("%q -> %q: %v", line, s, err)
		}
		if !r.equal(r2) {
			t.Fatalf("%q -> %q: rules differ: %+v vs %+v", line, s, r, r2)
		}
		if s2 := r2.String(); s2 != s {
			t.Fatalf("%q -> %q -> %q: String not stable", line, s, s2)
		}
	})
}

// FuzzRequest checks host extraction against net/url for http(s) URLs it accepts.
func FuzzRequest(f *testing.F) {
	for _, s := range []string{
		"https://a.com/x", "HTTP://User:pw@Sub.Example.COM:8080/p?q#f", "http://[::1]:80/", "https://bücher.de/",
		"https://xn--bcher-kva.de./x", "http://1.2.3.4/", "https://a.com?x", "https://a.com#x", "http://a_b.c/",
	} {
		f.Add(s)
	}
	var r Request
	f.Fuzz(func(t *testing.T, s string) {
		err := r.Reset(s, "https://page.example/", TypeOther)
		u, uerr := url.Parse(s)
		if uerr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" {
			return
		}
		want := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
		if want == "" {
			if err == nil && !strings.Contains(s, "\\") {
				t.Fatalf("%q: net/url finds no host, we found %q", s, r.Host())
			}
			return
		}
		for _, c := range want {
			if c < 0x80 && !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == ':') {
				return // sub-delimiters etc.: hosts browsers and net/url treat differently
			}
		}
		if !utf8.ValidString(u.Hostname()) {
			return // invalid UTF-8 host: we reject it, net/url keeps the bytes
		}
		if strings.ContainsAny(s, "\\\t\r\n ") || strings.ContainsAny(want, "%<>\"^|`{}") {
			return // browsers and net/url differ on these; not compared
		}
		accept := []string{want}
		if !isASCII(want) {
			// IDN: site.Host converts with its own punycode encoder, which may
			// map fewer code points than UTS #46 (idna.Lookup); and the UTS #46
			// mapping can depend on case (U+013F vs U+0140). Any of these is
			// an acceptable reference.
			accept = accept[:0]
			for _, c := range []struct {
				p *idna.Profile
				h string
			}{{idna.Lookup, want}, {idna.Lookup, strings.TrimSuffix(u.Hostname(), ".")}, {idna.Punycode, want}} {
				if a, err := c.p.ToASCII(c.h); err == nil && a != "" {
					accept = append(accept, a)
				}
			}
			if len(accept) == 0 || err != nil {
				return // IDN validity rules differ (unassigned code points ...): not compared
			}
		}
		if err != nil {
			t.Fatalf("%q: net/url host %q, Reset error %v", s, accept[0], err)
		}
		for _, a := range accept {
			if r.Host() == a {
				return
			}
		}
		t.Fatalf("%q: host %q, net/url %q", s, r.Host(), accept)
	})
}

// linearMatch is the reference: every rule checked, no index.
func linearMatch(e *Engine, r *Request) (blocked bool) {
	var blk, exc bool
	for i := range e.rules {
		ru := &e.rules[i]
		if !ru.matchesNoBloom(r) {
			continue
		}
		switch ruleClass(ru) {
		case clsImportant:
			return true
		case clsBlock:
			blk = true
		case clsException:
			exc = true
		}
	}
	return blk && !exc
}

func (r *Rule) matchesNoBloom(req *Request) bool {
	c := *r
	c.bloom = noBloom
	return c.matches(req)
}

// FuzzMatch checks that the token index finds exactly what a linear scan of
// all rules finds, and that nothing panics.
func FuzzMatch(f *testing.F) {
	f.Add("||ads.com^\n/pixel^$third-party\n@@||ads.com/ok/", "https://cdn.ads.com/ok/pixel?x", "https://news.example/", uint16(TypeImage))
	f.Add("/a*b^c|\n||x.y/z^", "https://x.y/z", "", uint16(TypeScript))
	f.Add("/[0-9]{3}/$domain=example.*", "http://q.net/123", "https://www.example.de/", uint16(TypeXHR))
	f.Add("||x.com/i/jot\n||ads.com^$third-party\n@@||ads.com:8080/ok^", "https://a.x.com/i/jot?ads.com", "https://ads.com/", uint16(TypeImage))
	f.Add("*$xhr,domain=a.com|b.org\n/x/$domain=~c.a.com|a.com\n/^https?:\\/\\/q/$domain=z.*", "https://q.net/x/", "https://c.a.com/", uint16(TypeXHR))
	f.Add("||2001^\n||db8^$image", "http://[2001:db8::1]:80/x", "", uint16(TypeImage))
	f.Fuzz(func(t *testing.T, list, u, src string, typ uint16) {
		e, _ := Compile(List{Name: "fuzz", Data: []byte(list)})
		r, err := NewRequest(u, src, Type(typ)&TypeAll)
		if err != nil {
			return
		}
		v := e.Match(r)
		if want := linearMatch(e, r); v.Blocked != want {
			t.Fatalf("index verdict %v, linear %v (rule %v exc %v)", v.Blocked, want, v.Rule, v.Exception)
		}
		b, err := e.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		e2, err := Load(b)
		if err != nil {
			t.Fatal(err)
		}
		if v2 := e2.Match(r); v2.Blocked != v.Blocked {
			t.Fatalf("loaded engine verdict %v, compiled %v", v2.Blocked, v.Blocked)
		}
	})
}

func fixChecksum(b []byte) {
	if len(b) >= 8 {
		binary.LittleEndian.PutUint32(b[4:8], crc32.ChecksumIEEE(b[8:]))
	}
}

// FuzzLoad feeds corrupted serialised engines (with a valid checksum, so the
// structural checks are exercised) to Load: no panics, and an engine that
// loads can match and re-serialise.
func FuzzLoad(f *testing.F) {
	e := mustEngine(f, "||ads.com^$important", "/pixel^$third-party", "@@||ads.com/ok/", `/x[0-9]+/$domain=a.com|~b.a.com`, "-ad-$domain=example.*", "||h.com", "|a*b^c|")
	b, _ := e.MarshalBinary()
	f.Add(b, 0, byte(0))
	f.Add(b, 40, byte(0xff))
	f.Add(b[:30], 10, byte(1))
	reqs := []string{"https://cdn.ads.com/ok/a.js", "https://t.net/pixel?id=1", "https://a.com/x12", "https://h.com/"}
	f.Fuzz(func(t *testing.T, data []byte, pos int, val byte) {
		data = append([]byte(nil), data...)
		if len(data) > 0 && pos >= 0 {
			data[pos%len(data)] ^= val
		}
		fixChecksum(data)
		e, err := Load(data)
		if err != nil {
			return
		}
		var r Request
		for _, u := range reqs {
			if r.Reset(u, "https://www.a.com/", TypeScript) == nil {
				e.Match(&r)
			}
		}
		if _, err := e.MarshalBinary(); err != nil {
			t.Fatal(err)
		}
		_ = e.Size()
		for i := range e.rules {
			_ = e.rules[i].String()
		}
	})
}
