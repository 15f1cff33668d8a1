//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentguard/consentguard/internal/fixture"
)

// firefoxPrefs go into the profile's user.js. Every host name resolves to
// loopback (network.dns.forceResolve: Firefox has no --host-resolver-rules),
// and the background services that would call out are off: telemetry,
// health report, updates (application, add-ons, search), Normandy/studies,
// remote settings, safe browsing, captive-portal and connectivity checks,
// GMP downloads, geolocation, prefetching. Firefox's own tracking protection
// and GPC are off too, so that what blocks and what sends Sec-GPC is the
// extension under test (the control step checks it).
var firefoxPrefs = map[string]any{
	"network.dns.forceResolve":                           "127.0.0.1",
	"network.dns.disableIPv6":                            true,
	"network.proxy.type":                                 0,
	"network.trr.mode":                                   5,
	"network.captive-portal-service.enabled":             false,
	"network.connectivity-service.enabled":               false,
	"network.prefetch-next":                              false,
	"network.dns.disablePrefetch":                        true,
	"network.http.speculative-parallel-limit":            0,
	"datareporting.healthreport.uploadEnabled":           false,
	"datareporting.policy.dataSubmissionEnabled":         false,
	"toolkit.telemetry.enabled":                          false,
	"toolkit.telemetry.unified":                          false,
	"toolkit.telemetry.archive.enabled":                  false,
	"toolkit.telemetry.server":                           "data:,",
	"app.update.auto":                                    false,
	"app.update.disabledForTesting":                      true,
	"app.normandy.enabled":                               false,
	"app.normandy.api_url":                               "",
	"app.shield.optoutstudies.enabled":                   false,
	"services.settings.server":                           "data:,",
	"browser.safebrowsing.malware.enabled":               false,
	"browser.safebrowsing.phishing.enabled":              false,
	"browser.safebrowsing.downloads.enabled":             false,
	"browser.safebrowsing.downloads.remote.enabled":      false,
	"browser.safebrowsing.blockedURIs.enabled":           false,
	"browser.safebrowsing.provider.mozilla.updateURL":    "",
	"browser.safebrowsing.provider.google4.updateURL":    "",
	"browser.search.update":                              false,
	"browser.discovery.enabled":                          false,
	"browser.newtabpage.enabled":                         false,
	"browser.startup.page":                               0,
	"browser.startup.homepage_override.mstone":           "ignore",
	"browser.shell.checkDefaultBrowser":                  false,
	"browser.ping-centre.telemetry":                      false,
	"browser.newtabpage.activity-stream.feeds.telemetry": false,
	"browser.newtabpage.activity-stream.telemetry":       false,
	"extensions.update.enabled":                          false,
	"extensions.getAddons.cache.enabled":                 false,
	"extensions.blocklist.enabled":                       false,
	"media.gmp-manager.url":                              "data:,",
	"media.gmp-provider.enabled":                         false,
	"geo.provider.network.url":                           "",
	"privacy.trackingprotection.enabled":                 false,
	"privacy.trackingprotection.pbmode.enabled":          false,
	"privacy.globalprivacycontrol.enabled":               false,
	"privacy.globalprivacycontrol.pbmode.enabled":        false,
	"privacy.globalprivacycontrol.functionality.enabled": true,
	"security.OCSP.enabled":                              0,
	"security.remote_settings.crlite_filters.enabled":    false,
	"security.remote_settings.intermediates.enabled":     false,
	"browser.contentblocking.category":                   "custom",
	"network.cookie.cookieBehavior":                      0,
	// The built extension's moz-extension:// origin, fixed so that a test
	// can open its pages (popup.html) in a tab.
	"extensions.webextensions.uuids": `{"` + ffExtID + `":"` + ffExtUUID + `"}`,
}

// ffExtID is the extension's Gecko id (extension/src/manifest/firefox.json);
// ffExtUUID its moz-extension:// host in the test profiles.
const (
	ffExtID   = "consentguard@consentguard.dev"
	ffExtUUID = "6b1f2a64-7f0e-4c3a-9a51-2f7c0e9d4b13"
)

// firefoxPath returns $FIREFOX or firefox-esr from PATH (Debian's
// firefox-esr; make deps-firefox installs it).
func firefoxPath(t testing.TB) string {
	t.Helper()
	p := os.Getenv("FIREFOX")
	if p == "" {
		p = "firefox-esr"
	}
	path, err := exec.LookPath(p)
	if err != nil {
		fixture.Missing(t, "firefox-esr not found ("+p+"): run make deps-firefox")
	}
	return path
}

// Firefox is a headless firefox-esr with a fresh profile, driven over
// WebDriver BiDi (no geckodriver).
type Firefox struct {
	*BiDi
	Profile string
	Context string // the first tab's browsing context
}

// biDiListening is Firefox's line naming the WebDriver BiDi endpoint.
var biDiListening = regexp.MustCompile(`WebDriver BiDi listening on (ws://[0-9.]+:[0-9]+)`)

// newFirefox starts Firefox against w: a fresh profile whose user.js maps
// every host to loopback (w's port must be in the URLs) and whose NSS
// database (cert9.db, written with certutil) trusts w's test CA, so pages
// are served over real TLS with no certificate exception.
func newFirefox(t testing.TB, w *World) *Firefox {
	t.Helper()
	return startFirefox(t, w, nil)
}

// newFirefoxProxied starts Firefox with w as its HTTP and HTTPS proxy, for
// pages whose URLs carry no port (https://bad.third-party.site/...): every
// request, whatever its port, reaches w (World.connect serves the tunnels).
func newFirefoxProxied(t testing.TB, w *World) *Firefox {
	t.Helper()
	return startFirefox(t, w, map[string]any{
		"network.proxy.type": 1, "network.proxy.http": "127.0.0.1", "network.proxy.http_port": w.Port,
		"network.proxy.ssl": "127.0.0.1", "network.proxy.ssl_port": w.Port, "network.proxy.no_proxies_on": "",
		"network.proxy.allow_hijacking_localhost": true, "network.proxy.share_proxy_settings": false,
	})
}

func startFirefox(t testing.TB, w *World, prefs map[string]any) *Firefox {
	t.Helper()
	bin := firefoxPath(t)
	profile := t.TempDir()
	writeUserJS(t, profile, prefs)
	trustCA(t, profile, w.CA)
	const origin = "http://127.0.0.1"
	cmd := exec.Command(bin, "--headless", "--no-remote", "--profile", profile,
		"--remote-debugging-port=0", "--remote-allow-origins="+origin)
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1", "MOZ_DISABLE_AUTO_SAFE_MODE=1")
	f := &Firefox{Profile: profile}
	ws := startAnnounced(t, cmd, "firefox", biDiListening, 60*time.Second)[1]
	t.Cleanup(func() {
		if f.BiDi != nil {
			f.BiDi.Close() // before the process ends (cleanups run last first)
		}
	})
	b, err := dialBiDi(ws+"/session", origin)
	if err != nil {
		t.Fatal(err)
	}
	f.BiDi = b
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.NewSession(ctx); err != nil {
		t.Fatalf("session.new: %v", err)
	}
	if f.Context, err = b.TopContext(ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

func writeUserJS(t testing.TB, profile string, extra map[string]any) {
	t.Helper()
	var b strings.Builder
	all := map[string]any{}
	for k, v := range firefoxPrefs {
		all[k] = v
	}
	for k, v := range extra {
		all[k] = v
	}
	for k, v := range all {
		switch v := v.(type) {
		case string:
			fmt.Fprintf(&b, "user_pref(%q, %q);\n", k, v)
		default:
			fmt.Fprintf(&b, "user_pref(%q, %v);\n", k, v)
		}
	}
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// trustCA creates the profile's NSS database and adds the CA as trusted
// for TLS servers ("C,,"), with NSS's certutil (Debian libnss3-tools).
func trustCA(t testing.TB, profile string, caDER []byte) {
	t.Helper()
	certutil, err := exec.LookPath("certutil")
	if err != nil {
		fixture.Missing(t, "certutil not found: run make deps-firefox (Debian libnss3-tools)")
	}
	pemFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644); err != nil {
		t.Fatal(err)
	}
	db := "sql:" + profile
	for _, args := range [][]string{
		{"-N", "-d", db, "--empty-password"},
		{"-A", "-d", db, "-n", "consentguard e2e test CA", "-t", "C,,", "-i", pemFile},
	} {
		if out, err := exec.Command(certutil, args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// FirefoxEval evaluates expr in the tab and decodes its primitive value into T.
func FirefoxEval[T any](t testing.TB, f *Firefox, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	v, err := f.Evaluate(ctx, f.Context, expr)
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	var out T
	if len(v.Value) == 0 {
		t.Fatalf("evaluate %s: %s has no primitive value", expr, v.Type)
	}
	if err := json.Unmarshal(v.Value, &out); err != nil {
		t.Fatalf("evaluate %s: %s value %s: %v", expr, v.Type, v.Value, err)
	}
	return out
}

// Go navigates the tab to url (waiting for load) and lets late requests
// settle.
func (f *Firefox) Go(t testing.TB, w *World, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := f.Navigate(ctx, f.Context, url); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
	time.Sleep(300 * time.Millisecond)
	w.waitQuiet(500*time.Millisecond, 5*time.Second)
}
