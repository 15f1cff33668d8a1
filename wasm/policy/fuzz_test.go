package policy

import (
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/policy/policytest"
)

// seedCorpus adds the test policies and a few hostile strings.
func seedCorpus(f *testing.F) {
	// Lines, not whole files: the fuzzer minimises every new input, and
	// minimising kilobytes takes minutes.
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if len(line) > 20 && len(line) < 200 {
				f.Add(line)
			}
		}
	}
	for _, s := range []string{"", ".", "\n\n", "We do not. Sell. ", "e.g. U.S. Inc.", "Cookies expire after 9999 years.",
		"\xff\xfe", "<a href=/privacy>Privacy</a>", "We honor DNT\u00a0signals.", "  - • *", "https://\nx"} {
		f.Add(s)
	}
}

func checkClaims(t *testing.T, text string, c Claims) {
	t.Helper()
	in := func(v string, set ...string) {
		for _, s := range set {
			if v == s {
				return
			}
		}
		t.Fatalf("value %q not in %q", v, set)
	}
	in(c.DNT, Honored, NotHonored, Unstated)
	in(c.GPC, Honored, NotHonored, Unstated)
	for _, v := range []string{c.SellsPersonalData, c.ThirdPartyAdvertising, c.ImpliedConsent} {
		in(v, Yes, No, Unstated)
	}
	for _, l := range [][]string{c.AnalyticsVendors, c.OtherVendors, c.TrackingTechnologies, c.CookieCategories, c.Languages} {
		if l == nil {
			t.Fatal("nil list (JSON null)")
		}
		if !sort.StringsAreSorted(l) {
			t.Fatalf("unsorted %q", l)
		}
		for i := 1; i < len(l); i++ {
			if l[i] == l[i-1] {
				t.Fatalf("duplicate in %q", l)
			}
		}
	}
	if c.RetentionMaxDays != nil && *c.RetentionMaxDays <= 0 {
		t.Fatalf("retention %d", *c.RetentionMaxDays)
	}
	for k, v := range c.Evidence {
		if v == "" || !strings.Contains(text, v) {
			t.Fatalf("evidence %s = %q not in input", k, v)
		}
	}
}

func FuzzExtract(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, text string) {
		checkClaims(t, text, Extract(text))
	})
}

func FuzzExtractHTML(f *testing.F) {
	seedCorpus(f)
	f.Add(`<p>We honor <b>Do Not Track</b>.<script>x</script><div hidden><p>a</div>`)
	f.Fuzz(func(t *testing.T, page string) {
		text, err := VisibleText(strings.NewReader(page))
		if err != nil {
			t.Fatal(err) // a strings.Reader never fails; the tokenizer accepts any input
		}
		c, err := ExtractHTML(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		checkClaims(t, text, c)
	})
}

func FuzzFindLinks(f *testing.F) {
	seedCorpus(f)
	f.Add(`<footer><a href="//evil.example/privacy">Privacy</a><a href="privacy policy.html">Privacy Policy</a></footer>`)
	base, _ := url.Parse("https://example.com/a/b")
	f.Fuzz(func(t *testing.T, page string) {
		seen := map[string]bool{}
		for _, s := range FindLinks([]byte(page), base) {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
				t.Fatalf("not an absolute http(s) URL: %q", s)
			}
			if seen[s] {
				t.Fatalf("duplicate %q", s)
			}
			seen[s] = true
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	var text []byte
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, p := range files {
		bs, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		text = append(text, bs...)
	}
	Extract("") // load the vendor table outside the timing
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Extract(string(text))
	}
}

func BenchmarkFindLinks(b *testing.B) {
	var page strings.Builder
	for i := 0; i < 200; i++ {
		page.WriteString(`<li><a href="/p/` + strings.Repeat("x", i%7) + `">Product</a></li>`)
	}
	page.WriteString(`<footer><a href="/privacy">Privacy Policy</a><a href="/cookies">Cookie policy</a></footer>`)
	base, _ := url.Parse("https://example.com/")
	p := []byte(page.String())
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		FindLinks(p, base)
	}
}

// BenchmarkExtractSeeds: the three real policies of ../shared/seeds (58 KB).
func BenchmarkExtractSeeds(b *testing.B) {
	var texts []string
	size := 0
	for _, s := range policytest.Seeds(b) {
		t, err := os.ReadFile(s.Path)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(t))
		size += len(t)
	}
	Extract("")
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			Extract(t)
		}
	}
}
