package edge

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/edge/demo"
)

// FuzzBannerLanguage: any Accept-Language header picks one of the
// banner's languages, never panics.
func FuzzBannerLanguage(f *testing.F) {
	for _, s := range []string{"", "fr-FR,fr;q=0.9,en;q=0.8", "de;q=abc", "*", ";;,,", "es;q=0,en;q=-1", "pt-BR, x-klingon;q=1e9"} {
		f.Add(s)
	}
	b := Banner{Enabled: true, Language: "es", Texts: map[string]BannerText{"it": {Title: "Scelte"}}}
	if err := b.normalizeTexts(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		lang := b.language(accept)
		if _, ok := b.texts[lang]; !ok {
			t.Fatalf("language(%q) = %q, not one of the banner's", accept, lang)
		}
		if b.text(lang).Reject == "" {
			t.Fatalf("%q: empty strings", lang)
		}
	})
}

// FuzzGuardPath: any path under GuardPrefix answers 200 with the script
// only for the exact current name of a consent set, else 404; never a
// panic.
func FuzzGuardPath(f *testing.F) {
	for _, s := range []string{"03ff.0123456789abcdef.js", "zzzz..js", "", ".", "0001.js", "ffff.0.js"} {
		f.Add(s)
	}
	r := newRig(f, demo.Origin(), nil)
	f.Fuzz(func(t *testing.T, name string) {
		if strings.ContainsAny(name, "?#%") {
			return
		}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "http://harbor.example/", nil)
		req.URL.Path = GuardPrefix + name
		r.proxy.ServeHTTP(rec, req)
		switch rec.Code {
		case 200:
			if rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.HasPrefix(req.URL.Path, GuardPrefix) {
				t.Fatalf("%q: 200 without the immutable headers", name)
			}
		case 404:
		default:
			t.Fatalf("%q: status %d", name, rec.Code)
		}
	})
}
