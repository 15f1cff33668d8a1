package policylists

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/consentguard/consentguard/internal/fixture"
)

func TestUpdated(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"# a list\n# updated: 2026-12-07\n[x] X\n", "2026-12-07"},
		{"# updated:   2026-01-02  \n", "2026-01-02"},
		{"# no date\n[x] X\n", ""},
		{strings.Repeat("#\n", 25) + "# updated: 2026-12-07\n", ""},
	} {
		if got := Updated([]byte(tt.in)); got != tt.want {
			t.Errorf("Updated(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestEmbeddedDates: every embedded list carries a valid "# updated:" date,
// not older than the last commit that touched it (bump it when editing a
// list).
func TestEmbeddedDates(t *testing.T) {
	root := fixture.Root(t)
	for name, date := range Dates() {
		d, err := time.Parse(time.DateOnly, date)
		if err != nil {
			t.Errorf("%s: \"# updated: YYYY-MM-DD\" header missing or bad (%q)", name, date)
			continue
		}
		out, err := exec.Command("git", "-C", root, "log", "-1", "--format=%cs", "--", "policylists/"+name).Output()
		if err != nil || len(strings.TrimSpace(string(out))) == 0 {
			continue // not a git checkout, or the file is not committed yet
		}
		last, err := time.Parse(time.DateOnly, strings.TrimSpace(string(out)))
		if err == nil && d.Before(last) {
			t.Errorf("policylists/%s: \"# updated: %s\" is older than its last commit (%s): bump it", name, date, last.Format(time.DateOnly))
		}
	}
}
