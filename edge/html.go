package edge

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/cookie"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/rewrite"
	"github.com/consentguard/consentguard/wasm/snippet"
	"github.com/tdewolff/minify/v2"
	mhtml "github.com/tdewolff/minify/v2/html"
)

func (p *Proxy) filterCookieHeader(h, host string, st consent.State) (string, []cookie.Match) {
	f := p.eng.Cookies()
	if f == nil {
		return h, nil
	}
	return f.FilterCookieHeader(h, host, st)
}

func (p *Proxy) allowSetCookie(line, host string, st consent.State) (bool, string) {
	f := p.eng.Cookies()
	if f == nil {
		return true, ""
	}
	m, ok := f.AllowSetCookie(line, host, st)
	return ok, m.Name + " (" + m.Category.String() + ")"
}

// errUnsupportedEncoding: the origin sent a Content-Encoding we cannot decode.
var errUnsupportedEncoding = errors.New("unsupported content-encoding")

// serveHTML streams an HTML response through the rewriter.
func (p *Proxy) serveHTML(w http.ResponseWriter, r *http.Request, resp *http.Response, host string, st consent.State, source string, rep *Report) {
	h := w.Header()
	var body io.Reader = resp.Body
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	gz := false
	switch enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			rep.Err = fmt.Errorf("origin gzip: %w", err)
			p.fail(w, resp, rep, source)
			return
		}
		body, gz = zr, true
	default:
		rep.Err = fmt.Errorf("%w %q", errUnsupportedEncoding, enc)
		p.fail(w, resp, rep, source)
		return
	}

	pg := &page{p: p, st: st, host: host, rep: rep, reportOnly: p.cfg.ReportOnly}
	pg.pageURL = scheme(r) + "://" + host + r.URL.RequestURI()
	var inject []byte
	lang := ""
	if !p.cfg.ReportOnly {
		if p.cfg.Banner.Enabled {
			lang = p.cfg.Banner.language(r.Header.Get("Accept-Language"))
		}
		inj := p.injectionFor(st, lang)
		csp := h.Values("Content-Security-Policy")
		sh := inj.scriptHash
		plan := planCSPExt(csp, sh, inj.ext.hash, inj.styleHash)
		if plan.inlineGuard {
			sh = inj.fullHash
			plan = planCSP(csp, sh, inj.styleHash)
			plan.inlineGuard = true
		}
		pg.scriptless = plan.noScript
		if plan.header != "" {
			h.Set("Content-Security-Policy", plan.header) // replaces every original value
		}
		// A report-only policy gets the hashes too (our nonce attribute is
		// the enforced policy's), so the injection does not flood its reports.
		if ro := plan.reportOnly(h.Values("Content-Security-Policy-Report-Only"), sh, inj.styleHash); ro != "" {
			h.Set("Content-Security-Policy-Report-Only", ro)
		}
		if plan == (cspPlan{}) {
			inject = inj.plain // the usual case: rendered once
		} else {
			inject = inj.render(plan)
		}
		h.Add("Vary", "Cookie, Sec-GPC, DNT")
		if p.cfg.Banner.Enabled {
			h.Add("Vary", "Accept-Language")
		}
		h.Del("ETag")
		h.Del("Last-Modified")
		h.Del("Content-MD5")
	}
	h.Del("Content-Length")
	if gz && !acceptsGzip(r.Header) {
		h.Del("Content-Encoding")
	}
	summaryName := HeaderSummary
	if p.cfg.ReportOnly {
		summaryName = HeaderReportOnly
	}

	// Output chain: rewriter -> [minify buffer] -> [gzip] -> 32 KiB buffer
	// -> [held start (Config.Hold)] -> w.
	hold := time.Duration(p.cfg.Hold)
	lw := &lazyWriter{w: w, code: resp.StatusCode, holding: hold > 0, trailers: HeaderTiming + ", " + summaryName}
	if hold == 0 {
		// Streamed at once: the summary can only follow as trailers.
		h.Set("Trailer", lw.trailers)
	}
	if p.cfg.FailClosed {
		lw.failed = func() bool { return pg.failed != nil }
	}
	bw := bufWriters.Get().(*bufio.Writer)
	bw.Reset(lw)
	defer func() { bw.Reset(nil); bufWriters.Put(bw) }()
	var sink io.Writer = bw
	var zw *gzip.Writer
	if gz && h.Get("Content-Encoding") != "" {
		zw = gzipWriters.Get().(*gzip.Writer)
		zw.Reset(bw)
		defer func() { zw.Reset(io.Discard); gzipWriters.Put(zw) }()
		sink = zw
	}
	var mb *minifyBuffer
	if p.cfg.Minify && !p.cfg.ReportOnly {
		mb = &minifyBuffer{out: sink, limit: p.cfg.MaxBodyBytes}
		sink = mb
	}
	var rw io.Writer
	rwr := rewriters.Get().(*rewrite.Rewriter)
	defer func() { rwr.Reset(io.Discard, rewrite.KeepAll{}, rewrite.Options{}); rewriters.Put(rwr) }()
	opt := rewrite.Options{MaxTag: p.cfg.MaxTag, MaxContent: p.cfg.MaxTag, Inject: inject}
	if p.cfg.ReportOnly {
		// Report-only: the rewriter only observes; the original bytes are
		// copied unchanged.
		rwr.Reset(io.Discard, pg, opt)
		rw = io.MultiWriter(sink, rwr)
	} else {
		rwr.Reset(sink, pg, opt)
		rw = rwr
	}
	rc := http.NewResponseController(w)

	// The origin body is read in this goroutine, so that under js/wasm no
	// goroutine handoff or Go timer (each a resume of the Go scheduler,
	// costly in workerd) is spent on it. With Config.Hold, the start of the
	// page is held for at most Hold after its first bytes through the
	// body's read deadline (the Worker's fetch body); a body without one
	// (native) is read by a goroutine once the start is held, so that the
	// start is released after Hold even while the origin is silent.
	dr, _ := body.(deadlineReader)
	var chunks chan chunk // the reader goroutine's, once started
	var quit chan struct{}
	defer func() {
		if quit != nil {
			close(quit)
		}
	}()
	var holdC <-chan time.Time // armed when the reader goroutine starts
	var firstAt time.Time      // when the first bytes arrived
	var spent time.Duration
	first := true
	armed := false
	for eof := false; !eof; {
		var c chunk
		if !armed && !first && lw.holding {
			armed = true
			if dr != nil {
				dr.SetReadDeadline(firstAt.Add(hold))
			} else {
				chunks = make(chan chunk, 1)
				quit = make(chan struct{})
				go p.readChunks(body, chunks, quit)
				ht := time.NewTimer(hold - time.Since(firstAt))
				defer ht.Stop()
				holdC = ht.C
			}
		}
		if chunks == nil {
			bp := p.bufs.Get().(*[]byte)
			n, err := body.Read(*bp)
			if dr != nil && errors.Is(err, os.ErrDeadlineExceeded) {
				dr.SetReadDeadline(time.Time{})
				lw.release()
				rc.Flush()
				err = nil
			}
			c = chunk{bp, n, err}
		} else {
			select {
			case c = <-chunks:
			case <-holdC:
				holdC = nil
				lw.release()
				rc.Flush()
				continue
			}
		}
		n := c.n
		if n > 0 && first {
			first = false
			// The injection moves a <meta charset> past the first 1024
			// bytes, where browsers stop looking: put it in the header.
			if ct := h.Get("Content-Type"); !strings.Contains(strings.ToLower(ct), "charset") {
				if cs := sniffCharset((*c.b)[:n]); cs != "" {
					h.Set("Content-Type", strings.TrimSpace(strings.Split(ct, ";")[0])+"; charset="+cs)
				}
			}
		}
		if n > 0 {
			t0 := time.Now()
			if firstAt.IsZero() {
				firstAt = t0
			}
			_, werr := rw.Write((*c.b)[:n])
			t1 := time.Now()
			spent += t1.Sub(t0)
			if chunks == nil && lw.holding && t1.Sub(firstAt) >= hold {
				// The rewrite itself took the hold time.
				lw.release()
				rc.Flush()
			}
			p.bufs.Put(c.b)
			if pg.failed != nil && p.cfg.FailClosed {
				rep.Err = pg.failed
				p.abort(w, lw, rep, source)
				return
			}
			if werr != nil {
				rep.Err = werr
				p.done(rep, source)
				return // the visitor went away
			}
			if mb == nil {
				if zw != nil {
					zw.Flush()
				}
				bw.Flush()
				if !lw.holding {
					rc.Flush()
				}
			}
		} else {
			p.bufs.Put(c.b)
		}
		switch {
		case c.err == io.EOF:
			eof = true
		case c.err != nil:
			rep.Err = fmt.Errorf("origin body: %w", c.err)
			p.abort(w, lw, rep, source)
			return
		}
	}
	t0 := time.Now()
	rwr.Close()
	if pg.failed != nil && p.cfg.FailClosed {
		rep.Err = pg.failed
		p.abort(w, lw, rep, source)
		return
	}
	if lang != "" && rwr.Injected() && !xhtml(h.Get("Content-Type")) {
		sink.Write(p.bannerTail(lang, rep.removedSet(), r.URL.RequestURI()))
	}
	if mb != nil {
		if err := mb.Close(); err != nil {
			rep.Err = err // the page went out unminified
		}
	}
	spent += time.Since(t0)
	if zw != nil {
		zw.Close()
	}
	bw.Flush()
	if pg.failed != nil {
		rep.Err = pg.failed
	}
	rep.Rewrite = spent
	// Headers when the page is still held (complete, with Content-Length),
	// trailers when it is already streaming.
	h.Set(HeaderTiming, fmt.Sprintf("consentguard;dur=%.2f;desc=\"rewrite\"", float64(spent.Microseconds())/1000))
	h.Set(summaryName, rep.Summary())
	lw.finish()
	p.done(rep, source)
}

// xhtml reports whether a Content-Type is XHTML, where nothing may follow
// the root element.
func xhtml(ct string) bool {
	return strings.Contains(strings.ToLower(ct), "xhtml")
}

// summaryHoldBytes bounds how much of a page's start is held back with
// Config.Hold: a page complete within Hold and summaryHoldBytes goes out in
// one piece with X-Consentguard and Server-Timing as headers and a
// Content-Length; a slower or larger page is released (streamed) and
// carries them as trailers. The first bytes never wait longer than Hold
// after they arrive from the origin. Without Hold (the default) every page
// streams at once and carries them as trailers.
const summaryHoldBytes = 256 << 10

// deadlineReader is implemented by origin bodies whose Read can be bounded
// in time (the Worker's fetch body): past the deadline a waiting Read
// returns os.ErrDeadlineExceeded and the body stays usable.
type deadlineReader interface {
	SetReadDeadline(t time.Time) error
}

type chunk struct {
	b   *[]byte
	n   int
	err error
}

// readChunks reads body into pooled buffers until an error (io.EOF
// included), sending each read to out; it stops when quit closes.
func (p *Proxy) readChunks(body io.Reader, out chan<- chunk, quit <-chan struct{}) {
	for {
		bp := p.bufs.Get().(*[]byte)
		n, err := body.Read(*bp)
		select {
		case out <- chunk{bp, n, err}:
		case <-quit:
			p.bufs.Put(bp)
			return
		}
		if err != nil {
			return
		}
	}
}

// fail handles an HTML response that cannot be rewritten (undecodable body)
// before anything was sent: fail-open streams it unchanged, fail-closed
// answers 502.
func (p *Proxy) fail(w http.ResponseWriter, resp *http.Response, rep *Report, source string) {
	p.log.Error("edge: cannot rewrite", "url", rep.URL, "err", rep.Err, "fail_closed", p.cfg.FailClosed)
	if p.cfg.FailClosed {
		errorPage(w, http.StatusBadGateway, "The page could not be checked for trackers.")
		rep.Status = http.StatusBadGateway
		p.done(rep, source)
		return
	}
	w.Header().Set(HeaderSummary, "error=unrewritten")
	w.WriteHeader(resp.StatusCode)
	p.copyBody(w, resp.Body)
	p.done(rep, source)
}

// abort ends a response that cannot be completed: a clean 502 when nothing
// was sent yet, else a reset connection (never a complete-looking page).
func (p *Proxy) abort(w http.ResponseWriter, lw *lazyWriter, rep *Report, source string) {
	if !lw.sent {
		lw.sent = true
		lw.discard()
		errorPage(w, http.StatusBadGateway, "The page could not be delivered safely.")
		rep.Status = http.StatusBadGateway
		p.done(rep, source)
		return
	}
	p.done(rep, source)
	panic(http.ErrAbortHandler)
}

// lazyWriter holds the start of the response (status line included) until
// release, so that an error before then can still become a clean error page
// and a quick page can carry its summary as headers.
type lazyWriter struct {
	w        http.ResponseWriter
	code     int
	sent     bool        // status line written
	holding  bool        // output is held in buf
	buf      *[]byte     // held output (from holdPool)
	trailers string      // trailer names declared when released early
	failed   func() bool // fail-closed: refuse output after a handler error
}

var errFailClosed = errors.New("rewrite failed (fail-closed)")

// holdPool recycles the hold buffers (summaryHoldBytes each).
var holdPool = sync.Pool{New: func() any { b := make([]byte, 0, summaryHoldBytes); return &b }}

// release sends the status line with the trailers declared, then what is
// held, and stops holding.
func (l *lazyWriter) release() {
	if !l.holding {
		return
	}
	l.holding = false
	if !l.sent {
		l.w.Header().Set("Trailer", l.trailers)
	}
	l.ensure()
	l.flushHeld()
}

func (l *lazyWriter) flushHeld() {
	if l.buf == nil {
		return
	}
	if len(*l.buf) > 0 {
		l.w.Write(*l.buf)
	}
	*l.buf = (*l.buf)[:0]
	holdPool.Put(l.buf)
	l.buf = nil
}

// discard drops what is held (the response became an error page).
func (l *lazyWriter) discard() {
	l.holding = false
	if l.buf != nil {
		*l.buf = (*l.buf)[:0]
		holdPool.Put(l.buf)
		l.buf = nil
	}
}

// finish ends the response: a page still held goes out with its length.
func (l *lazyWriter) finish() {
	if l.holding && !l.sent {
		l.holding = false
		n := 0
		if l.buf != nil {
			n = len(*l.buf)
		}
		l.w.Header().Set("Content-Length", strconv.Itoa(n))
		l.ensure()
		l.flushHeld()
		return
	}
	l.release()
	l.ensure()
}

func (l *lazyWriter) ensure() {
	if !l.sent {
		l.sent = true
		l.w.WriteHeader(l.code)
	}
}

func (l *lazyWriter) Write(b []byte) (int, error) {
	if !l.sent && l.failed != nil && l.failed() {
		return 0, errFailClosed
	}
	if l.holding {
		if l.buf == nil {
			l.buf = holdPool.Get().(*[]byte)
		}
		if len(*l.buf)+len(b) <= summaryHoldBytes {
			*l.buf = append(*l.buf, b...)
			return len(b), nil
		}
		l.release()
	}
	l.ensure()
	return l.w.Write(b)
}

// minifyBuffer collects the rewritten page for the HTML minifier, which
// needs the whole input. Past limit it gives up and streams unminified.
type minifyBuffer struct {
	out   io.Writer
	buf   bytes.Buffer
	limit int64
	over  bool
}

var minifier = func() *minify.M {
	m := minify.New()
	m.Add("text/html", &mhtml.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true,
		KeepSpecialComments: true})
	return m
}()

func (m *minifyBuffer) Write(b []byte) (int, error) {
	if m.over {
		return m.out.Write(b)
	}
	m.buf.Write(b)
	if int64(m.buf.Len()) > m.limit {
		m.over = true
		_, err := m.out.Write(m.buf.Bytes())
		m.buf = bytes.Buffer{}
		return len(b), err
	}
	return len(b), nil
}

func (m *minifyBuffer) Close() error {
	if m.over {
		return nil
	}
	src := m.buf.Bytes()
	var out bytes.Buffer
	out.Grow(len(src))
	// minify may modify its input in place: src is not used afterwards.
	if err := minifier.Minify("text/html", &out, bytes.NewReader(src)); err != nil {
		_, werr := m.out.Write(src)
		if werr != nil {
			return werr
		}
		return fmt.Errorf("minify: %w (page sent unminified)", err)
	}
	_, err := m.out.Write(out.Bytes())
	return err
}

// page is the rewrite.Handler for one response.
type page struct {
	p          *Proxy
	st         consent.State
	host       string
	pageURL    string
	base       *url.URL // the page URL or <base href>, parsed on first use
	baseHref   string   // the resolved <base href> when base is from it
	baseSet    bool
	dc         *decideEntries // decided URLs of the current context
	dcBase     *url.URL       // base when dc was looked up
	rep        *Report
	reportOnly bool
	scriptless bool // the page's CSP forbids every script: nothing is injected
	failed     error
}

// remove records a removal and returns the action (Keep in report-only mode).
func (pg *page) remove(kind, what string, c consent.Category, vendor string) rewrite.Action {
	pg.rep.Removed[c]++
	if len(pg.rep.Items) < MaxItems {
		pg.rep.Items = append(pg.rep.Items, kind+" "+what+" ("+c.String()+" "+vendor+")")
	} else {
		pg.rep.ItemsCut++
	}
	if pg.reportOnly {
		return rewrite.Keep
	}
	return rewrite.Remove
}

// resolve makes a URL attribute absolute against the page URL.
func (pg *page) resolve(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") {
		return v
	}
	if strings.HasPrefix(v, "//") && pg.base == nil {
		return "https:" + v
	}
	if pg.base == nil {
		b, err := url.Parse(pg.pageURL)
		if err != nil {
			return ""
		}
		pg.base = b
	}
	u, err := pg.base.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.String()
}

// decide classifies a resource URL for this page. Requests to the site's
// own hosts are first party whichever of them the page is on.
func (pg *page) decide(raw string, t filter.Type) (engine.Decision, bool) {
	u := pg.resolve(raw)
	if u == "" {
		return engine.Decision{}, false
	}
	page := pg.pageURL
	if pg.p.firstParty(u) {
		page = u
	}
	d := pg.p.eng.Decide(u, page, t, pg.st)
	return d, d.Action == engine.Block && d.Category != consent.Consent && d.Category != consent.Necessary
}

// firstParty reports whether rawurl's host is one of the site's hosts.
func (p *Proxy) firstParty(rawurl string) bool {
	rest := rawurl[strings.Index(rawurl, "//")+2:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	h := strings.ToLower(rest[:end])
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.HasSuffix(h, "]") {
		h = h[:i]
	}
	return p.sites[h]
}

// StartTag implements rewrite.Handler. Most tags are none of those the
// proxy looks at: they are kept at once, without the deferred recover,
// which costs more than the rest of the call under js/wasm.
func (pg *page) StartTag(e *rewrite.Element) rewrite.Action {
	if pg.p.testPanic == "" {
		switch string(e.Name()) {
		case "script", "img", "iframe", "frame", "embed", "object", "link", "base", "source", "video", "audio":
		case "a", "area":
			// Links are many; only those with a ping go further.
			if !hasPing(e.Raw()) {
				return rewrite.Keep
			}
		default:
			return rewrite.Keep
		}
	}
	return pg.startTag(e)
}

func (pg *page) startTag(e *rewrite.Element) (a rewrite.Action) {
	defer func() {
		if v := recover(); v != nil {
			// Fail-open at element granularity: keep the element.
			if pg.failed == nil {
				pg.failed = fmt.Errorf("rewrite handler: %v", v)
			}
			a = rewrite.Keep
		}
	}()
	name := e.Name()
	if pg.p.testPanic != "" && string(name) == pg.p.testPanic {
		panic("test panic on <" + pg.p.testPanic + ">")
	}
	switch string(name) {
	case "script":
		return pg.script(e)
	case "img":
		if src, d := pg.attrDecided(e, "src", filter.TypeImage); d.block {
			return pg.remove("img", src, d.cat, d.vendor)
		}
		return pg.dropListAttr(e, "srcset", filter.TypeImage, "img srcset")
	case "source":
		// In <picture>: srcset; in <video>/<audio>: src.
		if src, d := pg.attrDecided(e, "src", filter.TypeMedia); d.block {
			return pg.remove("source", src, d.cat, d.vendor)
		}
		if src, d := pg.listBlocked(e, "srcset", filter.TypeImage); d.block {
			return pg.remove("source", src, d.cat, d.vendor)
		}
	case "video", "audio":
		if src, d := pg.attrDecided(e, "src", filter.TypeMedia); d.block {
			return pg.remove(string(name), src, d.cat, d.vendor)
		}
		if string(name) == "video" {
			if src, d := pg.attrDecided(e, "poster", filter.TypeImage); d.block {
				return pg.dropAttr(e, "poster", "video poster", src, d)
			}
		}
	case "a", "area":
		return pg.ping(e, string(name)+" ping")
	case "iframe":
		return pg.iframe(e)
	case "frame":
		return pg.resource(e, "src", filter.TypeSubdocument, "iframe")
	case "embed":
		return pg.resource(e, "src", filter.TypeObject, "embed")
	case "object":
		return pg.resource(e, "data", filter.TypeObject, "object")
	case "link":
		return pg.link(e)
	case "base":
		// The first <base href> sets the base URL of the relative URLs
		// after it (HTML: only the first one counts).
		if href, ok := attrOf(e, "href"); ok && !pg.baseSet {
			pg.baseSet = true
			if u := pg.resolve(href); u != "" {
				pg.base, _ = url.Parse(u)
				if pg.base != nil {
					pg.baseHref = u
				}
			}
		}
	}
	return rewrite.Keep
}

func (pg *page) resource(e *rewrite.Element, attr string, t filter.Type, kind string) rewrite.Action {
	raw, ok := e.Attr(attr)
	if !ok || len(raw) == 0 {
		return rewrite.Keep
	}
	if src, d := pg.decideAttr(raw, t); d.block {
		return pg.remove(kind, src, d.cat, d.vendor)
	}
	return rewrite.Keep
}

// hasPing reports whether a raw start tag may have a ping attribute (any
// case): a cheap test before the attributes are parsed.
func hasPing(raw []byte) bool {
	for i := 0; i+4 <= len(raw); i++ {
		if raw[i]|0x20 == 'p' && raw[i+1]|0x20 == 'i' && raw[i+2]|0x20 == 'n' && raw[i+3]|0x20 == 'g' {
			return true
		}
	}
	return false
}

// attrDecided decides the URL in attribute attr; an absent or empty
// attribute is not blocked.
func (pg *page) attrDecided(e *rewrite.Element, attr string, t filter.Type) (string, decided) {
	raw, ok := e.Attr(attr)
	if !ok || len(raw) == 0 {
		return "", decided{}
	}
	return pg.decideAttr(raw, t)
}

// listBlocked decides every URL of a list attribute (ping: URLs separated
// by white space; srcset: image candidates) and returns the first blocked
// one's URL and answer.
func (pg *page) listBlocked(e *rewrite.Element, attr string, t filter.Type) (string, decided) {
	raw, ok := e.Attr(attr)
	if !ok || len(raw) == 0 {
		return "", decided{}
	}
	var urls [][]byte
	if attr == "srcset" {
		urls = srcsetURLs(raw)
	} else {
		urls = bytes.Fields(raw)
	}
	for _, u := range urls {
		if src, d := pg.decideAttr(u, t); d.block {
			return src, d
		}
	}
	return "", decided{}
}

// dropListAttr removes attribute attr from the start tag when any of its
// URLs is to a non-consented tracker (a ping beacon, a srcset candidate);
// the element stays.
func (pg *page) dropListAttr(e *rewrite.Element, attr string, t filter.Type, kind string) rewrite.Action {
	if src, d := pg.listBlocked(e, attr, t); d.block {
		return pg.dropAttr(e, attr, kind, src, d)
	}
	return rewrite.Keep
}

// dropAttr records the removal of an attribute and returns ReplaceTag with
// the start tag without it (Keep in report-only mode).
func (pg *page) dropAttr(e *rewrite.Element, attr, kind, src string, d decided) rewrite.Action {
	if pg.remove(kind, src, d.cat, d.vendor) == rewrite.Keep {
		return rewrite.Keep
	}
	t := e.WithoutAttr(attr)
	if t == nil {
		return rewrite.Keep
	}
	e.SetReplacement(t)
	return rewrite.ReplaceTag
}

// srcsetURLs splits a srcset value into its candidates' URLs (HTML's
// "parse a srcset attribute": a URL runs to white space, trailing commas
// are not part of it, descriptors run to the next comma outside
// parentheses).
func srcsetURLs(v []byte) [][]byte {
	var out [][]byte
	i := 0
	for i < len(v) {
		for i < len(v) && (isHTMLSpace(v[i]) || v[i] == ',') {
			i++
		}
		if i == len(v) {
			break
		}
		start := i
		for i < len(v) && !isHTMLSpace(v[i]) {
			i++
		}
		u := v[start:i]
		trailing := false
		for len(u) > 0 && u[len(u)-1] == ',' {
			u = u[:len(u)-1]
			trailing = true
		}
		if len(u) > 0 {
			out = append(out, u)
		}
		if trailing {
			continue
		}
		depth := 0
		for i < len(v) && (v[i] != ',' || depth > 0) {
			switch v[i] {
			case '(':
				depth++
			case ')':
				if depth > 0 {
					depth--
				}
			}
			i++
		}
	}
	return out
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func (pg *page) link(e *rewrite.Element) rewrite.Action {
	rel, ok := attrOf(e, "rel")
	if !ok {
		return rewrite.Keep
	}
	t := filter.Type(0)
	for _, f := range strings.Fields(strings.ToLower(rel)) {
		switch f {
		case "preconnect", "dns-prefetch", "prefetch":
			t = filter.TypeOther
		case "modulepreload":
			t = filter.TypeScript
		case "preload":
			as, _ := attrOf(e, "as")
			switch strings.ToLower(as) {
			case "script":
				t = filter.TypeScript
			case "image":
				t = filter.TypeImage
			case "style":
				t = filter.TypeStylesheet
			case "font":
				t = filter.TypeFont
			case "fetch":
				t = filter.TypeXHR
			case "document", "iframe":
				t = filter.TypeSubdocument
			default:
				t = filter.TypeOther
			}
		}
	}
	if t == 0 {
		return rewrite.Keep
	}
	return pg.resource(e, "href", t, "link")
}

// jsType reports whether a script type attribute means JavaScript.
func jsType(t string, present bool) bool {
	if !present {
		return true
	}
	t = strings.ToLower(strings.TrimSpace(t))
	for _, j := range jsTypes {
		if t == j {
			return true
		}
	}
	return false
}

// jsTypeRaw is jsType for a raw attribute value: without a character
// reference it is its own decoded value, and is checked without a copy.
func jsTypeRaw(raw []byte, present bool) bool {
	if !present {
		return true
	}
	raw = bytes.TrimSpace(raw)
	for _, c := range raw {
		if c == '&' || c >= 0x80 {
			return jsType(rewrite.DecodeEntities(raw), true)
		}
	}
next:
	for _, t := range jsTypes {
		if len(raw) != len(t) {
			continue
		}
		for i, c := range raw {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != t[i] {
				continue next
			}
		}
		return true
	}
	return false
}

// jsTypes are the lower-case script types that mean JavaScript (jsType).
var jsTypes = []string{"", "text/javascript", "application/javascript", "module", "text/ecmascript",
	"application/ecmascript", "application/x-javascript", "text/jscript"}

func (pg *page) script(e *rewrite.Element) rewrite.Action {
	if !jsTypeRaw(e.Attr("type")) {
		// JSON-LD, templates, importmaps, and scripts gated by a CMP
		// (type="text/plain" with data-cookieconsent, data-category or an
		// OneTrust optanon-category-* class): inert until the CMP activates
		// them in the page after the visitor consents there. The proxy
		// leaves them as they are and never activates them itself (the
		// CMP owns them); the runtime guard still blocks a non-consented
		// tracker host if the CMP activates one.
		return rewrite.Keep
	}
	if raw, ok := e.Attr("src"); ok {
		if len(raw) == 0 {
			return rewrite.Keep
		}
		if src, d := pg.decideAttr(raw, filter.TypeScript); d.block {
			return pg.remove("script", src, d.cat, d.vendor)
		}
		return rewrite.Keep
	}
	if pg.p.snippets == nil {
		return rewrite.Keep
	}
	return rewrite.Inspect
}

// Content implements rewrite.Handler: inline scripts are matched against
// the snippet signatures.
func (pg *page) Content(e *rewrite.Element, body []byte) (a rewrite.Action) {
	defer func() {
		if v := recover(); v != nil {
			if pg.failed == nil {
				pg.failed = fmt.Errorf("rewrite handler: %v", v)
			}
			a = rewrite.Keep
		}
	}()
	m, ok := pg.findSnippet(body)
	if !ok {
		return rewrite.Keep
	}
	return pg.remove("inline-script", m.Signature, m.Category, m.Vendor)
}

func (pg *page) notAllowed(m snippet.Match) bool { return !pg.st.Allows(m.Category) }

// sniffCharset finds a charset declared in the first 1024 bytes of a page
// (<meta charset=...> or <meta http-equiv=Content-Type content="...;
// charset=...">), a simplified form of the HTML prescan. "" when none.
func sniffCharset(b []byte) string {
	if len(b) > 1024 {
		b = b[:1024]
	}
	for i := 0; ; {
		j := indexFold(b[i:], "charset")
		if j < 0 {
			return ""
		}
		k := i + j + len("charset")
		for k < len(b) && (b[k] == ' ' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r') {
			k++
		}
		if k < len(b) && b[k] == '=' {
			k++
			for k < len(b) && (b[k] == ' ' || b[k] == '"' || b[k] == '\'') {
				k++
			}
			e := k
			for e < len(b) && (b[e] >= 'a' && b[e] <= 'z' || b[e] >= 'A' && b[e] <= 'Z' || b[e] >= '0' && b[e] <= '9' || b[e] == '-' || b[e] == '_' || b[e] == '.' || b[e] == ':') {
				e++
			}
			if e > k && e-k <= 40 {
				return strings.ToLower(string(b[k:e]))
			}
		}
		i = k
	}
}

func indexFold(b []byte, s string) int {
	for i := 0; i+len(s) <= len(b); i++ {
		if (b[i]|0x20) == s[0] && equalFoldASCII(b[i:i+len(s)], s) {
			return i
		}
	}
	return -1
}

func equalFoldASCII(b []byte, s string) bool {
	for i := range len(s) {
		if b[i]|0x20 != s[i] {
			return false
		}
	}
	return true
}

// attr returns an attribute's decoded value and whether it is present.
func attrOf(e *rewrite.Element, name string) (string, bool) {
	if !e.HasAttr(name) {
		return "", false
	}
	return e.AttrDecoded(name), true
}
