package edge

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/consentguard/consentguard/wasm/consent"
)

const goodConfig = `{
  "origin": "http://127.0.0.1:8080",
  "sites": ["Example.com", "www.example.com", "example.com"],
  "defaults": "functional",
  "exclude": ["/admin/"],
  "banner": {"enabled": true, "title": "Cookies?"},
  "secret": "0123456789abcdef",
  "timeout": "5s"
}`

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig("site.json", []byte(goodConfig))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Sites, []string{"example.com", "www.example.com"}) {
		t.Errorf("sites %q", c.Sites)
	}
	if time.Duration(c.Timeout) != 5*time.Second || time.Duration(c.HeaderTimeout) != DefaultHeaderTimeout {
		t.Errorf("timeouts %v %v", c.Timeout, c.HeaderTimeout)
	}
	if en := c.Banner.text("en"); en.Title != "Cookies?" || en.Reject != "Reject all" || c.Banner.text("fr").Title != "Vos choix de confidentialité" {
		t.Errorf("banner texts: en %+v", en)
	}
	if p := c.Policy(); p.Default.String() != "functional" {
		t.Errorf("policy %v", p.Default)
	}
	if c.FailClosed || c.ReportOnly || c.OriginHost {
		t.Error("defaults must be fail-open, enforcing, visitor Host")
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		json, field string
		line        int
	}{
		{`{"sites":["a.com"],"secret":"0123456789abcdef"}`, "origin", 0},
		{`{"origin":"ftp://x","sites":["a.com"],"secret":"0123456789abcdef"}`, "origin", 1},
		{"{\n\"origin\":\"http://x\",\n\"sites\":[\"a.com/path\"],\"secret\":\"0123456789abcdef\"}", "sites", 3},
		{`{"origin":"http://x","sites":[],"secret":"0123456789abcdef"}`, "sites", 1},
		{`{"origin":"http://x","sites":["a.com"],"secret":"short"}`, "secret", 1},
		{"{\"origin\":\"http://x\",\"sites\":[\"a.com\"],\"secret\":\"0123456789abcdef\",\n\"defaults\":\"cookies\"}", "defaults", 2},
		{"{\"origin\":\"http://x\",\"sites\":[\"a.com\"],\"secret\":\"0123456789abcdef\",\n\n\"bogus\":1}", "bogus", 3},
		{"{\"origin\":\"http://x\",\"sites\":[\"a.com\"],\n\"minify\":\"yes\"}", "minify", 2},
		{`{"origin":"http://x","sites":["a.com"],"secret":"0123456789abcdef","timeout":"soon"}`, "timeout", 1},
		{`{"origin":"http://x","sites":["a.com"],"secret":"0123456789abcdef","exclude":["admin"]}`, "exclude", 1},
		{"{\"origin\":\"http://x\",\"sites\":[\"a.com\"],\"secret\":\"0123456789abcdef\",\n\"banner\":{\"language\":\"pt\"}}", "banner.language", 2},
		{"{\"origin\":\"http://x\",\"sites\":[\"a.com\"],\"secret\":\"0123456789abcdef\",\n\"banner\":{\"control\":\"top\"}}", "banner.control", 2},
		{"{\"origin\":\"http://x\",\"sites\":[\"a.com\"],\"secret\":\"0123456789abcdef\",\n\"banner\":{\"policy_url\":\"javascript:alert(1)\"}}", "banner.policy_url", 2},
		{"{\"origin\":\"http://x\",\"sites\":[\"a.com\"],\"secret\":\"0123456789abcdef\",\n\"banner\":{\"texts\":{\"fr\":{\"labels\":{\"cookies\":\"x\"}}}}}", "banner.texts", 2},
		{"{\"origin\":\"http://x\",\"sites\":[\"a.com\"],\"secret\":\"0123456789abcdef\",\n\"banner\":{\"texts\":{\"fr\":{\"text\":\"Sans liste\"}}}}", "banner.texts", 2},
		{`{"origin":"http://x","sites":["a.com"],"secret":"0123456789abcdef","max_tag":10}`, "max_tag", 1},
		{`{"origin":"http://x","sites":["a.com"],"secret":"0123456789abcdef","tls_cert":"c.pem"}`, "tls_cert", 1},
		{`{"origin":"http://x","sites":["a.com"],"secret":"0123456789abcdef","gpc_date":"yesterday"}`, "gpc_date", 1},
		{`{"origin":"http://x",`, "", 1},
	} {
		_, err := ParseConfig("f.json", []byte(tc.json))
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: error %v is not a *FieldError", tc.json, err)
			continue
		}
		if fe.Field != tc.field || fe.File != "f.json" || (tc.line > 0 && fe.Line != tc.line) {
			t.Errorf("%s: got field %q line %d (%v), want %q line %d", tc.json, fe.Field, fe.Line, err, tc.field, tc.line)
		}
		if tc.field != "" && !strings.Contains(err.Error(), tc.field+": ") {
			t.Errorf("message %q does not name the field", err)
		}
	}
}

func TestParseFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.json")
	os.WriteFile(file, []byte(goodConfig), 0o644)
	c, err := ParseFlags([]string{"--config", file, "--origin", "https://origin.internal:8443", "--site", "shop.example.com,example.com",
		"--listen", ":9000", "--report-only", "--timeout", "7s"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Origin != "https://origin.internal:8443" || c.Listen != ":9000" || !c.ReportOnly || time.Duration(c.Timeout) != 7*time.Second {
		t.Errorf("flags not applied: %+v", c)
	}
	if !reflect.DeepEqual(c.Sites, []string{"example.com", "www.example.com", "shop.example.com"}) {
		t.Errorf("sites %q", c.Sites)
	}
	if c.Defaults != "functional" || c.Exclude[0] != "/admin/" {
		t.Errorf("file values lost: %+v", c)
	}
	t.Setenv("CONSENTGUARD_SECRET", "from-the-environment")
	c, err = ParseFlags([]string{"--origin", "http://o", "--site", "a.example"})
	if err != nil || c.Secret != "from-the-environment" {
		t.Errorf("env secret: %v %q", err, c.Secret)
	}
	if _, err := ParseFlags([]string{"--origin", "http://o"}); err == nil || !strings.Contains(err.Error(), "sites") {
		t.Errorf("missing --site: %v", err)
	}
}

// FuzzParseConfig: a config either fails with a *FieldError or is
// normalised so that encoding and parsing it again gives the same config.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(goodConfig))
	f.Add([]byte(`{"origin":"https://a.b/base","sites":["x.y"],"secret":"0123456789abcdef","max_tag":2048,"gpc_json":true,"gpc_date":"2026-01-02"}`))
	f.Add([]byte(`{"origin":"http://x","sites":["a.com"],"timeout":"-1s"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig("fuzz.json", data)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FieldError", err, err)
			}
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := ParseConfig("again.json", out)
		if err != nil {
			t.Fatalf("normalised config does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("round trip changed the config:\n%+v\n%+v", c, c2)
		}
		if len(c.Sites) == 0 || c.Timeout <= 0 || c.MaxTag < 1024 || len(c.Secret) < 16 {
			t.Fatalf("invalid config accepted: %+v", c)
		}
	})
}

// TestExampleConfig keeps config.example.json (the documented file) valid
// once its placeholder secret is replaced (TestExampleConfigSecretRefused:
// as shipped, it is refused).
func TestExampleConfig(t *testing.T) {
	data, err := os.ReadFile("config.example.json")
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte(examplePlaceholders[0]), []byte("q3mB0vJ5G0o8pQzJ6y7M1h2k9fXcW4tR0aN8sL+e3Uo="), 1)
	c, err := ParseConfig("config.example.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if c.Origin != "http://127.0.0.1:8080" || !c.Banner.Enabled || c.Banner.PolicyURL != "/privacy" || !c.GPCJSON || c.FailClosed {
		t.Errorf("%+v", c)
	}
	if _, err := LoadConfig("missing.json"); err == nil {
		t.Error("missing file accepted")
	}
}

// TestBannerLanguage: the banner speaks the visitor's most preferred
// language it has, else the site's default; config texts override single
// strings and add languages.
func TestBannerLanguage(t *testing.T) {
	c, err := ParseConfig("site.json", []byte(`{"origin":"http://x","sites":["a.com"],"secret":"0123456789abcdef",
"banner":{"enabled":true,"language":"fr","texts":{"de":{"accept":"Einverstanden"},"it":{"title":"Le tue scelte","accept":"Accetta tutto"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	b := &c.Banner
	for _, tc := range []struct{ accept, want string }{
		{"", "fr"},
		{"pt-BR,pt;q=0.9", "fr"},
		{"de-AT,de;q=0.9,en;q=0.8", "de"},
		{"en;q=0.5, es;q=0.9", "es"},
		{"it", "it"},
		{"ja, *;q=0.1", "fr"},
		{"en;q=0, de;q=0.1", "de"},
		{"EN-gb", "en"},
	} {
		if got := b.language(tc.accept); got != tc.want {
			t.Errorf("language(%q) = %q, want %q", tc.accept, got, tc.want)
		}
	}
	if de := b.text("de"); de.Accept != "Einverstanden" || de.Reject != "Alle ablehnen" {
		t.Errorf("de: %+v", de)
	}
	// A language of its own falls back to the default language's strings.
	if it := b.text("it"); it.Title != "Le tue scelte" || it.Reject != "Tout refuser" {
		t.Errorf("it: %+v", it)
	}
}

func TestBannerSentence(t *testing.T) {
	en := builtinTexts["en"]
	for _, tc := range []struct {
		used consent.Set
		want string
	}{
		{0, en.TextGeneric},
		{consent.SetOf(consent.TagManager), en.TextGeneric},
		{consent.SetOf(consent.Analytics), "for analytics."},
		{consent.SetOf(consent.Advertising, consent.Analytics), "for analytics and advertising."},
		{consent.SetOf(consent.Advertising, consent.Analytics, consent.Social), "for analytics, advertising and social media."},
	} {
		if got := en.sentence(tc.used); !strings.Contains(got, tc.want) {
			t.Errorf("sentence(%v) = %q, want %q in it", tc.used, got, tc.want)
		}
	}
	// Every built-in language has every string.
	for lang, t0 := range builtinTexts {
		full := t0.merged(BannerText{})
		for _, v := range []string{full.Title, full.Text, full.TextGeneric, full.Reject, full.Accept, full.Customise, full.Save,
			full.Policy, full.Control, full.Legend, full.Necessary, full.Back, full.And} {
			if v == "" {
				t.Errorf("%s: empty string in %+v", lang, full)
			}
		}
		for _, c := range bannerChoices {
			if full.Labels[c.String()] == "" || full.Names[c.String()] == "" {
				t.Errorf("%s: no label or name for %s", lang, c)
			}
		}
		if !strings.Contains(full.Text, "{categories}") {
			t.Errorf("%s: text without {categories}", lang)
		}
	}
}
