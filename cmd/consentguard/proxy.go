package main

import (
	"context"
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
	cfg, err := edge.ParseFlags(rest)
	if err != nil {
		return &exitError{2, err.Error()}
	}
	if cfg.Listen == "" {
		return &exitError{2, "--listen is required (e.g. --listen 127.0.0.1:8443)"}
	}
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
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "consentguard proxy: %s://%s -> %s (sites %v)\n", scheme, ln.Addr(), cfg.Origin, cfg.Sites)
	return serve(ln, p, cfg, log)
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
func serve(ln net.Listener, h http.Handler, cfg edge.Config, log *slog.Logger) error {
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
		if cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
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
