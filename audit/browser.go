package audit

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
)

// Browser says which Chromium to drive and how.
type Browser struct {
	// Chromium is the executable (default /usr/bin/chromium).
	Chromium string
	// HostRules go to Chromium's --host-resolver-rules ("MAP * 127.0.0.1:8443").
	HostRules string
	// SPKI are base64 sha256 hashes of public keys whose certificates are
	// trusted (--ignore-certificate-errors-spki-list); see CASPKI.
	SPKI []string
	// Remote is a ws:// DevTools address of a browser running elsewhere;
	// each pass then runs in a fresh browser context of that browser.
	Remote string
	// Output receives Chromium's own output (nil: discarded).
	Output io.Writer
}

// CASPKI reads PEM certificates from file and returns the base64 sha256 of
// each certificate's SubjectPublicKeyInfo, for Browser.SPKI. Chromium
// accepts a chain when any of its certificates has one of these keys, so a
// private CA's file is enough when its servers send the CA in the chain.
func CASPKI(file string) ([]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []string
	for n := 1; ; n++ {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: certificate %d: %v", file, n, err)
		}
		sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
		out = append(out, base64.StdEncoding.EncodeToString(sum[:]))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no PEM CERTIFICATE block", file)
	}
	return out, nil
}

// QuietFlags are the Chromium flags of every browser we start (the audit's
// and the e2e tests'): headless, no first-run UI, no background networking,
// component updates, sync, crash reports or keychain. They are our own
// list, not chromedp's defaults (which include --disable-extensions).
func QuietFlags() []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.Flag("headless", "new"),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
	}
}

// start opens a fresh profile: a new Chromium with an empty user-data-dir
// (third-party cookies allowed, so what a site sets is what gets stored),
// or a new browser context of the remote browser. The returned context is
// a tab; cancel closes everything.
func (b *Browser) start(parent context.Context) (context.Context, context.CancelFunc, error) {
	if b.Remote != "" {
		actx, acancel := remote.NewAllocator(parent, b.Remote)
		ctx, cancel := chromedp.NewContext(actx, chromedp.WithNewBrowserContext())
		if err := chromedp.Do(ctx); err != nil {
			cancel()
			acancel()
			return nil, nil, fmt.Errorf("remote browser %s: %w", b.Remote, err)
		}
		return ctx, func() { cancel(); acancel() }, nil
	}
	dir, err := os.MkdirTemp("", "consentguard-audit-")
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "Default"), 0o755); err == nil {
		err = os.WriteFile(filepath.Join(dir, "Default", "Preferences"), []byte(`{"profile":{"cookie_controls_mode":0}}`), 0o644)
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	exe := b.Chromium
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	if _, err := os.Stat(exe); err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("chromium not found: %w (set --chromium)", err)
	}
	opts := append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(exe), chromedp.UserDataDir(dir)}, QuietFlags()...)
	opts = append(opts, chromedp.Flag("mute-audio", true), chromedp.WindowSize(1280, 900))
	if b.HostRules != "" {
		opts = append(opts, chromedp.Flag("host-resolver-rules", b.HostRules))
	}
	if len(b.SPKI) > 0 {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors-spki-list", joinComma(b.SPKI)))
	}
	if b.Output != nil {
		opts = append(opts, chromedp.CombinedOutput(b.Output))
	}
	actx, acancel := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancel := chromedp.NewContext(actx)
	stop := func() { cancel(); acancel(); os.RemoveAll(dir) }
	if err := chromedp.Do(ctx); err != nil {
		stop()
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, nil, fmt.Errorf("start chromium: %w", err)
		}
		return nil, nil, fmt.Errorf("start chromium %s: %w", exe, err)
	}
	return ctx, stop, nil
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}
