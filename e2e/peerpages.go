//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentguard/consentguard/internal/fixture"
)

// peerHosts are the host names DuckDuckGo's privacy-test-pages expect.
var peerHosts = []string{"privacy-test-pages.site", "good.third-party.site", "broken.third-party.site", "bad.third-party.site"}

var peerListening = regexp.MustCompile(`HTTP Server listening at 127\.0\.0\.1:([0-9]+)`)

// peerPages starts DuckDuckGo's privacy-test-pages server
// (../shared/peer/privacy-test-pages/server.js, unmodified) under node on a
// free loopback port, its npm packages from scripts/install-peer-pages.sh on
// NODE_PATH, and returns a handler for every peer host that proxies to it
// with the Host header kept (the pages branch on it). Put it in a World's
// site map: the browser reaches it through the World's listener.
func peerPages(t testing.TB) map[string]http.Handler {
	t.Helper()
	root := fixture.Root(t)
	dir := filepath.Join(fixture.Shared(t), "peer", "privacy-test-pages")
	if _, err := os.Stat(filepath.Join(dir, "server.js")); err != nil {
		fixture.Missing(t, "privacy-test-pages: "+err.Error())
	}
	mods, err := exec.Command("bash", filepath.Join(root, "scripts", "install-peer-pages.sh")).Output()
	if err != nil {
		t.Fatalf("scripts/install-peer-pages.sh: %v", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is required for the privacy-test-pages server")
	}
	port := freePort(t)
	cmd := exec.Command(node, "server.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NODE_PATH="+strings.TrimSpace(string(mods)), "HOST=127.0.0.1", fmt.Sprintf("PORT=%d", port), "SECRET=")
	startAnnounced(t, cmd, "privacy-test-pages server", peerListening, 30*time.Second)
	target, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", port))
	proxy := httputil.NewSingleHostReverseProxy(target)
	site := map[string]http.Handler{}
	for _, h := range peerHosts {
		site[h] = proxy
	}
	return site
}
