package policylists

import (
	"path/filepath"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/snippet"
)

func TestDefaultClean(t *testing.T) {
	_, rep, err := NewBuilder().Build()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rep.Errors {
		t.Errorf("embedded list error: %v", e)
	}
	if rep.Trackers < 500 || rep.Vendors < 120 || rep.Cookies < 300 || rep.Params < 20 {
		t.Errorf("embedded lists too small: %+v", rep)
	}
	if _, err := Default(); err != nil {
		t.Fatal(err)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, data string
		want       Format
	}{
		{"easylist.txt", "[Adblock Plus 2.0]\n! Title\n||ads.example^\n", FormatABP},
		{"mylist.txt", "! comment\n||x.example^$third-party\n", FormatABP},
		{"trackers.txt", "# c\n[acme] Acme\ncategory analytics\n", FormatCatalog},
		{"params.txt", "utm_*\n", FormatParams},
		{"snippets.txt", "a | analytics | foo( | https://x\n", FormatSnippets},
		{"ocd.csv", "ID,Platform,Category,Cookie / Data Key name\n", FormatOCD},
		{"tds.json", `{"trackers":{}}`, FormatTDS},
		{"download", `{"trackers":{}}`, FormatTDS},
		{"download2", "ID,Platform,Category,Cookie / Data Key name,Domain\n", FormatOCD},
	}
	for _, tc := range tests {
		if got := Detect(tc.name, []byte(tc.data)); got != tc.want {
			t.Errorf("Detect(%q) = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestCheckReportsLines(t *testing.T) {
	fr, errs := Check("bad.txt", []byte("[acme] Acme\ncategory analytics\nsource https://acme.example/\nhost acme.example\nhots x.example\n"), "")
	if fr.Format != FormatCatalog || fr.Entries != 1 || len(errs) != 1 {
		t.Fatalf("Check = %+v, %v", fr, errs)
	}
	if got := errs[0].Error(); got[:10] != "bad.txt:5:" {
		t.Errorf("error %q does not name the line", got)
	}
	fr, errs = Check("bad-abp.txt", []byte("||ok.example^\n/unclosed[regex/\n"), "")
	if fr.Format != FormatABP || fr.Entries != 1 || len(errs) != 1 {
		t.Errorf("abp Check = %+v, %v", fr, errs)
	}
}

func TestUpstreamFormats(t *testing.T) {
	shared := fixture.Shared(t)
	tdsFile := filepath.Join(shared, "peer/privacy-reference-tests/request-blocklist/tds-reference.json")
	ocd := filepath.Join(shared, "data/cookies/open-cookie-database.csv")
	ep := filepath.Join(shared, "data/lists/easyprivacy.txt")
	e, rep, err := Build(tdsFile, ocd, ep)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rules < 40000 {
		t.Errorf("EasyPrivacy rules: %d", rep.Rules)
	}
	// OCD knows cookies our list does not; they now classify.
	if m := e.Cookie("_pk_id.1.abcd", "shop.example"); m.Category != consent.Analytics {
		t.Errorf("_pk_id with OCD: %+v", m)
	}
	// The TDS applies with its own semantics: a rule blocks, the tracker's
	// default action "ignore" lets the rest through.
	d := e.Decide("https://tracker.example/block.js", "https://website.example/", filter.TypeScript, consent.State{})
	if d.Category == consent.None || d.Action.String() != "block" || d.VendorName != "Example Entity" {
		t.Errorf("TDS rule did not block: %+v", d)
	}
	d = e.Decide("https://tracker.example/other.js", "https://website.example/", filter.TypeScript, consent.State{})
	if d.Category != consent.None {
		t.Errorf("TDS default ignore blocked: %+v", d)
	}
}

// TestSnippetVendors keeps the snippet list's vendor ids the catalog's, so a
// removed inline snippet names the same vendor as the requests it makes.
func TestSnippetVendors(t *testing.T) {
	e, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := File("snippets.txt")
	s, errs := snippet.Parse("snippets.txt", data)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, v := range s.Vendors() {
		if _, ok := e.Trackers().Vendor(v); !ok && v != "google-consent-mode" {
			t.Errorf("snippets.txt vendor %q is not in the catalog", v)
		}
	}
}
