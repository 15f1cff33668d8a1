//go:build !guard

package param

import (
	"encoding/json"
	"fmt"
)

// ParseConfig loads the trackingParameters feature of a DuckDuckGo privacy
// configuration (the format of privacy-reference-tests'
// url-parameters/config_reference.json):
//
//	{"features": {"trackingParameters": {"state": "enabled",
//	    "exceptions": [{"domain": "allowlisted.com"}],
//	    "settings": {"parameters": ["utm_source", "gclid", …]}}},
//	 "unprotectedTemporary": [{"domain": "…"}]}
//
// Parameter names are exact (DuckDuckGo's names are never patterns; "bad."
// is the literal name "bad."). Domains under "exceptions" and
// "unprotectedTemporary" become the Stripper's exceptions (see StripFor).
// A feature whose state is not "enabled" gives a Stripper that removes
// nothing. Invalid names are reported (with their index) and skipped.
func ParseConfig(data []byte) (*Stripper, []error) {
	var cfg struct {
		Features struct {
			TrackingParameters *struct {
				State      string `json:"state"`
				Exceptions []struct {
					Domain string `json:"domain"`
				} `json:"exceptions"`
				Settings struct {
					Parameters []string `json:"parameters"`
				} `json:"settings"`
			} `json:"trackingParameters"`
		} `json:"features"`
		UnprotectedTemporary []struct {
			Domain string `json:"domain"`
		} `json:"unprotectedTemporary"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, []error{fmt.Errorf("privacy config: %w", err)}
	}
	s := &Stripper{exact: make(map[string]struct{})}
	tp := cfg.Features.TrackingParameters
	if tp == nil {
		return s, []error{fmt.Errorf("privacy config: no features.trackingParameters")}
	}
	if tp.State != "enabled" {
		return s, nil
	}
	var errs []error
	for i, n := range tp.Settings.Parameters {
		if len(n) > 0 && n[len(n)-1] == '*' {
			// Not part of the format: a literal '*' would never match a
			// real parameter, and treating it as a prefix would change
			// the meaning. Refuse it.
			errs = append(errs, fmt.Errorf("privacy config: trackingParameters.settings.parameters[%d]: %q: '*' is not valid here", i, n))
			continue
		}
		if err := s.add(n); err != nil {
			errs = append(errs, fmt.Errorf("privacy config: trackingParameters.settings.parameters[%d]: %w", i, err))
		}
	}
	var doms []string
	for _, e := range tp.Exceptions {
		doms = append(doms, e.Domain)
	}
	for _, e := range cfg.UnprotectedTemporary {
		doms = append(doms, e.Domain)
	}
	s.finish()
	return s.WithExceptions(doms...), errs
}
