// Package edge is consentguard's reverse proxy: an http.Handler in front of
// one origin that enforces the visitor's consent on every response.
//
// It runs natively (the CLI's `consentguard proxy`) and in a Cloudflare
// Worker (edge/worker passes its fetch-based http.RoundTripper to New); this
// package imports nothing Worker-specific and builds for js/wasm.
//
// What it does, per request:
//   - refuses any Host not in Config.Sites (421) and never contacts anything
//     but Config.Origin, whatever the Host or absolute-form URL says;
//   - reads the visitor's consent (our signed consentguard cookie, else the
//     OneTrust, Cookiebot or IAB TCF cookie, else Config.Defaults) and the
//     Sec-GPC/DNT signals;
//   - forwards the request with hop-by-hop headers stripped, non-consented
//     cookies removed from Cookie, Sec-GPC kept, Accept-Encoding limited to
//     gzip, and the visitor's Host (unless Config.OriginHost);
//   - removes non-consented Set-Cookie headers one by one;
//   - streams HTML through the rewriter (wasm/rewrite): non-consented
//     tracker scripts, inline snippets, pixels, frames and resource hints are
//     removed; at the start of <head> a small inline script (GPC API and
//     Google Consent Mode v2 defaults) and a <script src> of the external
//     guard (GuardPrefix: the runtime guard and the banner script,
//     immutable, with SRI) are injected, with the banner's style and
//     template when Config.Banner is on; after the document, the banner's
//     sentence naming the categories removed on the page and the "Privacy
//     choices" control;
//   - leaves scripts gated by a CMP (type="text/plain") alone: they are inert
//     until the CMP activates them after the visitor consents in it; the
//     proxy never activates them itself, and consent-management scripts are
//     never removed;
//   - reports what it removed in X-Consentguard ("removed=analytics:2,
//     advertising:3; cookies=1"; X-Consentguard-Report-Only in report-only
//     mode) and Server-Timing, in the log (one Info line per page) and to
//     Options.OnReport. HTML streams at once, so the counts are known only
//     at the end and go out as trailers; with Config.Hold a page complete
//     within Hold and 256 KiB goes out in one piece with them as headers
//     (and a Content-Length);
//   - serves ConsentPath (GET: the consent form, or the state as JSON;
//     POST: the banner's form), the external guard under GuardPrefix and
//     /.well-known/gpc.json.
//
// Errors: an unreachable or too slow origin gives a small 502 page with
// Cache-Control: no-store. A failure while rewriting is fail-open by default
// (the element concerned is kept, an undecodable body is streamed unchanged,
// and the error is logged); Config.FailClosed answers 502 instead, or resets
// the stream when bytes were already sent, so unfiltered content never
// arrives as a complete page.
package edge

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/cookie"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/rewrite"
	"github.com/consentguard/consentguard/wasm/snippet"
)

// Paths served by the proxy itself.
const (
	ConsentPath = "/.consentguard/consent"
	GPCPath     = "/.well-known/gpc.json"
)

// Response headers and trailers set by the proxy.
const (
	HeaderSummary    = "X-Consentguard"
	HeaderReportOnly = "X-Consentguard-Report-Only"
	HeaderTiming     = "Server-Timing"
)

// Proxy is the edge handler. Build it with New; it is safe for concurrent use.
type Proxy struct {
	cfg      Config
	origin   *url.URL
	sites    map[string]bool
	eng      *engine.Engine
	rt       http.RoundTripper
	snippets *snippet.Set
	policy   consent.Policy
	secret   []byte
	log      *slog.Logger
	report   func(Report)
	guards   sync.Map      // injectKey -> *injection
	files    sync.Map      // consent.Set -> *guardFile
	seen     atomic.Uint32 // consent.Set of the categories removed on the site's pages so far
	decided  decideCache
	found    snippetCache
	bufs     sync.Pool

	// testPanic makes the HTML handler panic on a start tag of this name
	// (tests of the fail-open/fail-closed paths).
	testPanic string
	// testNoCache bypasses the decision and snippet caches (tests that
	// they change nothing).
	testNoCache bool
}

// Options are the optional parts of New.
type Options struct {
	// Snippets are the inline-snippet signatures (nil: the embedded
	// policylists/snippets.txt, see DefaultSnippets).
	Snippets *snippet.Set
	// Log receives one line per rewritten page and every error (nil: slog.Default()).
	Log *slog.Logger
	// OnReport is called after each proxied response with what was removed
	// (the demo prints it).
	OnReport func(Report)
}

// New builds the proxy. transport performs the origin requests (the Worker
// passes its fetch transport); nil uses a native http.Transport with the
// config's limits (not available under js/wasm).
func New(cfg Config, eng *engine.Engine, transport http.RoundTripper, opt Options) (*Proxy, error) {
	if err := cfg.Normalize(); err != nil {
		return nil, err
	}
	if eng == nil {
		return nil, errors.New("edge: nil engine")
	}
	if transport == nil {
		if cfg.Origin == OriginSelf {
			return nil, &FieldError{Field: "origin", Msg: `"self" is for the Worker on a route of the site's own zone; the native proxy would ask itself`}
		}
		transport = defaultTransport(&cfg)
		if transport == nil {
			return nil, errors.New("edge: a transport is required on this platform")
		}
	}
	if opt.Snippets == nil {
		s, err := DefaultSnippets()
		if err != nil {
			return nil, err
		}
		opt.Snippets = s
	}
	var origin *url.URL
	if cfg.Origin != OriginSelf {
		origin, _ = url.Parse(cfg.Origin)
	}
	p := &Proxy{
		cfg:      cfg,
		origin:   origin,
		sites:    make(map[string]bool, len(cfg.Sites)),
		eng:      eng,
		rt:       transport,
		snippets: opt.Snippets,
		policy:   cfg.Policy(),
		secret:   []byte(cfg.Secret),
		log:      opt.Log,
		report:   opt.OnReport,
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	for _, s := range cfg.Sites {
		p.sites[s] = true
	}
	p.bufs.New = func() any { b := make([]byte, 32<<10); return &b }
	return p, nil
}

// Config returns the normalised configuration.
func (p *Proxy) Config() Config { return p.cfg }

// Report is what the proxy did to one response.
type Report struct {
	Method, URL string
	Status      int
	HTML        bool
	ReportOnly  bool
	// Removed counts removed (or, in report-only mode, would-be-removed)
	// elements per category; Cookies counts Set-Cookie headers and request
	// cookies removed.
	Removed map[consent.Category]int
	Cookies int
	// Items lists what was removed: "script https://www.googletagmanager.com/gtag/js (analytics google-analytics)".
	Items []string
	// ItemsCut counts removals left out of Items (it keeps the first
	// MaxItems); the log line ends with "+N more".
	ItemsCut int
	// Rewrite is the time spent in the rewriter (and minifier).
	Rewrite time.Duration
	Err     error
}

// MaxItems is how many removals a Report lists.
const MaxItems = 200

// ItemList joins Items with "; ", ending with "+N more" when some were cut.
func (r *Report) ItemList() string {
	s := strings.Join(r.Items, "; ")
	if r.ItemsCut > 0 {
		s += "; +" + strconv.Itoa(r.ItemsCut) + " more"
	}
	return s
}

// Summary renders the X-Consentguard value: "removed=analytics:2,advertising:3; cookies=1".
func (r *Report) Summary() string {
	b := make([]byte, 0, 64)
	b = append(b, "removed="...)
	n := 0
	if len(r.Removed) > 0 {
		for _, c := range consent.Categories() {
			if k := r.Removed[c]; k > 0 {
				if n > 0 {
					b = append(b, ',')
				}
				b = append(b, c.String()...)
				b = append(b, ':')
				b = strconv.AppendInt(b, int64(k), 10)
				n++
			}
		}
	}
	if n == 0 {
		b = append(b, "none"...)
	}
	b = append(b, "; cookies="...)
	b = strconv.AppendInt(b, int64(r.Cookies), 10)
	return string(b)
}

// hopByHop are the headers that belong to one connection (RFC 9110 7.6.1).
var hopByHop = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func stripHopByHop(h http.Header) {
	for _, v := range h.Values("Connection") {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				h.Del(f)
			}
		}
	}
	for _, k := range hopByHop {
		h.Del(k)
	}
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			p.log.Error("edge: panic", "url", r.URL.String(), "panic", v)
			// Headers may be out already; abort so nothing half-done is cached.
			panic(http.ErrAbortHandler)
		}
	}()
	host := requestHost(r)
	if !p.sites[host] {
		errorPage(w, http.StatusMisdirectedRequest, "This server does not serve the host "+strconv.Quote(host)+".")
		return
	}
	if r.Method == http.MethodConnect {
		errorPage(w, http.StatusMethodNotAllowed, "CONNECT is not supported.")
		return
	}
	if headerSize(r.Header) > p.cfg.MaxHeaderBytes {
		errorPage(w, http.StatusRequestHeaderFieldsTooLarge, "Request headers too large.")
		return
	}
	if strings.HasPrefix(r.URL.Path, GuardPrefix) {
		p.serveGuard(w, r)
		return
	}
	switch r.URL.Path {
	case ConsentPath:
		p.serveConsent(w, r, host)
		return
	case GPCPath:
		if p.cfg.GPCJSON {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "public, max-age=86400")
			fmt.Fprintf(w, "{\"gpc\": true, \"lastUpdate\": %q}\n", p.cfg.GPCDate)
			return
		}
	}
	if up := upgradeType(r.Header); up != "" {
		p.serveUpgrade(w, r, host, up)
		return
	}
	p.proxy(w, r, host)
}

// requestHost is the lower-case host the visitor asked for, without port.
// For an absolute-form request line Go's server sets r.Host from the URL.
func requestHost(r *http.Request) string {
	h := r.Host
	if h == "" && r.URL != nil {
		h = r.URL.Host
	}
	if hp, _, err := net.SplitHostPort(h); err == nil {
		h = hp
	}
	return strings.TrimSuffix(strings.ToLower(strings.Trim(h, "[]")), ".")
}

func headerSize(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if r.URL != nil && r.URL.Scheme == "https" {
		return "https"
	}
	return "http"
}

// state reads the visitor's consent: our signed cookie, else a CMP cookie,
// else the configured defaults; GPC/DNT from the headers.
func (p *Proxy) state(r *http.Request, host string) (consent.State, string) {
	gpc, dnt := consent.Signals(r.Header.Get)
	st := p.policy.For(host, gpc, dnt)
	st.Recorded = false
	if c, err := r.Cookie(consent.CookieName); err == nil {
		if s, err := consent.DecodeCookie(c.Value, p.secret); err == nil {
			s.GPC, s.DNT = gpc, dnt
			return s, "consentguard"
		}
	}
	for _, cmp := range []struct {
		name string
		read func(string) (consent.Set, bool, error)
	}{
		{consent.OneTrustCookie, consent.OneTrust},
		{consent.CookiebotCookie, consent.Cookiebot},
		{consent.TCFCookie, consent.TCF},
	} {
		c, err := r.Cookie(cmp.name)
		if err != nil {
			continue
		}
		if g, rec, err := cmp.read(c.Value); err == nil && rec {
			st.Granted, st.Recorded = withLoaders(g), true
			return st, cmp.name
		}
	}
	return st, "default"
}

// proxy forwards r to the origin and streams the response back.
func (p *Proxy) proxy(w http.ResponseWriter, r *http.Request, host string) {
	st, source := p.state(r, host)
	rep := p.newReport(r)
	if r.ContentLength > p.cfg.MaxBodyBytes {
		errorPage(w, http.StatusRequestEntityTooLarge, "Request body too large.")
		return
	}
	if !p.cfg.ReportOnly {
		if d, ok := p.firstPartyTracker(r, st); ok {
			p.refuseTracker(w, d, &rep, source)
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Duration(p.cfg.Timeout))
	defer cancel()
	out, removedCookies, err := p.outbound(ctx, r, host, st)
	if err != nil {
		errorPage(w, http.StatusBadRequest, "Bad request.")
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		out.Body = http.MaxBytesReader(w, r.Body, p.cfg.MaxBodyBytes)
		out.ContentLength = r.ContentLength
	}
	// The header timeout covers any transport, including the Worker's.
	hctx, hcancel := context.WithCancel(ctx)
	defer hcancel()
	timer := time.AfterFunc(time.Duration(p.cfg.HeaderTimeout), hcancel)
	out = out.WithContext(hctx)
	resp, err := p.rt.RoundTrip(out)
	timer.Stop()
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			errorPage(w, http.StatusRequestEntityTooLarge, "Request body too large.")
			return
		}
		p.log.Warn("edge: origin unreachable", "url", out.URL.String(), "err", err)
		errorPage(w, http.StatusBadGateway, "The site's server could not be reached. Please try again in a moment.")
		return
	}
	defer resp.Body.Close()
	if headerSize(resp.Header) > p.cfg.MaxHeaderBytes {
		p.log.Warn("edge: origin response headers too large", "url", out.URL.String())
		errorPage(w, http.StatusBadGateway, "The site's server sent an invalid response.")
		return
	}

	h := w.Header()
	for k, vs := range resp.Header {
		if k == "Set-Cookie" {
			continue
		}
		h[k] = vs
	}
	stripHopByHop(h)
	// A redirect to the origin's own address goes back to the visitor's host.
	if loc := h.Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil && p.origin != nil && u.Host != "" && strings.EqualFold(u.Host, p.origin.Host) {
			u.Scheme, u.Host = scheme(r), r.Host
			h.Set("Location", u.String())
		}
	}
	rep.Status = resp.StatusCode
	p.decideCookies(h, resp.Header["Set-Cookie"], removedCookies, host, st, &rep)

	html := p.rewritable(r, resp)
	if html && !p.cfg.ReportOnly {
		// Expire what the visitor still holds but did not consent to.
		for _, m := range removedCookies {
			for _, sc := range cookie.ExpireLines(m.Name, host) {
				h.Add("Set-Cookie", sc)
			}
		}
	}
	if !html {
		if rep.Cookies > 0 {
			p.setSummary(h, &rep)
		}
		w.WriteHeader(resp.StatusCode)
		p.copyBody(w, resp.Body)
		p.done(&rep, source)
		return
	}
	rep.HTML = true
	p.serveHTML(w, r, resp, host, st, source, &rep)
}

// newReport starts the report of one proxied request.
func (p *Proxy) newReport(r *http.Request) Report {
	return Report{Method: r.Method, URL: scheme(r) + "://" + r.Host + r.URL.RequestURI(), Removed: map[consent.Category]int{}, ReportOnly: p.cfg.ReportOnly}
}

// decideCookies records the request cookies removed on the way to the
// origin and adds to h the origin's Set-Cookie lines the visitor consented
// to (all of them in report-only mode), one header line per cookie, never
// split or joined (Expires has commas).
func (p *Proxy) decideCookies(h http.Header, setCookies []string, removed []cookie.Match, host string, st consent.State, rep *Report) {
	rep.Cookies += len(removed)
	for _, m := range removed {
		rep.Items = append(rep.Items, "request cookie "+m.Name+" ("+m.Category.String()+")")
	}
	for _, sc := range setCookies {
		keep, what := p.allowSetCookie(sc, host, st)
		if !keep {
			rep.Cookies++
			rep.Items = append(rep.Items, "set-cookie "+what)
		}
		if keep || p.cfg.ReportOnly {
			h.Add("Set-Cookie", sc)
		}
	}
}

// outbound builds the origin request: the origin's scheme and host (with
// OriginSelf, the visitor's), the visitor's path and query, filtered
// headers.
func (p *Proxy) outbound(ctx context.Context, r *http.Request, host string, st consent.State) (*http.Request, []cookie.Match, error) {
	var u url.URL
	if p.origin == nil {
		// OriginSelf: host is one of the sites (checked by ServeHTTP).
		u.Scheme, u.Host = scheme(r), host
		if _, port, err := net.SplitHostPort(r.Host); err == nil && port != "" {
			u.Host = net.JoinHostPort(host, port)
		}
		u.Path, u.RawPath = r.URL.Path, r.URL.RawPath
	} else {
		u = *p.origin
		u.Path = strings.TrimSuffix(p.origin.Path, "/") + r.URL.Path
		if p.origin.RawPath != "" || r.URL.RawPath != "" {
			u.RawPath = strings.TrimSuffix(p.origin.EscapedPath(), "/") + r.URL.EscapedPath()
		}
	}
	u.RawQuery = r.URL.RawQuery
	u.Fragment, u.RawFragment = "", ""
	out, err := http.NewRequestWithContext(ctx, r.Method, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	out.Header = r.Header.Clone()
	if out.Header == nil {
		out.Header = http.Header{}
	}
	stripHopByHop(out.Header)
	if p.origin == nil {
		out.Host = u.Host
	} else if p.cfg.OriginHost {
		out.Host = p.origin.Host
	} else {
		out.Host = r.Host
		if out.Host == "" {
			out.Host = host
		}
	}
	var removed []cookie.Match
	if cs := out.Header.Values("Cookie"); len(cs) > 0 {
		kept, rm := p.filterCookieHeader(strings.Join(cs, "; "), host, st)
		removed = rm
		if p.cfg.ReportOnly {
			kept = strings.Join(cs, "; ")
		}
		if kept == "" {
			out.Header.Del("Cookie")
		} else {
			out.Header.Set("Cookie", kept)
		}
	}
	// We decode gzip only; anything else the visitor accepts is not offered.
	if acceptsGzip(r.Header) {
		out.Header.Set("Accept-Encoding", "gzip")
	} else {
		out.Header.Set("Accept-Encoding", "identity")
	}
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if prior := out.Header.Get("X-Forwarded-For"); prior != "" {
			ip = prior + ", " + ip
		}
		out.Header.Set("X-Forwarded-For", ip)
	}
	out.Header.Set("X-Forwarded-Host", r.Host)
	out.Header.Set("X-Forwarded-Proto", scheme(r))
	return out, removed, nil
}

func acceptsGzip(h http.Header) bool {
	for _, v := range h.Values("Accept-Encoding") {
		for _, f := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(f), ";")
			if strings.EqualFold(strings.TrimSpace(name), "gzip") || strings.TrimSpace(name) == "*" {
				if q := strings.ReplaceAll(params, " ", ""); q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
					return false
				}
				return true
			}
		}
	}
	return false
}

// rewritable reports whether the response is an HTML document to rewrite.
func (p *Proxy) rewritable(r *http.Request, resp *http.Response) bool {
	if r.Method == http.MethodHead || resp.StatusCode == http.StatusNoContent ||
		resp.StatusCode == http.StatusNotModified || resp.StatusCode == http.StatusPartialContent ||
		resp.StatusCode < 200 {
		return false
	}
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	if ct != "text/html" && ct != "application/xhtml+xml" {
		return false
	}
	for _, pre := range p.cfg.Exclude {
		if strings.HasPrefix(r.URL.Path, pre) {
			return false
		}
	}
	return true
}

// copyBody streams a body through untouched, flushing as data arrives.
func (p *Proxy) copyBody(w http.ResponseWriter, body io.Reader) {
	bp := p.bufs.Get().(*[]byte)
	defer p.bufs.Put(bp)
	rc := http.NewResponseController(w)
	for {
		n, err := body.Read(*bp)
		if n > 0 {
			if _, werr := w.Write((*bp)[:n]); werr != nil {
				return
			}
			rc.Flush()
		}
		if err != nil {
			if err != io.EOF {
				p.log.Warn("edge: origin body", "err", err)
				panic(http.ErrAbortHandler) // do not let a truncated body look complete
			}
			return
		}
	}
}

func (p *Proxy) setSummary(h http.Header, rep *Report) {
	if p.cfg.ReportOnly {
		h.Set(HeaderReportOnly, rep.Summary())
	} else {
		h.Set(HeaderSummary, rep.Summary())
	}
}

// seenSet returns the categories removed (or, report-only, found) on the
// site's pages since the proxy started: what the banner names.
func (p *Proxy) seenSet() consent.Set { return consent.Set(p.seen.Load()) }

// see adds the categories of rep's removals to seenSet.
func (p *Proxy) see(rep *Report) {
	if add := rep.removedSet(); add != 0 {
		p.seen.Or(uint32(add))
	}
}

// removedSet is the set of the categories with removals.
func (r *Report) removedSet() consent.Set {
	var s consent.Set
	for c, n := range r.Removed {
		if n > 0 {
			s = s.With(c)
		}
	}
	return s
}

func (p *Proxy) done(rep *Report, source string) {
	p.see(rep)
	lvl := slog.LevelInfo
	if rep.Err != nil {
		lvl = slog.LevelError
	}
	if (rep.HTML || rep.Cookies > 0 || rep.Err != nil || len(rep.Items) > 0) && p.log.Enabled(context.Background(), lvl) {
		p.log.Log(context.Background(), lvl, "edge", "url", rep.URL, "status", rep.Status, "consent", source,
			"report_only", rep.ReportOnly, "summary", rep.Summary(), "removed", rep.ItemList(),
			"rewrite_ms", float64(rep.Rewrite.Microseconds())/1000, "err", rep.Err)
	}
	if p.report != nil {
		p.report(*rep)
	}
}

// errorPage writes a small self-contained error page that no cache keeps.
func errorPage(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	for k := range h {
		delete(h, k)
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	fmt.Fprintf(w, "<!doctype html><html lang=en><meta charset=utf-8><title>%d %s</title><h1>%d %s</h1><p>%s</p></html>\n",
		code, http.StatusText(code), code, http.StatusText(code), htmlEscape(msg))
}

// bufWriters recycles the 32 KiB output buffers (unbuffered small writes
// are slow in the Worker).
var bufWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}

// rewriters recycles rewriters with their buffers (rewrite.Rewriter.Reset).
var rewriters = sync.Pool{New: func() any { return rewrite.New(io.Discard, rewrite.KeepAll{}, rewrite.Options{}) }}

// gzipWriters recycles gzip writers (each holds about 800 KB of state).
var gzipWriters = sync.Pool{New: func() any { zw, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression); return zw }}

var (
	snipOnce sync.Once
	snipSet  *snippet.Set
	snipErr  error
)

// DefaultSnippets compiles the embedded policylists/snippets.txt (once; the
// Set is shared and safe for concurrent use).
func DefaultSnippets() (*snippet.Set, error) {
	snipOnce.Do(func() {
		data, ok := policylists.File("snippets.txt")
		if !ok {
			snipErr = errors.New("edge: policylists has no snippets.txt")
			return
		}
		var errs []error
		snipSet, errs = snippet.Parse("snippets.txt", data)
		if len(errs) > 0 {
			snipErr = fmt.Errorf("snippets.txt: %d errors, first: %w", len(errs), errs[0])
		}
	})
	return snipSet, snipErr
}
