package site

// Agreement with golang.org/x/net, which the package replaced: x/net is only
// imported by tests, so it stays out of the wasm core. These tests run on every
// platform, js/wasm included (go_js_wasm_exec gives the test file access).

import (
	"bufio"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/consentguard/consentguard/internal/fixture"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// checkAgainstXNet compares PublicSuffix and Domain with x/net for one host.
func checkAgainstXNet(t testing.TB, host string) {
	t.Helper()
	if _, err := netip.ParseAddr(host); err == nil || IsIP(host) {
		return // IP literals: both return the host, but judge IPs differently
	}
	wantSuffix, wantICANN := publicsuffix.PublicSuffix(host)
	suffix, icann := PublicSuffix(host)
	if suffix != wantSuffix || icann != wantICANN {
		t.Fatalf("PublicSuffix(%q) = %q, %v; x/net says %q, %v", host, suffix, icann, wantSuffix, wantICANN)
	}
	want, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		if strings.HasPrefix(host, ".") || strings.HasSuffix(host, ".") || strings.Contains(host, "..") {
			return // empty labels: x/net refuses, Domain answers (Host never returns these)
		}
		want = host // a public suffix itself: Domain returns it unchanged
	}
	if got := Domain(host); got != want {
		t.Fatalf("Domain(%q) = %q; x/net says %q (%v)", host, got, want, err)
	}
}

// TestPSLAgreesWithXNet checks every rule of psl.dat, as a host and with one
// and two labels in front of it.
func TestPSLAgreesWithXNet(t *testing.T) {
	n := 0
	for line := range strings.Lines(pslData) {
		rule := strings.TrimSpace(line)
		if rule == "" || strings.HasPrefix(rule, "//") {
			continue
		}
		n++
		host := strings.TrimPrefix(rule, "!")
		host = strings.Replace(host, "*", "wild", 1)
		for _, h := range []string{host, "a." + host, "b.a." + host, "www." + host, strings.TrimPrefix(host, "wild.")} {
			checkAgainstXNet(t, h)
		}
	}
	if n < 9000 {
		t.Fatalf("only %d rules checked", n)
	}
}

// TestSharedHostsAgreeWithXNet checks the hosts of real request URLs and of
// the tracker host list.
func TestSharedHostsAgreeWithXNet(t *testing.T) {
	shared := fixture.Shared(t)
	hosts := map[string]bool{}

	f, err := os.Open(filepath.Join(shared, "data/requests/requests.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for line := 1; sc.Scan(); line++ {
		var r struct{ URL, FrameURL string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Errorf("requests.jsonl:%d: %v", line, err)
			continue
		}
		for _, u := range []string{r.URL, r.FrameURL} {
			if h := Host(u); h != "" {
				hosts[h] = true
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	fromRequests := len(hosts)

	b, err := os.ReadFile(filepath.Join(shared, "data/lists/tracker-hosts.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if h := Host(line); h != "" {
			hosts[h] = true
		}
	}
	if fromRequests < 1000 || len(hosts)-fromRequests < 50000 {
		t.Fatalf("%d hosts from requests, %d from tracker-hosts.txt: data not read", fromRequests, len(hosts)-fromRequests)
	}
	for h := range hosts {
		checkAgainstXNet(t, h)
	}
	t.Logf("%d distinct hosts agree", len(hosts))
}

// TestToASCIIAgreesWithIDNA checks the Punycode path on real IDNs.
func TestToASCIIAgreesWithIDNA(t *testing.T) {
	hosts := []string{
		"bücher.example", "münchen.de", "MÜNCHEN.DE", "例え.jp", "例え。テスト", "ελληνικά.gr", "русский.рф",
		"президент.рф", "中国.cn", "中文.中国", "日本語.jp", "한국.kr", "ไทย.th", "عربي.example", "مصر.eg",
		"עברית.example", "हिन्दी.भारत", "இந்தியா.in", "ශ්‍රී.lk", "ქართული.ge", "հայերեն.am", "türkiye.com.tr",
		"çalışkan.tr", "øl.no", "blåbærsyltetøy.no", "fußball.de", "straße.de", "évènement.fr", "españa.es",
		"maña.com", "polska.pl", "żółw.pl", "česko.cz", "việtnam.vn", "україна.укр", "беларусь.бел",
		"қазақстан.қаз", "монгол.мон", "ευρώπη.eu", "☃.net", "i❤.ws", "www.bücher.co.uk", "ΣΊΣΥΦΟΣ.gr",
		"παράδειγμα.δοκιμή", "пример.испытание", "例子.测试", "ｅｘａｍｐｌｅ.ｃｏｍ", "ｂüｃｈｅｒ．ｄｅ",
	}
	for _, h := range hosts {
		want, err := idna.Lookup.ToASCII(h)
		if err != nil {
			t.Fatalf("idna.Lookup.ToASCII(%q): %v (bad test case)", h, err)
		}
		got, err := ToASCII(h)
		if err != nil || got != want {
			t.Errorf("ToASCII(%q) = %q, %v; idna says %q", h, got, err, want)
		}
		if u := Host("https://" + h + "/x"); u != want {
			t.Errorf("Host(https://%s/x) = %q, want %q", h, u, want)
		}
	}
}

// TestToASCIIKnownDifferences documents inputs where ToASCII and UTS #46
// (idna.Lookup) differ, so a change in either is noticed.
func TestToASCIIKnownDifferences(t *testing.T) {
	for _, h := range []string{
		"mu\u0308nchen.de", // decomposed ü: UTS #46 normalises to NFC
		"ﬁnance.example",   // ligature: UTS #46 maps to "fi"
		"İstanbul.tr",      // UTS #46 maps İ to i + U+0307
		"bü\u00adcher.de",  // soft hyphen: UTS #46 ignores it, ToASCII rejects it
	} {
		want, werr := idna.Lookup.ToASCII(h)
		got, err := ToASCII(h)
		if err == nil && werr == nil && got == want {
			t.Errorf("ToASCII(%q) = %q agrees with idna now: update the doc comment", h, got)
		}
	}
}

// FuzzPublicSuffix compares PublicSuffix and Domain with x/net for arbitrary
// ASCII host names.
func FuzzPublicSuffix(f *testing.F) {
	for _, s := range []string{"www.bbc.co.uk", "a.b.c.ck", "www.ck", "x.foo.github.io", "example.cromulent", "a..com", "com.", ".com", "xn--p1ai", "a.city.kawasaki.jp", "1.2.3.04"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 || 'A' <= s[i] && s[i] <= 'Z' {
				return // PublicSuffix takes lower-case ASCII, as Host returns it
			}
		}
		checkAgainstXNet(t, s)
	})
}

// FuzzToASCII checks that what ToASCII accepts round-trips through x/net's
// Punycode decoder to the lower-cased input, and that it agrees with
// idna.Lookup for single-script lower-case letters.
func FuzzToASCII(f *testing.F) {
	for _, s := range []string{"bücher.example", "例え.jp", "ελληνικά.gr", "Hello世界.com", "a\u3002b", "ＡＢＣ.ｊｐ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ToASCII(s)
		if err != nil {
			return
		}
		for i := 0; i < len(got); i++ {
			if got[i] >= 0x80 || 'A' <= got[i] && got[i] <= 'Z' {
				t.Fatalf("ToASCII(%q) = %q is not lower-case ASCII", s, got)
			}
		}
		back, err := idna.Punycode.ToUnicode(got)
		if err != nil {
			t.Fatalf("ToASCII(%q) = %q, which x/net cannot decode: %v", s, got, err)
		}
		want := strings.Map(func(r rune) rune {
			switch {
			case r == '\u3002' || r == '\uff0e' || r == '\uff61':
				return '.'
			case r >= 0xff01 && r <= 0xff5e:
				r -= 0xfee0
			}
			return toLower(r)
		}, s)
		if back != want {
			t.Fatalf("ToASCII(%q) = %q decodes to %q, want %q", s, got, back, want)
		}
		if !utf8.ValidString(s) {
			t.Fatalf("ToASCII accepted invalid UTF-8 %q", s)
		}
		// Where the input is already what UTS #46 maps it to (lower-case
		// letters of one common alphabet), the result must be idna's.
		if simple(s) {
			if w, err := idna.Lookup.ToASCII(s); err == nil && w != got {
				t.Fatalf("ToASCII(%q) = %q, idna says %q", s, got, w)
			}
		}
	})
}

func toLower(r rune) rune { return []rune(strings.ToLower(string(r)))[0] }

// simple reports whether s holds only a-z, 0-9, '.', '-' and lower-case
// letters of the Latin-1, Greek or Cyrillic blocks without final sigma.
func simple(s string) bool {
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '.', r == '-':
		case 0xe0 <= r && r <= 0xff && r != 0xf7:
		case 0x3ac <= r && r <= 0x3ce && r != 0x3c2:
		case 0x430 <= r && r <= 0x45f:
		default:
			return false
		}
	}
	return true
}

var errSink error

func BenchmarkXNetPublicSuffix(b *testing.B) {
	b.ReportAllocs()
	hosts := []string{"securepubads.g.doubleclick.net", "www.bbc.co.uk", "x.foo.github.io", "a.b.c.ck"}
	for i := 0; b.Loop(); i++ {
		_, _ = publicsuffix.PublicSuffix(hosts[i&3])
	}
}

func BenchmarkXNetToASCII(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, errSink = idna.Lookup.ToASCII("www.bücher.example")
	}
}
