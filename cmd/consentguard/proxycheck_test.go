package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentguard/consentguard/internal/fixture"
)

const goodSecret = "q3mB0vJ5G0o8pQzJ6y7M1h2k9fXcW4tR0aN8sL+e3Uo="

// TestProxyProblemsAtOnce: every bad flag is reported in one run, each
// naming its flag; a missing scheme says so.
func TestProxyProblemsAtOnce(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.txt")
	code, out, errs := run(t, "", "proxy", "--origin", "localhost:8000", "--site", "a.com/x", "--secret", "short",
		"--defaults", "everything", "--exclude", "api", "--listen", "nope", "--list", missing)
	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, want := range []string{
		"--origin localhost:8000: the scheme is missing; did you mean --origin http://localhost:8000 ?",
		`--site: "a.com/x" is not a host name`,
		`--defaults: unknown category "everything"`,
		`--exclude: "api": a path prefix starts with /`,
		"--secret: at least 16 bytes",
		"openssl rand -base64 32",
		"--listen nope: want host:port",
		"--list " + missing + ": no such file",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(errs, "7 problem(s)") {
		t.Errorf("want 7 problems counted:\n%s", errs)
	}
}

func TestProxyRefusesExampleConfig(t *testing.T) {
	cfgFile := filepath.Join(fixture.Root(t), "edge", "config.example.json")
	code, _, errs := run(t, "", "proxy", "--config", cfgFile)
	if code != 2 || !strings.Contains(errs, cfgFile+": secret: this is the example's placeholder") {
		t.Errorf("example config: %d %q", code, errs)
	}
	// Its secret replaced by a flag, it starts (checked up to the listener).
	t.Setenv("CONSENTGUARD_SECRET", "")
	s, problems := checkProxy([]string{"--config", cfgFile, "--secret", goodSecret, "--listen", "127.0.0.1:0"})
	if len(problems) > 0 {
		t.Fatalf("example config with a real secret: %v", problems)
	}
	s.ln.Close()
}

// startProxy runs the proxy command until the test ends; it returns the URL
// of the listening line and the stderr written so far.
func startProxy(t *testing.T, args ...string) (string, func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	serveCtx = ctx
	pr, pw := io.Pipe()
	var mu sync.Mutex
	var errb strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- Main(append([]string{"proxy"}, args...), pw, writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return errb.Write(p)
		}))
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("proxy exit %d after shutdown", code)
			}
		case <-time.After(10 * time.Second):
			t.Error("proxy did not stop")
		}
		serveCtx = context.Background()
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	stderr := func() string { mu.Lock(); defer mu.Unlock(); return errb.String() }
	if err != nil {
		t.Fatalf("no listening line: %v; stderr %s", err, stderr())
	}
	f := strings.Fields(line)
	if len(f) < 3 {
		t.Fatalf("listening line %q", line)
	}
	return f[2], stderr
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestProxy421Warning: the listening line's URL answers 421 when its host is
// not a site, and start-up warns about it; when it is a site, no warning.
func TestProxy421Warning(t *testing.T) {
	u, stderr := startProxy(t, "--origin", "http://127.0.0.1:9", "--site", "shop.example", "--secret", goodSecret, "--listen", "127.0.0.1:0")
	res, err := http.Get(u + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMisdirectedRequest {
		t.Fatalf("GET %s: %d, want 421 (the case the warning is for)", u, res.StatusCode)
	}
	if w := stderr(); !strings.Contains(w, "warning: "+u+" answers 421: 127.0.0.1 is not a --site (shop.example)") || !strings.Contains(w, "--site 127.0.0.1") {
		t.Errorf("no 421 warning: %q", w)
	}
	u2, stderr2 := startProxy(t, "--origin", "http://127.0.0.1:9", "--site", "127.0.0.1", "--secret", goodSecret, "--listen", "127.0.0.1:0")
	if res, err := http.Get(u2 + "/"); err != nil || res.StatusCode == http.StatusMisdirectedRequest {
		t.Errorf("GET %s: %v %v", u2, res, err)
	} else {
		res.Body.Close()
	}
	if strings.Contains(stderr2(), "421") {
		t.Errorf("warning for a site: %q", stderr2())
	}
}

// TestProxyTLS: a bad key pair is a start-up problem (not an error after
// the listening line); a good one serves HTTPS at the printed URL.
func TestProxyTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeSelfSigned(t, dir, "127.0.0.1")
	code, out, errs := run(t, "", "proxy", "--origin", "http://127.0.0.1:9", "--site", "127.0.0.1", "--secret", goodSecret,
		"--listen", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", certFile)
	if code != 2 || out != "" || !strings.Contains(errs, "--tls-cert "+certFile) {
		t.Errorf("bad key: %d %q %q", code, out, errs)
	}
	u, _ := startProxy(t, "--origin", "http://127.0.0.1:9", "--site", "127.0.0.1", "--secret", goodSecret,
		"--listen", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(u, "https://127.0.0.1:") {
		t.Fatalf("URL %q", u)
	}
	pool := x509.NewCertPool()
	certPEM, _ := os.ReadFile(certFile)
	pool.AppendCertsFromPEM(certPEM)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := c.Get(u + "/.well-known/gpc.json")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.TLS == nil {
		t.Errorf("not TLS")
	}
}

func writeSelfSigned(t *testing.T, dir, ip string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: ip},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.ParseIP(ip)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}

func TestWithoutFlag(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"--site a --origin o --site=b -site c", "--origin o"},
		{"--sites x --site", "--sites x"},
		{"--origin o -- --site a", "--origin o -- --site a"},
	} {
		if got := strings.Join(withoutFlag(strings.Fields(tt.in), "site"), " "); got != tt.want {
			t.Errorf("withoutFlag(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzArgs: withoutFlag and splitArgs keep the other arguments in order and
// lose none.
func FuzzArgs(f *testing.F) {
	f.Add("--site a --lenient --origin=o -no-upstream=false -- --lenient")
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Fields(s)
		var src listSource
		own := newFlags("proxy", io.Discard)
		src.registerModes(own)
		mine, rest := splitArgs(args, own)
		if len(mine)+len(rest) != len(args) {
			t.Fatalf("splitArgs(%q) = %q + %q", args, mine, rest)
		}
		out := withoutFlag(args, "site")
		j := 0
		for _, a := range args {
			if j < len(out) && out[j] == a {
				j++
			}
		}
		if j != len(out) {
			t.Fatalf("withoutFlag(%q) = %q: not a subsequence", args, out)
		}
		for i, a := range out {
			if a == "--" {
				break
			}
			if n := strings.TrimLeft(a, "-"); strings.HasPrefix(a, "-") && (n == "site" || strings.HasPrefix(n, "site=")) {
				t.Fatalf("withoutFlag(%q) kept %q at %d", args, a, i)
			}
		}
	})
}
