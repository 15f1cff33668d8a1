//go:build !guard

package param

import (
	"strings"
	"testing"
)

func TestParseConfigErrors(t *testing.T) {
	if _, errs := ParseConfig([]byte("{")); len(errs) == 0 {
		t.Error("no error for broken JSON")
	}
	s, errs := ParseConfig([]byte(`{"features":{"trackingParameters":{"state":"disabled","settings":{"parameters":["gclid"]}}}}`))
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if got, _ := s.Strip("https://a.com/?gclid=1"); got != "https://a.com/?gclid=1" {
		t.Errorf("disabled feature stripped: %q", got)
	}
	_, errs = ParseConfig([]byte(`{"features":{"trackingParameters":{"state":"enabled","settings":{"parameters":["gclid","a&b","x*"]}}}}`))
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "parameters[1]") {
		t.Errorf("errors = %v", errs)
	}
}
