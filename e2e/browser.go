//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/consentguard/consentguard/audit"
	"github.com/consentguard/consentguard/internal/fixture"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// trackerHosts are real tracker host names; the harness answers them from
// loopback and records every request they receive.
var trackerHosts = []string{
	"www.google-analytics.com", "region1.google-analytics.com", "ssl.google-analytics.com",
	"www.googletagmanager.com", "googleads.g.doubleclick.net", "stats.g.doubleclick.net",
	"connect.facebook.net", "www.facebook.com", "static.hotjar.com", "script.hotjar.com",
	"snap.licdn.com", "px.ads.linkedin.com", "analytics.tiktok.com", "www.clarity.ms",
}

// allowedHost is a third-party host that is not a tracker (a CDN).
const allowedHost = "cdn.allowed.test"

// analyticsHosts are the hosts of Google Analytics (category analytics) and
// its tag (the gtag.js loader).
var analyticsHosts = []string{"www.google-analytics.com", "region1.google-analytics.com", "www.googletagmanager.com"}

// adHosts must never be reached with analytics-only consent.
var adHosts = []string{"googleads.g.doubleclick.net", "stats.g.doubleclick.net", "connect.facebook.net", "www.facebook.com",
	"static.hotjar.com", "script.hotjar.com", "snap.licdn.com", "px.ads.linkedin.com", "analytics.tiktok.com", "www.clarity.ms"}

// Hit is one request received by the loopback world.
type Hit struct {
	Host, Method, Path, Query string
	Cookies                   []string // cookie names sent
	TLS                       bool
	At                        time.Time
}

// World is one loopback listener serving TLS and plain HTTP (peeking at
// the first byte: 0x16 starts a TLS handshake) for every host name, with a
// certificate from a CA generated at test time. Chromium is pointed at it
// with --host-resolver-rules, so every name resolves here. Requests for
// site hosts go to Site; all others are recorded and answered by the
// tracker stubs. The log is the ground truth of what the browser fetched.
type World struct {
	Addr     string
	Port     int
	SPKI     string // base64 sha256 of the leaf's SubjectPublicKeyInfo
	CertPool *x509.CertPool
	CA       []byte // the test CA (DER), for browsers with their own trust store (Firefox)

	mu   sync.Mutex
	hits []Hit
	site map[string]http.Handler

	ln     net.Listener
	srv    *http.Server
	conns  *connListener
	tlsCfg *tls.Config
}

// newWorld starts the loopback world. site maps host names to handlers
// (the proxy for the site's hosts).
func newWorld(t testing.TB, site map[string]http.Handler) *World {
	t.Helper()
	names := append([]string{allowedHost}, trackerHosts...)
	for h := range site {
		names = append(names, h)
	}
	cert, pool, spki := makeCert(t, names)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &World{Addr: ln.Addr().String(), Port: ln.Addr().(*net.TCPAddr).Port, SPKI: spki, CertPool: pool, CA: cert.Certificate[1], site: site, ln: ln}
	tlsCfg := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}}
	w.conns, w.tlsCfg = newConnListener(ln.Addr()), tlsCfg
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				w.conns.Close()
				return
			}
			go w.adopt(c, bufio.NewReader(c))
		}
	}()
	w.srv = &http.Server{Handler: http.HandlerFunc(w.serve), ReadHeaderTimeout: 10 * time.Second}
	go w.srv.Serve(w.conns)
	t.Cleanup(func() {
		ln.Close()
		w.srv.Close()
	})
	return w
}

// adopt serves a connection (read through br): TLS when its first byte
// is a handshake record, plain HTTP otherwise.
func (w *World) adopt(c net.Conn, br *bufio.Reader) {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, err := br.Peek(1)
	if err != nil {
		c.Close()
		return
	}
	c.SetReadDeadline(time.Time{})
	pc := &peekedConn{Conn: c, r: br}
	if b[0] == 0x16 {
		w.conns.put(tls.Server(pc, w.tlsCfg))
	} else {
		w.conns.put(pc)
	}
}

// connect answers an HTTP proxy's CONNECT (browsers told to use the world
// as their proxy, for pages whose URLs carry no port): the tunnel is served
// by the world itself, as a connection of its own.
func (w *World) connect(rw http.ResponseWriter) {
	hj, ok := rw.(http.Hijacker)
	if !ok {
		http.Error(rw, "no hijacking", http.StatusInternalServerError)
		return
	}
	c, brw, err := hj.Hijack()
	if err != nil {
		return
	}
	if _, err := c.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n")); err != nil {
		c.Close()
		return
	}
	go w.adopt(c, brw.Reader)
}

func (w *World) serve(rw http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		w.connect(rw)
		return
	}
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if h, ok := w.site[host]; ok {
		h.ServeHTTP(rw, r)
		return
	}
	var names []string
	for _, c := range r.Cookies() {
		names = append(names, c.Name)
	}
	w.mu.Lock()
	w.hits = append(w.hits, Hit{Host: host, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Cookies: names, TLS: r.TLS != nil, At: time.Now()})
	w.mu.Unlock()
	serveTracker(rw, r, host)
}

// Hits returns the requests the tracker hosts (and any unknown host) got.
func (w *World) Hits() []Hit {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Hit(nil), w.hits...)
}

// Reset forgets the recorded hits.
func (w *World) Reset() {
	w.mu.Lock()
	w.hits = nil
	w.mu.Unlock()
}

// HitsTo returns the hits of the given hosts.
func (w *World) HitsTo(hosts ...string) []Hit {
	var out []Hit
	for _, h := range w.Hits() {
		for _, x := range hosts {
			if h.Host == x {
				out = append(out, h)
			}
		}
	}
	return out
}

// waitQuiet waits until no request arrived for quiet, at most max.
func (w *World) waitQuiet(quiet, max time.Duration) {
	end := time.Now().Add(max)
	for time.Now().Before(end) {
		w.mu.Lock()
		n := len(w.hits)
		var last time.Time
		if n > 0 {
			last = w.hits[n-1].At
		}
		w.mu.Unlock()
		if time.Since(last) >= quiet {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

const gif1x1 = "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"

// serveTracker answers like the real trackers, in small: the loaders set
// their cookies and send their hits, the pixels answer a GIF and a
// third-party cookie.
func serveTracker(w http.ResponseWriter, r *http.Request, host string) {
	js := func(s string) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(s))
	}
	switch {
	case host == "www.googletagmanager.com" && (r.URL.Path == "/gtag/js" || r.URL.Path == "/gtm.js"):
		js(`(function(){
document.cookie = "_ga=GA1.1.42.1700000000; path=/; max-age=63072000";
document.cookie = "_ga_TEST123=GS1.1.1700000000.1.0; path=/; max-age=63072000";
document.cookie = "_gid=GA1.1.7.1700000000; path=/; max-age=86400";
var i = new Image(); i.src = "https://www.google-analytics.com/g/collect?v=2&tid=G-TEST123&en=page_view";
if (navigator.sendBeacon) navigator.sendBeacon("https://region1.google-analytics.com/g/collect?v=2&tid=G-TEST123&en=user_engagement");
window.__gtagLoaded = true;
})();`)
	case host == "connect.facebook.net":
		js(`(function(){
document.cookie = "_fbp=fb.1.1700000000.42; path=/; max-age=7776000";
var i = new Image(); i.src = "https://www.facebook.com/tr?id=1234567890&ev=PageView";
window.__fbLoaded = true;
})();`)
	case strings.HasSuffix(host, "hotjar.com"):
		js(`document.cookie = "_hjSessionUser_42=eyJ; path=/; max-age=31536000"; window.__hotjarLoaded = true;`)
	case host == "www.facebook.com" || strings.HasSuffix(host, "doubleclick.net") || host == "px.ads.linkedin.com":
		http.SetCookie(w, &http.Cookie{Name: "fr", Value: "tracker-id", Path: "/", Secure: true, SameSite: http.SameSiteNoneMode, MaxAge: 3600})
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte(gif1x1))
	case strings.HasSuffix(host, "google-analytics.com"):
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte("/* stub */"))
	}
}

// makeCert generates a CA and a leaf for names (and 127.0.0.1).
func makeCert(t testing.TB, names []string) (tls.Certificate, *x509.CertPool, string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "consentguard e2e test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(leafDER)
	sum := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey, Leaf: leaf}, pool, base64.StdEncoding.EncodeToString(sum[:])
}

// peekedConn reads through the bufio.Reader that peeked the first byte.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// connListener hands already accepted (and classified) conns to http.Server.
type connListener struct {
	addr   net.Addr
	ch     chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newConnListener(a net.Addr) *connListener {
	return &connListener{addr: a, ch: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *connListener) put(c net.Conn) {
	select {
	case l.ch <- c:
	case <-l.closed:
		c.Close()
	}
}

func (l *connListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *connListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *connListener) Addr() net.Addr { return l.addr }

// chromiumPath returns $CHROMIUM or /usr/bin/chromium (see
// scripts/install-chromium.sh).
func chromiumPath(t testing.TB) string {
	t.Helper()
	p := os.Getenv("CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		fixture.Missing(t, "chromium not found ("+p+"): run scripts/install-chromium.sh")
	}
	return p
}

// BrowserOptions returns our own allocator option list (not chromedp's
// defaults, which include --disable-extensions: a later test loads an
// extension by appending chromedp.Flag("load-extension", dir) and
// chromedp.Flag("disable-extensions-except", dir)).
func BrowserOptions(t testing.TB, w *World, userDataDir string) []chromedp.ExecAllocatorOption {
	opts := append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(chromiumPath(t)), chromedp.UserDataDir(userDataDir)}, audit.QuietFlags()...)
	return append(opts,
		// Every host name resolves to the loopback world.
		chromedp.Flag("host-resolver-rules", fmt.Sprintf("MAP * 127.0.0.1:%d", w.Port)),
		chromedp.Flag("ignore-certificate-errors-spki-list", w.SPKI),
	)
}

// Browser is a headless Chromium with a fresh profile.
type Browser struct {
	Ctx    context.Context
	cancel func()
	out    *syncBuffer
}

// newBrowser starts Chromium against w. Third-party cookies are allowed
// in the profile, so a cookie that reaches the browser is stored and the
// cookie checks cannot pass by the browser's own blocking.
func newBrowser(t testing.TB, w *World, extra ...chromedp.ExecAllocatorOption) *Browser {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "Default"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Default", "Preferences"), []byte(`{"profile":{"cookie_controls_mode":0}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	opts := append(BrowserOptions(t, w, dir), chromedp.CombinedOutput(out))
	opts = append(opts, extra...)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, tcancel := context.WithTimeout(ctx, 90*time.Second)
	b := &Browser{Ctx: ctx, out: out, cancel: func() { tcancel(); cancel(); acancel() }}
	if err := chromedp.Do(ctx); err != nil {
		b.cancel()
		t.Fatalf("start chromium: %v\n%s", err, out.String())
	}
	t.Cleanup(func() {
		b.cancel()
		if t.Failed() {
			t.Logf("chromium output:\n%s", tail(out.String(), 4000))
		}
	})
	return b
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// Cookies returns every cookie the browser stores (all partitions).
func (b *Browser) Cookies(t testing.TB) []*network.Cookie {
	t.Helper()
	res, err := chromedp.CallBrowser(b.Ctx, storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		t.Fatalf("Storage.getCookies: %v", err)
	}
	return res.Cookies
}

// Eval evaluates a JS expression in the page.
func Eval[T any](t testing.TB, b *Browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// Navigate loads url and waits for the network to be quiet.
func (b *Browser) Navigate(t testing.TB, w *World, url string) {
	t.Helper()
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(url)); err != nil {
		var le *chromedp.LoadError
		if errors.As(err, &le) {
			t.Fatalf("navigate %s: %s", url, le.ErrorText)
		}
		t.Fatalf("navigate %s: %v", url, err)
	}
	// Let late scripts (timers, injected tags, beacons) run.
	time.Sleep(300 * time.Millisecond)
	w.waitQuiet(500*time.Millisecond, 5*time.Second)
}

func hitList(h []Hit) string {
	var b bytes.Buffer
	for _, x := range h {
		fmt.Fprintf(&b, "\n  %s %s%s?%s cookies=%v", x.Method, x.Host, x.Path, x.Query, x.Cookies)
	}
	return b.String()
}
