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
	"syscall"
	"time"

	"github.com/consentguard/consentguard/edge"
	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/engine"
)

func init() {
	register(command{"proxy", "run the consent-enforcing reverse proxy in front of one origin", runProxy})
}

func runProxy(args []string, stdout, stderr io.Writer) error {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			var cfg edge.Config
			fs := edge.FlagSet(&cfg)
			fs.SetOutput(stderr)
			fmt.Fprintln(stderr, "usage: consentguard proxy --origin URL --listen ADDR --site HOST[,HOST...] [--tls-cert FILE --tls-key FILE] [--config FILE] [flags]")
			fs.PrintDefaults()
			return flag.ErrHelp
		}
	}
	cfg, err := edge.ParseFlags(args)
	if err != nil {
		return &exitError{2, err.Error()}
	}
	if cfg.Listen == "" {
		return &exitError{2, "--listen is required (e.g. --listen 127.0.0.1:8443)"}
	}
	eng, err := buildEngine(cfg.Lists, stderr)
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

// buildEngine compiles the embedded lists plus files, printing list errors.
func buildEngine(files []string, stderr io.Writer) (*engine.Engine, error) {
	if len(files) == 0 {
		return policylists.Default()
	}
	eng, rep, err := policylists.Build(files...)
	if err != nil {
		return nil, err
	}
	for i, le := range rep.Errors {
		if i == 20 {
			fmt.Fprintf(stderr, "... and %d more list errors (see 'consentguard lists check')\n", len(rep.Errors)-20)
			break
		}
		fmt.Fprintln(stderr, le)
	}
	return eng, nil
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
