package edge

import (
	"sync"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/rewrite"
	"github.com/consentguard/consentguard/wasm/snippet"
)

// decideCache remembers, per page context, what page.decide answered for a
// URL attribute, keyed by the attribute's raw bytes. A site's pages repeat
// the same resources on every request, and resolving, parsing and
// classifying each URL is most of the handler's time under js/wasm (about
// 1 ms per 100 KB page in workerd). The answer is a pure function of the
// key (the engine and the site list never change after New), so a hit gives
// exactly what a fresh decision would.
//
// Memory is bounded: past maxDecided entries the cache starts over.
type decideCache struct {
	mu   sync.RWMutex
	ctxs map[decideCtx]*decideEntries
	n    int // entries in all contexts
}

// maxDecided bounds the entries kept (each about 200 bytes).
const maxDecided = 8192

// decideCtx is everything page.decide depends on besides the attribute and
// the request type: the page URL, the base URL in effect (set by <base
// href>, or the parsed page URL: resolve treats "//host" differently before
// the base is parsed) and the consent state.
type decideCtx struct {
	page       string
	baseHref   string // the resolved <base href> in effect, "" none
	baseParsed bool   // page.base != nil
	st         consent.State
}

type decideEntries struct {
	m map[string][]decided // raw attribute value -> one answer per request type
}

// decided is one cached answer.
type decided struct {
	t      filter.Type
	empty  bool // the decoded value is "": the element is kept
	block  bool
	cat    consent.Category
	vendor string
}

// entries returns the cache of the page's current context.
func (pg *page) entries() *decideEntries {
	// Within a page only the base URL changes (pg.base is set, or replaced
	// by <base href>, with baseHref): the pointer tells.
	if pg.dc != nil && pg.dcBase == pg.base {
		return pg.dc
	}
	ctx := decideCtx{page: pg.pageURL, baseHref: pg.baseHref, baseParsed: pg.base != nil, st: pg.st}
	c := &pg.p.decided
	c.mu.RLock()
	e := c.ctxs[ctx]
	c.mu.RUnlock()
	if e == nil {
		c.mu.Lock()
		if e = c.ctxs[ctx]; e == nil {
			if c.ctxs == nil || c.n >= maxDecided {
				c.ctxs, c.n = map[decideCtx]*decideEntries{}, 0
			}
			e = &decideEntries{m: map[string][]decided{}}
			c.ctxs[ctx] = e
		}
		c.mu.Unlock()
	}
	pg.dc, pg.dcBase = e, pg.base
	return e
}

// decideAttr decides the URL attribute value raw for request type t. It
// returns the decoded value (only when blocked: it goes into the report)
// and the answer.
func (pg *page) decideAttr(raw []byte, t filter.Type) (string, decided) {
	if pg.p.testNoCache {
		src := rewrite.DecodeEntities(raw)
		d := decided{t: t, empty: src == ""}
		if !d.empty {
			dec, block := pg.decide(src, t)
			d.block, d.cat, d.vendor = block, dec.Category, dec.Vendor
		}
		return src, d
	}
	ents := pg.entries()
	c := &pg.p.decided
	c.mu.RLock()
	for _, d := range ents.m[string(raw)] {
		if d.t == t {
			c.mu.RUnlock()
			if d.block {
				return rewrite.DecodeEntities(raw), d
			}
			return "", d
		}
	}
	c.mu.RUnlock()
	src := rewrite.DecodeEntities(raw)
	d := decided{t: t, empty: src == ""}
	if !d.empty {
		dec, block := pg.decide(src, t) // may parse pg.base: d is still ents's answer
		d.block, d.cat, d.vendor = block, dec.Category, dec.Vendor
	}
	c.mu.Lock()
	if c.n < maxDecided {
		key := string(raw)
		ents.m[key] = append(ents.m[key], d)
		c.n++
	}
	c.mu.Unlock()
	return src, d
}

// snippetCache remembers what the snippet signatures found in an inline
// script, per consent state, keyed by the script's bytes: pages repeat the
// same inline scripts on every request, and looking one up costs a fraction
// of scanning it byte by byte under js/wasm. The lookup hashes only a
// sample of the script (its length, start, middle and end: hashing all of
// it costs about as much as the scan in wasm's baseline tier), then
// compares the whole script. The answer is a pure function of the key (the
// signature Set is fixed).
//
// Memory is bounded: scripts over maxSnippetKey bytes are not kept, and
// past maxSnippetBytes of kept scripts the cache starts over.
type snippetCache struct {
	mu    sync.RWMutex
	m     map[snippetKey][]snippetFound
	bytes int
}

const (
	maxSnippetKey   = 64 << 10
	maxSnippetBytes = 2 << 20
)

type snippetKey struct {
	st     consent.State
	n      int
	sample uint64
}

type snippetFound struct {
	script string
	m      snippet.Match
	ok     bool
}

// sampleHash hashes up to 3x32 bytes of b (FNV-1a).
func sampleHash(b []byte) uint64 {
	const span = 32
	h := uint64(14695981039346656037)
	mix := func(p []byte) {
		for _, c := range p {
			h = (h ^ uint64(c)) * 1099511628211
		}
	}
	if len(b) <= 3*span {
		mix(b)
		return h
	}
	mid := len(b)/2 - span/2
	mix(b[:span])
	mix(b[mid : mid+span])
	mix(b[len(b)-span:])
	return h
}

// findSnippet is p.snippets.Find(body, pg.notAllowed), cached.
func (pg *page) findSnippet(body []byte) (snippet.Match, bool) {
	if len(body) > maxSnippetKey || pg.p.testNoCache {
		return pg.p.snippets.Find(body, pg.notAllowed)
	}
	k := snippetKey{st: pg.st, n: len(body), sample: sampleHash(body)}
	c := &pg.p.found
	c.mu.RLock()
	for _, f := range c.m[k] {
		if f.script == string(body) {
			c.mu.RUnlock()
			return f.m, f.ok
		}
	}
	c.mu.RUnlock()
	f := snippetFound{script: string(body)}
	f.m, f.ok = pg.p.snippets.Find(body, pg.notAllowed)
	c.mu.Lock()
	if c.m == nil || c.bytes+len(body) > maxSnippetBytes {
		c.m, c.bytes = map[snippetKey][]snippetFound{}, 0
	}
	c.m[k] = append(c.m[k], f)
	c.bytes += len(body)
	c.mu.Unlock()
	return f.m, f.ok
}
