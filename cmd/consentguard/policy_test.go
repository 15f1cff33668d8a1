package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/consentguard/consentguard/wasm/policy/policytest"
)

// policyJSON decodes the command's output strictly: exactly claims.json's
// field names plus evidence.
type policyJSON struct {
	Site                  string            `json:"site"`
	DNT                   string            `json:"dnt"`
	GPC                   string            `json:"gpc"`
	SellsPersonalData     string            `json:"sells_personal_data"`
	ThirdPartyAdvertising string            `json:"third_party_advertising"`
	AnalyticsVendors      []string          `json:"analytics_vendors"`
	OtherVendors          []string          `json:"other_vendors"`
	TrackingTechnologies  []string          `json:"tracking_technologies"`
	CookieCategories      []string          `json:"cookie_categories"`
	ImpliedConsent        string            `json:"implied_consent"`
	Languages             []string          `json:"languages"`
	RetentionMaxDays      *int              `json:"retention_max_days"`
	Evidence              map[string]string `json:"evidence"`
}

func decodePolicy(t *testing.T, out string) policyJSON {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var p policyJSON
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("output is not the claims JSON: %v\n%s", err, out)
	}
	return p
}

// TestPolicySeeds: on the three real policies the command prints exactly the
// values of claims.json.
func TestPolicySeeds(t *testing.T) {
	for _, seed := range policytest.Seeds(t) {
		name := seed.Name
		var want policyJSON
		if err := json.Unmarshal(seed.Want, &want); err != nil {
			t.Fatal(err)
		}
		code, out, errs := run(t, "", "policy", seed.Path)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		got := decodePolicy(t, out)
		if len(got.Evidence) == 0 {
			t.Errorf("%s: no evidence", name)
		}
		got.Evidence = nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", name, got, want)
		}
	}
}

func TestPolicyHTMLFile(t *testing.T) {
	code, out, errs := run(t, "", "policy", filepath.Join("testdata", "policy.html"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	p := decodePolicy(t, out)
	if p.SellsPersonalData != "no" || p.GPC != "honored" || p.DNT != "not-honored" || p.RetentionMaxDays == nil || *p.RetentionMaxDays != 720 {
		t.Errorf("got %+v", p)
	}
	if !reflect.DeepEqual(p.TrackingTechnologies, []string{"cookies", "web-beacons"}) || !reflect.DeepEqual(p.AnalyticsVendors, []string{"google-analytics"}) {
		t.Errorf("got %+v", p)
	}
}

// policyServer serves the test policy, a home page linking to it and the
// failure cases, on loopback.
func policyServer(t *testing.T) *httptest.Server {
	t.Helper()
	page, err := os.ReadFile(filepath.Join("testdata", "policy.html"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/privacy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><body><p>Welcome</p><footer><a href="/terms">Terms</a><a href="/privacy">Privacy</a></footer></body></html>`))
	})
	mux.HandleFunc("/nolinks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><body><a href="/blog">Blog</a></body></html>`))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(strings.Repeat("We use cookies. ", 1000)))
	})
	mux.HandleFunc("/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n"))
	})
	mux.HandleFunc("/text", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("We honor Do Not Track signals. We do not sell your personal information."))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestPolicyURL(t *testing.T) {
	srv := policyServer(t)
	code, out, errs := run(t, "", "policy", srv.URL+"/privacy")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	p := decodePolicy(t, out)
	if p.Site != "127.0.0.1" || p.GPC != "honored" || p.SellsPersonalData != "no" {
		t.Errorf("got %+v", p)
	}
	if p.Evidence["sells_personal_data"] != "We do not sell your personal information." {
		t.Errorf("evidence %q (the script's text must not count)", p.Evidence["sells_personal_data"])
	}

	code, out, errs = run(t, "", "policy", srv.URL+"/text")
	if code != 0 || decodePolicy(t, out).DNT != "honored" {
		t.Errorf("text/plain: exit %d %s %s", code, out, errs)
	}
}

func TestPolicyFind(t *testing.T) {
	srv := policyServer(t)
	code, out, errs := run(t, "", "policy", "--find", srv.URL+"/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "policy: "+srv.URL+"/privacy") {
		t.Errorf("stderr %q does not name the policy found", errs)
	}
	if p := decodePolicy(t, out); p.GPC != "honored" {
		t.Errorf("got %+v", p)
	}
}

func TestPolicyErrors(t *testing.T) {
	srv := policyServer(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "policy.bin")
	if err := os.WriteFile(bin, []byte("PK\x03\x04\x00\x00binary"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no argument", []string{"policy"}, 2, "usage: consentguard policy"},
		{"help", []string{"policy", "-h"}, 0, "usage: consentguard policy"},
		{"two arguments", []string{"policy", "a", "b"}, 2, "usage: consentguard policy"},
		{"missing file", []string{"policy", filepath.Join(dir, "nope.txt")}, 1, "nope.txt: no such file"},
		{"directory", []string{"policy", dir}, 1, "is a directory, not a policy file"},
		{"binary file", []string{"policy", bin}, 1, "policy.bin: binary data, not a text or HTML policy"},
		{"file too large", []string{"policy", "--max-bytes", "100", filepath.Join("testdata", "policy.html")}, 1, "larger than --max-bytes 100"},
		{"not http", []string{"policy", "ftp://example.com/privacy"}, 1, "only http and https URLs are fetched"},
		{"404", []string{"policy", srv.URL + "/missing"}, 1, "HTTP 404 Not Found"},
		{"timeout", []string{"policy", "--timeout", "300ms", srv.URL + "/slow"}, 1, "no answer within --timeout"},
		{"body too large", []string{"policy", "--max-bytes", "1000", srv.URL + "/big"}, 1, "response larger than --max-bytes 1000"},
		{"image", []string{"policy", srv.URL + "/image"}, 1, `content type "image/png" is not text or HTML`},
		{"no policy link", []string{"policy", "--find", srv.URL + "/nolinks"}, 1, "no privacy or cookie policy link found"},
		{"refused connection", []string{"policy", "--timeout", "2s", "http://127.0.0.1:1/privacy"}, 1, "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.msg)
			}
			if out != "" {
				t.Errorf("stdout on error: %q", out)
			}
		})
	}
}

func TestPolicyLatin1(t *testing.T) {
	f := filepath.Join(t.TempDir(), "latin1.txt")
	// "Nous ne vendons pas vos données personnelles." in ISO-8859-1.
	if err := os.WriteFile(f, []byte("Nous ne vendons pas vos donn\xe9es personnelles."), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "", "policy", f)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	p := decodePolicy(t, out)
	if p.SellsPersonalData != "no" || !strings.Contains(p.Evidence["sells_personal_data"], "données") {
		t.Errorf("got %+v", p)
	}
}
