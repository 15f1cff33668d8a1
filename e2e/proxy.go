//go:build e2e

package e2e

import (
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/consentguard/consentguard/edge"
	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/snippet"
)

// newProxy is the only place the Chromium tests build the edge handler:
// the real engine (policylists.Default) and the embedded snippet
// signatures, in front of origin, for the site's hosts.
func newProxy(t testing.TB, origin string, sites ...string) http.Handler {
	t.Helper()
	return newProxyWith(t, origin, nil, sites...)
}

// newProxyWith is newProxy with the config changed by mut first.
func newProxyWith(t testing.TB, origin string, mut func(*edge.Config), sites ...string) http.Handler {
	t.Helper()
	eng, err := policylists.Default()
	if err != nil {
		t.Fatalf("policylists.Default: %v", err)
	}
	data, ok := policylists.File("snippets.txt")
	if !ok {
		t.Fatal("snippets.txt not embedded in policylists")
	}
	snip, errs := snippet.Parse("snippets.txt", data)
	if len(errs) > 0 {
		t.Fatalf("snippets.txt: %v", errs[0])
	}
	cfg := edge.Config{
		Origin:  origin,
		Sites:   sites,
		Secret:  testSecret,
		Banner:  edge.Banner{Enabled: true},
		GPCJSON: true,
	}
	if mut != nil {
		mut(&cfg)
	}
	p, err := edge.New(cfg, eng, nil, edge.Options{
		Snippets: snip,
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("edge.New: %v", err)
	}
	return p
}
