package policy

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
)

func TestFindLinks(t *testing.T) {
	base, _ := url.Parse("https://shop.example.com/de/products/index.html")
	tests := []struct {
		name string
		page string
		want []string
	}{
		{"footer privacy policy",
			`<nav><a href="/about">About</a></nav><footer><a href="/terms">Terms of Service</a> <a href="/privacy-policy">Privacy Policy</a></footer>`,
			[]string{"https://shop.example.com/privacy-policy"}},
		{"policy before cookie policy, relative resolved",
			`<footer><a href="cookies.html">Cookie Policy</a><a href="../../legal/privacy">Privacy notice</a></footer>`,
			[]string{"https://shop.example.com/legal/privacy", "https://shop.example.com/de/products/cookies.html"}},
		{"datenschutz, impressum is not a policy",
			`<footer><a href="/impressum">Impressum</a><a href="/datenschutz">Datenschutzerklärung</a></footer>`,
			[]string{"https://shop.example.com/datenschutz"}},
		{"french",
			`<a href="/mentions-legales">Mentions légales</a><a href="https://www.example.fr/confidentialite">Politique de confidentialité</a>`,
			[]string{"https://www.example.fr/confidentialite"}},
		{"spanish, aviso legal is not a policy",
			`<a href="/aviso-legal">Aviso legal</a><a href="/politica-de-privacidad">Política de privacidad</a><a href="/cookies">Política de cookies</a>`,
			[]string{"https://shop.example.com/politica-de-privacidad", "https://shop.example.com/cookies"}},
		{"settings buttons and opt-out links are not policies",
			`<a href="#" onclick="x()">Privacy settings</a><a href="/ccpa">Do Not Sell or Share My Personal Information</a><a href="/cookie-prefs">Manage cookies</a>`,
			nil},
		{"path only when the label says nothing",
			`<a href="/legal/privacy.html"><img src="p.png" alt=""></a><a href="/blog">Blog</a>`,
			[]string{"https://shop.example.com/legal/privacy.html"}},
		{"exact label ranks above a mention, fragment dropped, duplicates merged",
			`<a href="/help#privacy">Your privacy at a glance</a><a href="/privacy#top">Privacy</a><a href="/privacy">Privacy Policy</a>`,
			[]string{"https://shop.example.com/privacy", "https://shop.example.com/help"}},
		{"aria-label and title count as labels",
			`<a href="/p1" aria-label="Privacy Policy"><svg></svg></a>`,
			[]string{"https://shop.example.com/p1"}},
		{"non-http links dropped",
			`<a href="mailto:privacy@example.com">Privacy</a><a href="javascript:void(0)">Privacy Policy</a><a href="ftp://example.com/privacy">Privacy</a>`,
			nil},
		{"unclosed anchor at end of page",
			`<footer><a href="/privacy">Privacy`,
			[]string{"https://shop.example.com/privacy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindLinks([]byte(tt.page), base)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestFindLinksFooterBonus(t *testing.T) {
	base, _ := url.Parse("https://example.com/")
	page := `<main><a href="/blog/privacy-tips">Privacy tips</a></main><footer><a href="/privacy">Privacy center</a></footer>`
	got := FindLinks([]byte(page), base)
	if len(got) != 2 || got[0] != "https://example.com/privacy" {
		t.Fatalf("footer link not first: %q", got)
	}
}

func TestVisibleText(t *testing.T) {
	page := `<html><head><title>T</title><script>var dnt="We sell your data";</script><style>p{}</style></head>
<body><p>We do not sell<br>your data.</p><div hidden>We honor DNT.</div><span style="display: none">hidden</span>
<ul><li>Cookies &amp; web beacons</li></ul><template><p>tpl</p></template><p aria-hidden="true">aria</p></body></html>`
	got, err := VisibleText(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	want := "We do not sell\nyour data.\nCookies & web beacons\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestExtractHTML(t *testing.T) {
	page := `<html><body><nav>Home</nav><h1>Privacy Policy</h1>
<p>We use Google Analytics. We do not sell your personal information.</p>
<script>document.write("We may sell your personal information.")</script>
<p>We honor <b>Do Not Track</b> signals.</p></body></html>`
	c, err := ExtractHTML(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if c.SellsPersonalData != No || c.DNT != Honored || !reflect.DeepEqual(c.AnalyticsVendors, []string{"google-analytics"}) {
		t.Errorf("got %+v", c)
	}
	if c.Evidence["dnt"] != "We honor Do Not Track signals." {
		t.Errorf("dnt evidence %q", c.Evidence["dnt"])
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errFail }

var errFail = &url.Error{Op: "read", URL: "x", Err: errString("boom")}

type errString string

func (e errString) Error() string { return string(e) }

func TestExtractHTMLReadError(t *testing.T) {
	if _, err := ExtractHTML(failingReader{}); err == nil {
		t.Fatal("read error lost")
	}
}

// TestFindLinksRealPages: the policy link of real pages saved in
// ../shared/data/html (their footers as published).
func TestFindLinksRealPages(t *testing.T) {
	dir := fixture.SharedPath(t, "data/html")
	base, _ := url.Parse("https://www.example.com/")
	tests := []struct{ file, first string }{
		{"sample_bbc.html", "https://www.example.com/privacy/"},
		{"sample_amazon.html", "https://www.example.com/gp/help/customer/display.html/ref=footer_privacy?ie=UTF8&nodeId=468496"},
		{"sample_stackoverflow.html", "http://stackexchange.com/legal/privacy-policy"},
		{"sample_wikipedia.html", "https://wikimediafoundation.org/wiki/Privacy_policy"},
		{"sample_es6.html", ""},
	}
	for _, tt := range tests {
		page, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		got := FindLinks(page, base)
		first := ""
		if len(got) > 0 {
			first = got[0]
		}
		if first != tt.first {
			t.Errorf("%s: first link %q, want %q (all: %q)", tt.file, first, tt.first, got)
		}
	}
}
