//go:build js && wasm

// Command worker is consentguard's edge proxy as a Cloudflare Worker. The
// Go runtime starts once per isolate (glue/worker.mjs) and serves every
// request of the isolate; origin requests go through the Workers fetch
// (bridge.Transport). Configuration comes from the worker's variables (see
// package vars). Build it with scripts/build-worker.sh.
package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consentguard/consentguard/edge"
	"github.com/consentguard/consentguard/edge/worker/bridge"
	"github.com/consentguard/consentguard/edge/worker/vars"
	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/snippet"
)

// worker builds the proxy on the first request (the variables are only
// known then) and keeps it for the isolate's lifetime.
type worker struct {
	once    sync.Once
	h       http.Handler
	err     error
	started time.Time
	n       atomic.Int64
	id      string
	// instance: INSTANCE_HEADER is set, read once (a JS lookup per
	// request costs CPU in workerd).
	instance bool
}

func (wk *worker) init() {
	v, _ := bridge.Env("INSTANCE_HEADER")
	wk.instance = v == "true" || v == "1"
	if err := logLevel(); err != nil {
		wk.err = err
		return
	}
	cfg, err := vars.Config(bridge.Env)
	if err != nil {
		wk.err = err
		return
	}
	eng, err := policylists.Default()
	if err != nil {
		wk.err = fmt.Errorf("lists: %w", err)
		return
	}
	snip, err := snippets()
	if err != nil {
		wk.err = err
		return
	}
	p, err := edge.New(cfg, eng, &bridge.Transport{MaxBodyBytes: cfg.MaxBodyBytes}, edge.Options{Snippets: snip})
	if err != nil {
		wk.err = err
		return
	}
	wk.h = p
}

func (wk *worker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	wk.once.Do(wk.init)
	n := wk.n.Add(1)
	if wk.instance {
		// Which Go instance served the request and how many it served:
		// proves the runtime is reused across requests.
		w.Header().Set("X-Consentguard-Instance", wk.id+"/"+strconv.FormatInt(n, 10))
	}
	if wk.err != nil {
		fmt.Fprintln(os.Stderr, "consentguard: configuration:", wk.err)
		msg := "consentguard: worker misconfigured (see the worker log)"
		if ve := (*vars.Error)(nil); errors.As(wk.err, &ve) && ve.Var == "SECRET" {
			// Names the fix; never echoes the secret.
			msg = "consentguard: worker misconfigured: " + ve.Error()
		}
		http.Error(w, msg, http.StatusInternalServerError)
		return
	}
	wk.h.ServeHTTP(w, r)
}

// logLevel sets the level of the default log (stderr: the worker log)
// from LOG_LEVEL: "warn" when unset, so that errors are logged but not the
// line per page (Info, about 0.3 ms of CPU in workerd) unless asked for.
func logLevel() error {
	lvl := slog.LevelWarn
	if v, ok := bridge.Env("LOG_LEVEL"); ok && v != "" {
		if err := lvl.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("LOG_LEVEL %q: %v", v, err)
		}
	}
	slog.SetLogLoggerLevel(lvl)
	return nil
}

// snippets parses the embedded inline-snippet signatures.
func snippets() (*snippet.Set, error) {
	data, ok := policylists.File("snippets.txt")
	if !ok {
		return nil, fmt.Errorf("lists: snippets.txt not embedded")
	}
	set, errs := snippet.Parse("snippets.txt", data)
	if len(errs) > 0 {
		return nil, fmt.Errorf("lists: %d errors, first: %v", len(errs), errs[0])
	}
	return set, nil
}

func main() {
	wk := &worker{started: time.Now()}
	wk.id = strconv.FormatInt(wk.started.UnixNano()%1e9, 36)
	bridge.Serve(wk)
}
