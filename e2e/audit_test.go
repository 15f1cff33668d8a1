//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/consentguard/consentguard/audit"
	"github.com/consentguard/consentguard/policylists"
)

// auditSites are the fixture sites under testdata/audit, by host name.
var auditSites = map[string]string{
	"compliant.example":     "compliant",
	"early.example":         "early",
	"nogpc.example":         "nogpc",
	"onetrust.example":      "onetrust",
	"dnt.example":           "dnt",
	"fp.example":            "fp",
	"cdn.fpscripts.example": "fp",
}

// auditWorld serves the fixture sites over TLS from the test CA, beside
// the tracker stubs, and returns a scanner pointed at it.
func auditWorld(t testing.TB, extra map[string]http.Handler) (*World, *audit.Scanner) {
	t.Helper()
	sites := map[string]http.Handler{}
	for host, dir := range auditSites {
		sites[host] = http.FileServer(http.Dir(filepath.Join("testdata", "audit", dir)))
	}
	for h, x := range extra {
		sites[h] = x
	}
	w := newWorld(t, sites)
	eng, err := policylists.Default()
	if err != nil {
		t.Fatal(err)
	}
	s := &audit.Scanner{
		Browser: audit.Browser{Chromium: chromiumPath(t), HostRules: fmt.Sprintf("MAP * 127.0.0.1:%d", w.Port), SPKI: []string{w.SPKI}},
		Engine:  eng,
		Timeout: 10 * time.Second,
		Settle:  500 * time.Millisecond,
	}
	return w, s
}

func TestAuditSmoke(t *testing.T) {
	_, s := auditWorld(t, nil)
	r := s.Site(context.Background(), "https://early.example/")
	b, _ := auditJSON(r)
	t.Logf("%s", b)
}
