package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/consentguard/consentguard/edge"
)

func init() {
	register(command{"proxy", "run the consent-enforcing reverse proxy in front of one origin", runProxy})
}

func runProxy(args []string, stdout, stderr io.Writer) error {
	var src listSource
	own := newFlags("proxy", stderr)
	src.registerModes(own)
	mine, rest := splitArgs(args, own)
	for _, a := range rest {
		if a == "-h" || a == "--help" || a == "-help" {
			proxyUsage(stderr, own)
			return flag.ErrHelp
		}
	}
	if err := parseFlags(own, mine); err != nil {
		return err
	}
	s, problems := checkProxy(rest)
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "consentguard proxy: %d problem(s) with the flags:\n", len(problems))
		for _, p := range problems {
			fmt.Fprintln(stderr, "  "+p)
		}
		fmt.Fprintln(stderr, "Run 'consentguard proxy -h' for every flag.")
		return &exitError{2, ""}
	}
	defer s.ln.Close()
	cfg := s.cfg
	src.files = cfg.Lists
	eng, err := src.engine("proxy", stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	p, err := edge.New(cfg, eng, nil, edge.Options{Log: log})
	if err != nil {
		return &exitError{2, err.Error()}
	}
	u, host, warn := proxyURL(cfg, s.ln, s.cert != nil)
	if warn {
		fmt.Fprintf(stderr, "consentguard proxy: warning: %s answers 421: %s is not a --site (%s); browse a site name mapped to this address "+
			"(e.g. chromium --host-resolver-rules=\"MAP %s %s\") or add --site %s\n",
			u, host, strings.Join(cfg.Sites, ","), cfg.Sites[0], s.ln.Addr(), host)
	}
	fmt.Fprintf(stdout, "consentguard proxy: %s -> %s (sites %s)\n", u, cfg.Origin, strings.Join(cfg.Sites, ","))
	return serve(s.ln, p, cfg, s.cert, log)
}

func proxyUsage(w io.Writer, own *flag.FlagSet) {
	var cfg edge.Config
	fs := edge.FlagSet(&cfg)
	fs.SetOutput(w)
	fmt.Fprintln(w, "usage: consentguard proxy --origin URL --listen ADDR --site HOST[,HOST...] --secret KEY [--tls-cert FILE --tls-key FILE] [--config FILE] [flags]")
	fmt.Fprintln(w, "\nThe secret signs the consent cookie and is required (--secret, env CONSENTGUARD_SECRET or the")
	fmt.Fprintln(w, "config's \"secret\"): at least 16 random bytes; make one with: openssl rand -base64 32")
	fmt.Fprintln(w, "\nflags:")
	fs.PrintDefaults()
	own.SetOutput(w)
	own.PrintDefaults()
}

// splitArgs separates the flags defined in own (boolean flags, as -name,
// --name or --name=value) from the rest, which keep their order.
func splitArgs(args []string, own *flag.FlagSet) (mine, rest []string) {
	for i, a := range args {
		if a == "--" {
			return mine, append(rest, args[i:]...)
		}
		name := strings.TrimLeft(a, "-")
		name, _, _ = strings.Cut(name, "=")
		if strings.HasPrefix(a, "-") && own.Lookup(name) != nil {
			mine = append(mine, a)
		} else {
			rest = append(rest, a)
		}
	}
	return mine, rest
}

// serveCtx is the parent of the server's lifetime; tests cancel it.
var serveCtx = context.Background()

// serve runs an http.Server with the config's limits until SIGINT/SIGTERM,
// then shuts down gracefully.
func serve(ln net.Listener, h http.Handler, cfg edge.Config, cert *tls.Certificate, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 15 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ctx, stop := signal.NotifyContext(serveCtx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() {
		if cert != nil {
			// The key pair was loaded (and checked) before the listening
			// line was printed.
			srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
