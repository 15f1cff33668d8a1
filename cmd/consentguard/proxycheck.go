package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/consentguard/consentguard/edge"
)

// proxySetup is a checked proxy configuration with what start-up prepared.
type proxySetup struct {
	cfg  edge.Config
	ln   net.Listener
	cert *tls.Certificate // nil: plain HTTP
}

// fieldFix maps a config field to its flag and to flag values that stand in
// for a bad value, so that the next problem can be found. Fields missing
// here (or set in the config file to a value a flag only adds to) stop the
// search after their own problem.
var fieldFix = map[string]struct {
	flag string
	fix  []string
}{
	"origin":   {"--origin", []string{"--origin", "http://127.0.0.1:9"}},
	"sites":    {"--site", []string{"--site", "placeholder.invalid"}},
	"secret":   {"--secret", []string{"--secret", "Zq8vXo2Lr5Wn0Bt7Hc4Ky1Md6Pf3Js9A"}},
	"defaults": {"--defaults", []string{"--defaults", ""}},
	"exclude":  {"--exclude", []string{"--exclude", "/"}},
	"tls_cert": {"--tls-cert/--tls-key", []string{"--tls-cert", "", "--tls-key", ""}},
}

// checkProxy parses the proxy's arguments (the --config file first, flags
// over it) and checks every setting, returning every problem at once rather
// than the first. It also opens the listener and loads the TLS key pair, so
// that nothing fails after the listening line is printed.
func checkProxy(args []string) (*proxySetup, []string) {
	var raw edge.Config
	fs := edge.FlagSet(&raw)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return nil, []string{err.Error()}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var problems []string
	cfg, ok, overridden := normalizeAll(args, raw, set, &problems)
	if !ok {
		cfg = raw // check what the flags say
	}
	switch {
	case strings.EqualFold(cfg.Origin, "self") && !overridden["origin"]:
		problems = append(problems, `--origin self is for the Worker on a route of the site's own zone; the native proxy would ask itself`)
	}
	for _, f := range cfg.Lists {
		if _, err := os.Stat(f); err != nil {
			problems = append(problems, "--list "+f+": "+errText(err))
		}
	}
	s := &proxySetup{cfg: cfg}
	if cfg.TLSCert != "" && cfg.TLSKey != "" && !overridden["tls_cert"] {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			problems = append(problems, fmt.Sprintf("--tls-cert %s --tls-key %s: %v", cfg.TLSCert, cfg.TLSKey, err))
		} else {
			s.cert = &cert
		}
	}
	if p := checkListen(cfg.Listen); p != "" {
		problems = append(problems, p)
	} else if len(problems) == 0 {
		ln, err := net.Listen("tcp", cfg.Listen)
		if err != nil {
			problems = append(problems, "--listen "+cfg.Listen+": "+err.Error())
		}
		s.ln = ln
	}
	if len(problems) > 0 {
		if s.ln != nil {
			s.ln.Close()
		}
		return nil, problems
	}
	return s, nil
}

// normalizeAll runs edge.ParseFlags until the configuration is valid, each
// time standing a placeholder in for the field that failed, and records one
// problem per field. ok is false when it stopped on a problem it cannot
// stand in for.
func normalizeAll(args []string, raw edge.Config, set map[string]bool, problems *[]string) (cfg edge.Config, ok bool, overridden map[string]bool) {
	overridden = map[string]bool{}
	args = append([]string(nil), args...)
	for range len(fieldFix) + 1 {
		c, err := edge.ParseFlags(args)
		if err == nil {
			return c, true, overridden
		}
		var fe *edge.FieldError
		if !errors.As(err, &fe) || fe.File != "" {
			*problems = append(*problems, err.Error())
			return edge.Config{}, false, overridden
		}
		if overridden[fe.Field] {
			// The bad value is in the config file, which a repeatable
			// flag only adds to: reported already, cannot look further.
			return edge.Config{}, false, overridden
		}
		fix, known := fieldFix[fe.Field]
		*problems = append(*problems, fieldProblem(fe, fix.flag, raw, set))
		if !known {
			return edge.Config{}, false, overridden
		}
		overridden[fe.Field] = true
		for i := 0; i < len(fix.fix); i += 2 {
			args = append(withoutFlag(args, strings.TrimPrefix(fix.fix[i], "--")), fix.fix[i], fix.fix[i+1])
		}
	}
	return edge.Config{}, false, overridden
}

// withoutFlag removes every occurrence of the value flag name from args
// (-name v, --name v, -name=v, --name=v).
func withoutFlag(args []string, name string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		n := strings.TrimLeft(a, "-")
		switch {
		case strings.HasPrefix(a, "-") && n == name:
			i++ // and its value
		case strings.HasPrefix(a, "-") && strings.HasPrefix(n, name+"="):
		default:
			out = append(out, a)
		}
	}
	return out
}

// fieldProblem words a field error for the command line: it names the flag,
// or the config file's field when the value came from the file, and the
// likely fix.
func fieldProblem(fe *edge.FieldError, flagName string, raw edge.Config, set map[string]bool) string {
	name := strings.TrimPrefix(strings.SplitN(flagName, "/", 2)[0], "--")
	where := flagName
	switch {
	case raw.ConfigFile != "" && (flagName == "" || !set[name]):
		where = raw.ConfigFile + ": " + fe.Field
	case flagName == "":
		where = fe.Field
	case name == "secret" && !set[name]:
		where = "--secret (or CONSENTGUARD_SECRET)"
	}
	if name == "origin" && set[name] && !strings.Contains(raw.Origin, "://") && raw.Origin != "" && !strings.EqualFold(raw.Origin, "self") {
		return fmt.Sprintf("--origin %s: the scheme is missing; did you mean --origin http://%s ?", raw.Origin, raw.Origin)
	}
	return where + ": " + fe.Msg
}

// checkListen validates a listen address without opening it.
func checkListen(addr string) string {
	if addr == "" {
		return "--listen is required (e.g. --listen 127.0.0.1:8443)"
	}
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
		return fmt.Sprintf("--listen %s: want host:port or :port (e.g. 127.0.0.1:8443)", addr)
	}
	return ""
}

func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// proxyURL is the URL the listening line prints, and warn421 whether that
// URL's host is not a site (the proxy would answer it 421).
func proxyURL(cfg edge.Config, ln net.Listener, tlsOn bool) (u, host string, warn421 bool) {
	scheme := "http"
	if tlsOn {
		scheme = "https"
	}
	host, _, _ = net.SplitHostPort(cfg.Listen)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	warn421 = true
	for _, s := range cfg.Sites {
		if strings.EqualFold(s, strings.TrimSuffix(host, ".")) {
			warn421 = false
		}
	}
	return scheme + "://" + net.JoinHostPort(host, port), host, warn421
}
