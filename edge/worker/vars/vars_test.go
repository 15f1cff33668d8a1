package vars

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/consentguard/consentguard/edge"
)

func env(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const secret = "0123456789abcdef0123"

func TestConfig(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		check   func(t *testing.T, c edge.Config)
		errVar  string // non-empty: want an *Error naming this variable
		errText string // non-empty: want an error containing this
	}{
		{
			name: "minimal",
			vars: map[string]string{"ORIGIN": "http://127.0.0.1:8080", "SITES": "Shop.Example, www.shop.example", "SECRET": secret},
			check: func(t *testing.T, c edge.Config) {
				if c.Origin != "http://127.0.0.1:8080" || strings.Join(c.Sites, ",") != "shop.example,www.shop.example" {
					t.Errorf("origin/sites = %q %q", c.Origin, c.Sites)
				}
				if time.Duration(c.Timeout) != edge.DefaultTimeout {
					t.Errorf("timeout not defaulted: %v", c.Timeout)
				}
			},
		},
		{
			name: "banner and hold",
			vars: map[string]string{"ORIGIN": "http://o", "SITES": "a.example", "SECRET": secret, "BANNER": "true",
				"POLICY_URL": "/privacy", "BANNER_LANGUAGE": "de", "BANNER_CONTROL": "bottom-right", "HOLD": "50ms"},
			check: func(t *testing.T, c edge.Config) {
				if c.Banner.PolicyURL != "/privacy" || c.Banner.Language != "de" || c.Banner.Control != "bottom-right" || time.Duration(c.Hold) != 50*time.Millisecond {
					t.Errorf("banner %+v hold %v", c.Banner, c.Hold)
				}
			},
		},
		{
			name:   "bad banner language",
			vars:   map[string]string{"ORIGIN": "http://o", "SITES": "a.example", "SECRET": secret, "BANNER_LANGUAGE": "xx"},
			errVar: "BANNER_LANGUAGE",
		},
		{
			name: "all variables",
			vars: map[string]string{"ORIGIN": "https://origin.example", "SITES": "a.example", "SECRET": secret,
				"DEFAULTS": "functional", "EXCLUDE": "/api/, /admin/", "BANNER": "true", "MINIFY": "1",
				"REPORT_ONLY": "false", "FAIL_CLOSED": "true", "GPC_JSON": "true", "GPC_DATE": "2026-11-30",
				"ORIGIN_HOST": "true", "TIMEOUT": "5s", "HEADER_TIMEOUT": "2s", "MAX_BODY_BYTES": "1000", "MAX_TAG": "4096"},
			check: func(t *testing.T, c edge.Config) {
				if !c.Banner.Enabled || !c.Minify || c.ReportOnly || !c.FailClosed || !c.GPCJSON || !c.OriginHost {
					t.Errorf("booleans wrong: %+v", c)
				}
				if c.GPCDate != "2026-11-30" || c.Defaults != "functional" || strings.Join(c.Exclude, "|") != "/api/|/admin/" {
					t.Errorf("strings wrong: %+v", c)
				}
				if time.Duration(c.Timeout) != 5*time.Second || time.Duration(c.HeaderTimeout) != 2*time.Second || c.MaxBodyBytes != 1000 || c.MaxTag != 4096 {
					t.Errorf("numbers wrong: %+v", c)
				}
			},
		},
		{
			name: "json config with variable override",
			vars: map[string]string{
				"CONSENTGUARD_CONFIG": `{"origin":"http://10.0.0.1","sites":["x.example"],"minify":true,"banner":{"enabled":true,"title":"Privacy"}}`,
				"ORIGIN":              "http://10.0.0.2", "SECRET": secret,
			},
			check: func(t *testing.T, c edge.Config) {
				if c.Origin != "http://10.0.0.2" || c.Sites[0] != "x.example" || !c.Minify || c.Banner.Title != "Privacy" {
					t.Errorf("merge wrong: %+v", c)
				}
			},
		},
		{name: "missing origin", vars: map[string]string{"SITES": "a.example", "SECRET": secret}, errVar: "ORIGIN"},
		{name: "missing sites", vars: map[string]string{"ORIGIN": "http://o", "SECRET": secret}, errVar: "SITES"},
		{name: "short secret", vars: map[string]string{"ORIGIN": "http://o", "SITES": "a", "SECRET": "short"}, errVar: "SECRET"},
		{name: "no secret", vars: map[string]string{"ORIGIN": "http://o", "SITES": "a"}, errVar: "SECRET", errText: "wrangler secret put SECRET"},
		{name: "example secret", vars: map[string]string{"ORIGIN": "http://o", "SITES": "a", "SECRET": "replace-with-32-random-bytes-of-your-own"}, errVar: "SECRET", errText: "placeholder"},
		{name: "bad origin scheme", vars: map[string]string{"ORIGIN": "ftp://o", "SITES": "a", "SECRET": secret}, errVar: "ORIGIN"},
		{name: "bad bool", vars: map[string]string{"ORIGIN": "http://o", "SITES": "a", "SECRET": secret, "BANNER": "yes please"}, errVar: "BANNER"},
		{name: "bad duration", vars: map[string]string{"ORIGIN": "http://o", "SITES": "a", "SECRET": secret, "TIMEOUT": "soon"}, errVar: "TIMEOUT"},
		{name: "negative int", vars: map[string]string{"ORIGIN": "http://o", "SITES": "a", "SECRET": secret, "MAX_TAG": "-1"}, errVar: "MAX_TAG"},
		{name: "bad defaults", vars: map[string]string{"ORIGIN": "http://o", "SITES": "a", "SECRET": secret, "DEFAULTS": "everything"}, errVar: "DEFAULTS"},
		{name: "bad exclude", vars: map[string]string{"ORIGIN": "http://o", "SITES": "a", "SECRET": secret, "EXCLUDE": "api"}, errVar: "EXCLUDE"},
		{name: "json unknown key", vars: map[string]string{"CONSENTGUARD_CONFIG": `{"orign":"x"}`}, errVar: "CONSENTGUARD_CONFIG", errText: "orign"},
		{name: "json syntax", vars: map[string]string{"CONSENTGUARD_CONFIG": `{"origin":`}, errVar: "CONSENTGUARD_CONFIG"},
		{name: "json trailing", vars: map[string]string{"CONSENTGUARD_CONFIG": `{} {}`}, errVar: "CONSENTGUARD_CONFIG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Config(env(tt.vars))
			if tt.errVar != "" {
				var ve *Error
				if !errors.As(err, &ve) || ve.Var != tt.errVar {
					t.Fatalf("err = %v, want an error naming %s", err, tt.errVar)
				}
				if !strings.Contains(err.Error(), tt.errVar) || !strings.Contains(err.Error(), tt.errText) {
					t.Errorf("error text %q lacks %q/%q", err, tt.errVar, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func ExampleConfig() {
	vars := map[string]string{"ORIGIN": "https://origin.example", "SITES": "example.com,www.example.com", "SECRET": "0123456789abcdef0123"}
	c, err := Config(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Origin, c.Sites)
	// Output: https://origin.example [example.com www.example.com]
}
