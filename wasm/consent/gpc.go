//go:build !guard

package consent

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/consentguard/consentguard/wasm/site"
)

// GPCConfig decides where the Global Privacy Control signal is sent
// (the Sec-GPC request header) and exposed (navigator.globalPrivacyControl),
// following the semantics of DuckDuckGo's privacy configuration "gpc"
// feature (privacy-reference-tests/global-privacy-control).
//
// On an excepted site (Exceptions, which includes the configuration's
// "unprotectedTemporary" domains) neither the header nor the API is added.
// When the user's own GPC setting is off, the header is not sent but the API
// is still injected and reads false.
type GPCConfig struct {
	// Enabled is the feature state ("enabled" in the privacy config).
	Enabled bool
	// Exceptions are site domains (and their subdomains) where GPC is not
	// applied at all.
	Exceptions []string
	// HeaderEnabledSites is the config's gpcHeaderEnabledSites. It only
	// matters when HeaderSitesOnly is set: platforms that cannot modify
	// headers everywhere (DuckDuckGo's native apps) send the header only
	// there. A web extension and the edge proxy modify headers everywhere,
	// so it is false by default.
	HeaderEnabledSites []string
	// HeaderSitesOnly limits the header to HeaderEnabledSites.
	HeaderSitesOnly bool
}

// ParseGPCConfig reads the "gpc" feature of a DuckDuckGo privacy
// configuration (config_reference.json format):
//
//	{"features": {"gpc": {"state": "enabled",
//	    "exceptions": [{"domain": "example.com", "reason": "…"}],
//	    "settings": {"gpcHeaderEnabledSites": ["…"]}}},
//	 "unprotectedTemporary": [{"domain": "…"}]}
//
// A config without a gpc feature gives a disabled GPCConfig and an error.
func ParseGPCConfig(data []byte) (GPCConfig, error) {
	var cfg struct {
		Features struct {
			GPC *struct {
				State      string `json:"state"`
				Exceptions []struct {
					Domain string `json:"domain"`
				} `json:"exceptions"`
				Settings struct {
					GPCHeaderEnabledSites []string `json:"gpcHeaderEnabledSites"`
				} `json:"settings"`
			} `json:"gpc"`
		} `json:"features"`
		UnprotectedTemporary []struct {
			Domain string `json:"domain"`
		} `json:"unprotectedTemporary"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return GPCConfig{}, fmt.Errorf("privacy config: %w", err)
	}
	g := cfg.Features.GPC
	if g == nil {
		return GPCConfig{}, fmt.Errorf("privacy config: no features.gpc")
	}
	var c GPCConfig
	c.Enabled = g.State == "enabled"
	for i, e := range g.Exceptions {
		d := normDomain(e.Domain)
		if d == "" {
			return GPCConfig{}, fmt.Errorf("privacy config: features.gpc.exceptions[%d]: empty domain", i)
		}
		c.Exceptions = append(c.Exceptions, d)
	}
	for i, e := range cfg.UnprotectedTemporary {
		d := normDomain(e.Domain)
		if d == "" {
			return GPCConfig{}, fmt.Errorf("privacy config: unprotectedTemporary[%d]: empty domain", i)
		}
		c.Exceptions = append(c.Exceptions, d)
	}
	for _, s := range g.Settings.GPCHeaderEnabledSites {
		if d := normDomain(s); d != "" {
			c.HeaderEnabledSites = append(c.HeaderEnabledSites, d)
		}
	}
	return c, nil
}

func normDomain(d string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
}

func withinAny(host string, domains []string) bool {
	if host == "" {
		return false
	}
	for _, d := range domains {
		if site.Within(host, d) {
			return true
		}
	}
	return false
}

// Excepted reports whether GPC is switched off for the site (the page in the
// URL bar, not a frame or subrequest).
func (c GPCConfig) Excepted(siteURL string) bool {
	return withinAny(site.Host(siteURL), c.Exceptions)
}

// Applies reports whether requests made by a page on siteURL (navigations
// and subrequests alike) carry "Sec-GPC: 1", given the user's GPC setting.
func (c GPCConfig) Applies(siteURL string, userSettingOn bool) bool {
	if !c.Enabled || !userSettingOn || c.Excepted(siteURL) {
		return false
	}
	if c.HeaderSitesOnly && !withinAny(site.Host(siteURL), c.HeaderEnabledSites) {
		return false
	}
	return true
}

// API reports whether navigator.globalPrivacyControl is injected into the
// frames of a page on siteURL, and the value it returns (the user's
// setting). It is independent of HeaderEnabledSites.
func (c GPCConfig) API(siteURL string, userSettingOn bool) (inject, value bool) {
	if !c.Enabled || c.Excepted(siteURL) {
		return false, false
	}
	return true, userSettingOn
}
