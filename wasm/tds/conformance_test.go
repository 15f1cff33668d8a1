package tds

import (
	"encoding/json"
	"github.com/consentguard/consentguard/internal/fixture"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Conformance with DuckDuckGo's privacy-reference-tests (read from
// ../shared/peer/privacy-reference-tests, never copied here). consentguard
// is a "web-extension"; the edge applies the same list. Applicability:
//
//	suite / case                                          applies  reason
//	request-blocklist (all 41)                            yes
//	TR-domain-matching/domainTests, 122 cases             yes, except:
//	  "ports are ignored when matching rules"             yes*     excepted for web-extension (MV2 matched ports);
//	                                                               we ignore ports as the case expects, so it runs
//	  "don't block tracker with site not matching the     yes*     excepted for web-extension, whose options
//	   option subdomain"                                           matching is by registrable domain; ours is by
//	                                                               subdomain, so it runs and passes
//	surrogateTests (12)                                   yes      redirect = data: URL compared with expectRedirect;
//	                                                               expectExpression needs a JS engine, not checked
//	tracker_allowlist_matching_tests (25)                 yes
//
// (*) We implement the behaviour the case describes, so we run cases that
// are excepted for "web-extension" too; a case is reported as not
// applicable (t.Log) only if it fails only on an excepted platform. There
// are none today.
const platform = "web-extension"

var peerDir = "peer/privacy-reference-tests"

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func loadList(t *testing.T, path string) *List {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestReferenceRequestBlocklist(t *testing.T) {
	dir := fixture.SharedPath(t, filepath.Join(peerDir, "request-blocklist"))
	l := loadList(t, filepath.Join(dir, "tds-reference.json"))
	cfgData, err := os.ReadFile(filepath.Join(dir, "config-reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, errs := ParseConfig(cfgData)
	// The reference config holds deliberately broken rules; each must be
	// reported.
	for _, e := range errs {
		t.Logf("config warning (expected): %v", e)
	}
	if len(errs) != 4 {
		t.Errorf("%d config warnings, want 4 (adblock syntax, missing domains, extra property, subdomain entry)", len(errs))
	}
	l.SetConfig(cfg)
	var allow []string
	readJSON(t, filepath.Join(dir, "user-allowlist-reference.json"), &allow)
	l.SetUserAllowlist(allow)
	sur, serrs := ParseSurrogates(mustRead(t, filepath.Join(dir, "surrogates-reference.txt")))
	if len(serrs) > 0 {
		t.Fatal(serrs)
	}
	l.SetSurrogates(sur)

	var suites map[string]struct {
		Tests []struct {
			Name            string   `json:"name"`
			RequestURL      string   `json:"requestUrl"`
			RequestType     string   `json:"requestType"`
			WebsiteURL      string   `json:"websiteUrl"`
			ExpectAction    string   `json:"expectAction"`
			ExceptPlatforms []string `json:"exceptPlatforms"`
		} `json:"tests"`
	}
	readJSON(t, filepath.Join(dir, "tests.json"), &suites)
	ran := 0
	for name, s := range suites {
		for _, tc := range s.Tests {
			t.Run(name+"/"+tc.Name, func(t *testing.T) {
				ran++
				r := l.Match(tc.RequestURL, tc.WebsiteURL, tc.RequestType)
				got := "allow"
				if r.Blocked() {
					got = "block"
				}
				if got != tc.ExpectAction {
					notApplicable(t, tc.ExceptPlatforms, "Match(%q, %q, %q) = %+v, want %s", tc.RequestURL, tc.WebsiteURL, tc.RequestType, r, tc.ExpectAction)
				}
			})
		}
	}
	if ran != 41 {
		t.Errorf("%d cases ran, want 41", ran)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// notApplicable fails the case, unless its exceptPlatforms lists our
// platform: then the difference is expected and only logged.
func notApplicable(t *testing.T, except []string, format string, args ...any) {
	t.Helper()
	if slices.Contains(except, platform) {
		t.Logf("not applicable (exceptPlatforms %v): "+format, append([]any{except}, args...)...)
		return
	}
	t.Errorf(format, args...)
}

func TestReferenceDomainMatching(t *testing.T) {
	dir := fixture.SharedPath(t, filepath.Join(peerDir, "tracker-radar-tests/TR-domain-matching"))
	l := loadList(t, filepath.Join(dir, "tracker_radar_reference.json"))
	for _, w := range l.Warnings() {
		t.Logf("tds warning (expected: unsupported-action rules): %v", w)
	}
	if len(l.Warnings()) != 2 {
		t.Errorf("%d warnings, want 2 (two unsupported-action rules)", len(l.Warnings()))
	}
	sur, serrs := ParseSurrogates(mustRead(t, filepath.Join(dir, "surrogates.txt")))
	if len(serrs) > 0 {
		t.Fatal(serrs)
	}
	l.SetSurrogates(sur)
	var suites map[string]struct {
		Tests []struct {
			Name            string   `json:"name"`
			SiteURL         string   `json:"siteURL"`
			RequestURL      string   `json:"requestURL"`
			RequestType     string   `json:"requestType"`
			ExpectAction    *string  `json:"expectAction"`
			ExpectRedirect  string   `json:"expectRedirect"`
			ExceptPlatforms []string `json:"exceptPlatforms"`
		} `json:"tests"`
	}
	readJSON(t, filepath.Join(dir, "domain_matching_tests.json"), &suites)
	ran := 0
	for name, s := range suites {
		for _, tc := range s.Tests {
			t.Run(name+"/"+tc.Name, func(t *testing.T) {
				ran++
				want := Allow // null: not on the blocklist
				if tc.ExpectAction != nil {
					want = *tc.ExpectAction
				}
				r := l.Match(tc.RequestURL, tc.SiteURL, tc.RequestType)
				if r.Action != want {
					notApplicable(t, tc.ExceptPlatforms, "Match(%q, %q, %q) = %+v, want %s", tc.RequestURL, tc.SiteURL, tc.RequestType, r, want)
				}
				if want == Redirect && r.Redirect != tc.ExpectRedirect {
					t.Errorf("redirect %q, want %q", r.Redirect, tc.ExpectRedirect)
				}
			})
		}
	}
	if ran != 134 {
		t.Errorf("%d cases ran, want 134", ran)
	}
}

func TestReferenceTrackerAllowlist(t *testing.T) {
	dir := fixture.SharedPath(t, filepath.Join(peerDir, "tracker-radar-tests/TR-domain-matching"))
	l := loadList(t, filepath.Join(dir, "tracker_allowlist_tds_reference.json"))
	cfg, errs := ParseAllowlist(mustRead(t, filepath.Join(dir, "tracker_allowlist_reference.json")))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	l.SetConfig(cfg)
	var cases []struct {
		Description     string   `json:"description"`
		Site            string   `json:"site"`
		Request         string   `json:"request"`
		IsAllowlisted   bool     `json:"isAllowlisted"`
		ExceptPlatforms []string `json:"exceptPlatforms"`
	}
	readJSON(t, filepath.Join(dir, "tracker_allowlist_matching_tests.json"), &cases)
	for _, tc := range cases {
		t.Run(tc.Description, func(t *testing.T) {
			r := l.Match(tc.Request, tc.Site, "script")
			got := r.Reason == "tracker allowlist"
			if got != tc.IsAllowlisted {
				notApplicable(t, tc.ExceptPlatforms, "Match(%q, %q) = %+v, allowlisted want %v", tc.Request, tc.Site, r, tc.IsAllowlisted)
			}
			// Every request here is to a default-block tracker.
			if !tc.IsAllowlisted && r.Action != Block {
				t.Errorf("not allowlisted but %+v", r)
			}
		})
	}
	if len(cases) != 25 {
		t.Errorf("%d cases, want 25", len(cases))
	}
}
