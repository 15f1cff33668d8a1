package filter

import (
	"bytes"
	"cmp"
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unsafe"
)

// List is a named filter list (Adblock Plus syntax).
type List struct {
	Name string
	Data []byte
}

// Report summarises a compilation.
type Report struct {
	Rules   int            // network rules in the engine (after badfilter and de-duplication)
	Errors  []ParseError   // malformed lines (skipped)
	Skipped map[string]int // lines not applied, by kind
}

// Verdict is the outcome of matching one request.
type Verdict struct {
	Blocked   bool
	Rule      *Rule  // the blocking rule that matched, or nil (set also when an exception allowed the request)
	Exception *Rule  // the "@@" rule that allowed the request, or nil
	List      string // name of the list of the deciding rule ("" when nothing matched)
}

// Engine is a compiled set of network rules. It is safe for concurrent use.
type Engine struct {
	lists []string
	rules []Rule // important | block | exception, each grouped by bucket
	idx   [3]index
	blob  string   // all pattern text and domains
	doms  []string // domain= entries (substrings of blob)
	auxes []ruleAux
}

const (
	clsImportant = iota
	clsBlock
	clsException
)

// index maps hashes to contiguous ranges of Engine.rules: rules whose
// pattern is "||host^" (the most common form) by the hash of host, found by
// hashing the request host from each label start; the others by their rarest
// token, found by the request's token hashes.
type index struct {
	tok, host table
	// rules without a usable token: rules[anyStart:anyEnd]
	anyStart, anyEnd uint32
	// anyByType[t] lists the rules of [anyStart, anyEnd) applying to type
	// bit t, except those found through dom
	anyByType [numTypes][]uint32
	// dom maps the hashes of the included source domains of the other rules
	// of [anyStart, anyEnd) to runs of domList (rule indexes, the last of a
	// run or-ed with domLast)
	dom     table
	domList []uint32
}

// table is an open-addressing hash table of buckets.
type table struct {
	// hashes and starts describe the buckets while building (bucket b is
	// rules[starts[b]:starts[b+1]]); build moves them into slots.
	hashes  []uint32
	starts  []uint32
	nb      int    // number of buckets
	slots   []slot // open addressing table
	mask    uint32
	bits    []uint64 // bitmap of mix(hash)&bitMask over all bucket hashes (cheap pre-check)
	bitMask uint32
}

// numTypes is the number of Type bits.
const numTypes = 12

// byType fills anyByType and the source-domain table from the rules (after
// build or Load). A rule of [anyStart, anyEnd) restricted to some source
// domains (domain=a.com|b.net, the usual form of the token-less rules) is
// reached through the hashes of its included domains instead of being
// checked for every request of its types.
func (e *Engine) byType() {
	type ref struct{ h, i uint32 }
	for c := range e.idx {
		ix := &e.idx[c]
		var refs []ref
		for t := range ix.anyByType {
			ix.anyByType[t] = nil
		}
		for i := ix.anyStart; i < ix.anyEnd; i++ {
			r := &e.rules[i]
			if a := r.aux; a != nil && len(a.include) > 0 && len(a.incH) == len(a.include) {
				for _, h := range a.incH {
					refs = append(refs, ref{foldHash(h), i})
				}
				continue
			}
			for t := range ix.anyByType {
				if r.types&(1<<t) != 0 {
					ix.anyByType[t] = append(ix.anyByType[t], i)
				}
			}
		}
		slices.SortFunc(refs, func(a, b ref) int { return cmp.Compare(a.h, b.h)*2 + cmp.Compare(a.i, b.i) })
		refs = slices.Compact(refs)
		ix.dom, ix.domList = table{}, nil
		for k := 0; k < len(refs); {
			h := refs[k].h
			ix.dom.hashes = append(ix.dom.hashes, h)
			ix.dom.starts = append(ix.dom.starts, uint32(k))
			for ; k < len(refs) && refs[k].h == h; k++ {
				v := refs[k].i
				if k+1 == len(refs) || refs[k+1].h != h {
					v |= domLast
				}
				ix.domList = append(ix.domList, v)
			}
		}
		ix.dom.starts = append(ix.dom.starts, uint32(len(refs)))
		ix.dom.build()
	}
}

// domLast marks the last rule index of a domain bucket in index.domList.
const domLast = 1 << 31

// foldHash folds a 64-bit domain hash for the source-domain table.
func foldHash(h uint64) uint32 { return uint32(h ^ h>>32) }

// domBucket returns the first rule of the domain bucket starting at
// domList[p] that applies to r, or nil.
func (e *Engine) domBucket(ix *index, p int, r *Request) *Rule {
	if p < 0 {
		return nil
	}
	for ; p < len(ix.domList); p++ {
		v := ix.domList[p]
		if i := v &^ domLast; int(i) < len(e.rules) && e.rules[i].matches(r) {
			return &e.rules[i]
		}
		if v&domLast != 0 {
			break
		}
	}
	return nil
}

// slot is a hash table entry: a hash and 1 + the index of the first rule of
// its bucket (0: empty slot). The bucket's last rule carries fLast.
type slot struct{ hash, start uint32 }

func (ix *table) build() {
	n := 1
	for n < len(ix.hashes)+len(ix.hashes)/3+1 {
		n <<= 1
	}
	ix.slots = make([]slot, n)
	ix.mask = uint32(n - 1)
	nb := 64
	for nb < 16*len(ix.hashes) {
		nb <<= 1
	}
	ix.bits = make([]uint64, nb/64)
	ix.bitMask = uint32(nb - 1)
	for b, h := range ix.hashes {
		m := mix(h)
		ix.bits[(m&ix.bitMask)>>6] |= 1 << (m & 63)
		i := h & ix.mask
		for ix.slots[i].start != 0 {
			i = (i + 1) & ix.mask
		}
		ix.slots[i] = slot{h, ix.starts[b] + 1}
	}
	ix.nb = len(ix.hashes)
	ix.hashes, ix.starts = nil, nil
}

// mix spreads the hash bits for the bitmap (independent of the table slot).
func mix(h uint32) uint32 { return (h ^ h>>15) * 0x2c1b3c6d >> 7 }

// lookup returns the index of the first rule of h's bucket, or -1.
func (ix *table) lookup(h uint32) int {
	if len(ix.slots) == 0 {
		return -1
	}
	m := mix(h)
	if ix.bits[(m&ix.bitMask)>>6]&(1<<(m&63)) == 0 {
		return -1
	}
	i := h & ix.mask
	for {
		s := &ix.slots[i]
		if s.start == 0 {
			return -1
		}
		if s.hash == h {
			return int(s.start - 1)
		}
		i = (i + 1) & ix.mask
	}
}

// bucket returns the first rule of rules[a:] (a bucket, ending at the rule
// with fLast) that applies to r, or nil.
func bucket(rules []Rule, a int, r *Request) *Rule {
	if a < 0 {
		return nil
	}
	for ; a < len(rules); a++ {
		ru := &rules[a]
		if ru.matches(r) {
			return ru
		}
		if ru.flags&fLast != 0 {
			break
		}
	}
	return nil
}

func (e *Engine) find(cls int, r *Request) *Rule {
	ix := &e.idx[cls]
	rules := e.rules
	if t := r.typ; t != 0 && t&(t-1) == 0 && t < 1<<numTypes {
		for _, i := range ix.anyByType[bits.TrailingZeros16(uint16(t))] {
			if rules[i].matches(r) {
				return &rules[i]
			}
		}
	} else {
		for i := ix.anyStart; i < ix.anyEnd; i++ {
			if rules[i].matches(r) {
				return &rules[i]
			}
		}
	}
	if ix.dom.nb != 0 && r.srcHost != "" {
		if r.nSrc < 0 || r.nEnt < 0 {
			// too many labels to hash: check every domain-restricted rule
			for p := range ix.domList {
				if i := ix.domList[p] &^ domLast; int(i) < len(rules) && rules[i].matches(r) {
					return &rules[i]
				}
			}
		} else {
			for _, h := range r.srcHashes[:r.nSrc] {
				if ru := e.domBucket(ix, ix.dom.lookup(foldHash(h)), r); ru != nil {
					return ru
				}
			}
			for _, h := range r.entHashes[:r.nEnt] {
				if ru := e.domBucket(ix, ix.dom.lookup(foldHash(h)), r); ru != nil {
					return ru
				}
			}
		}
	}
	if ix.host.nb != 0 {
		// "||host^" rules: the host must be the URL text from a label start
		// of the request host to the next separator (or the end).
		u := r.lower
		for s, he := r.hostStart, r.hostEnd; s < he; {
			e := s
			for e < len(u) && !separator[u[e]] {
				e++
			}
			if ru := bucket(rules, ix.host.lookup(tokenHash(u, s, e)), r); ru != nil {
				return ru
			}
			d := strings.IndexByte(u[s:he], '.')
			if d < 0 {
				break
			}
			s += d + 1
		}
	}
	t := &ix.tok
	if t.nb == 0 {
		return nil
	}
	for _, h := range r.tokens[:r.ntok] {
		// the bitmap test of lookup, inlined: most tokens stop here
		if m := mix(h); t.bits[(m&t.bitMask)>>6]&(1<<(m&63)) == 0 {
			continue
		}
		if ru := bucket(rules, t.lookup(h), r); ru != nil {
			return ru
		}
	}
	if r.tokMore >= 0 {
		// Tokens beyond the stored ones (very long URLs); duplicates are harmless.
		for i := r.tokMore; ; {
			h, next, ok := nextToken(r.lower, i)
			if !ok {
				break
			}
			if ru := bucket(rules, ix.tok.lookup(h), r); ru != nil {
				return ru
			}
			i = next
		}
	}
	return nil
}

// Match decides whether r is blocked. An exception rule overrides a block
// unless the block is "important". It does not allocate, except that an
// engine read by Load compiles each regular expression on its first use
// (call Warm first to avoid that).
func (e *Engine) Match(r *Request) Verdict {
	if r == nil || r.host == "" {
		return Verdict{}
	}
	// Important rules are also in the block index, so a request no block
	// rule matches is done after one index.
	rule := e.find(clsBlock, r)
	if rule == nil {
		return Verdict{}
	}
	if rule.flags&fImportant == 0 {
		ex := e.find(clsException, r)
		if ex == nil {
			return Verdict{Blocked: true, Rule: rule, List: e.listName(rule)}
		}
		imp := e.find(clsImportant, r)
		if imp == nil {
			return Verdict{Rule: rule, Exception: ex, List: e.listName(ex)}
		}
		rule = imp
	}
	return Verdict{Blocked: true, Rule: rule, List: e.listName(rule)}
}

func (e *Engine) listName(r *Rule) string {
	if int(r.list) < len(e.lists) {
		return e.lists[r.list]
	}
	return ""
}

// Warm prepares one-time state used by matching: it compiles the regular
// expressions of an engine read by Load (which are otherwise compiled on
// first use) and primes the regexp package's reusable matching state, so
// that the matches after it do not allocate. Calling it is optional; it is
// safe for concurrent use with Match.
func (e *Engine) Warm() {
	// URL-like inputs of growing length take every regexp strategy
	// (one-pass, backtracking, NFA) and grow its pooled state to the size
	// long URLs need.
	var inputs []string
	u := "https://x.example.com/"
	for len(u) < 16<<10 {
		inputs = append(inputs, u)
		u += u[8:] + "a/b.c?d=1&e_f-g%2F"
	}
	prime := func() {
		for i := range e.auxes {
			if re := e.auxes[i].regex(); re != nil {
				for _, in := range inputs {
					re.MatchString(in)
				}
			}
		}
	}
	prime()
	// regexp keeps that state in sync.Pools, whose entries are per P: prime
	// them from as many goroutines as Ps at once, so that a goroutine that
	// moves to another P finds state there too.
	if n := runtime.GOMAXPROCS(0); n > 1 {
		var ready, done sync.WaitGroup
		ready.Add(1)
		for k := 0; k < n; k++ {
			done.Add(1)
			go func() {
				defer done.Done()
				ready.Wait()
				prime()
			}()
		}
		ready.Done()
		done.Wait()
	}
}

// Rules returns the number of rules in the engine.
func (e *Engine) Rules() int { return len(e.rules) - e.dups() }

// dups is the number of important rules, stored twice (important and block index).
func (e *Engine) dups() int {
	n := 0
	for i := range e.rules {
		if e.rules[i].flags&(fImportant|fException) == fImportant {
			n++
		}
	}
	return n / 2
}

// Size returns the approximate memory used by the engine in bytes.
func (e *Engine) Size() int {
	n := int(unsafe.Sizeof(*e))
	n += len(e.rules) * int(unsafe.Sizeof(Rule{}))
	n += len(e.blob)
	n += len(e.doms) * int(unsafe.Sizeof(""))
	n += len(e.auxes) * int(unsafe.Sizeof(ruleAux{}))
	for i := range e.auxes {
		a := &e.auxes[i]
		n += 8 * (len(a.incH) + len(a.excH))
		if a.rx != nil {
			n += 512 + 64*len(a.rx.src) // rough size of a compiled program
		}
	}
	for _, l := range e.lists {
		n += len(l) + 16
	}
	for i := range e.idx {
		ix := &e.idx[i]
		n += 8 * (len(ix.tok.slots) + len(ix.host.slots) + len(ix.tok.bits) + len(ix.host.bits))
		n += 8*(len(ix.dom.slots)+len(ix.dom.bits)) + 4*len(ix.domList)
		for _, l := range ix.anyByType {
			n += 4 * len(l)
		}
	}
	return n
}

// Compile parses lists and builds an engine. Malformed lines are reported
// in Report.Errors and skipped; lines that are not applied are counted in
// Report.Skipped. Rules cancelled by "badfilter" are removed and identical
// rules are kept once.
func Compile(lists ...List) (*Engine, *Report) {
	rep := &Report{Skipped: map[string]int{}}
	e := &Engine{}
	var parsed []Rule
	for li, l := range lists {
		e.lists = append(e.lists, l.Name)
		data := l.Data
		lineNo := 0
		for len(data) > 0 {
			lineNo++
			var line []byte
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				line, data = data[:i], data[i+1:]
			} else {
				line, data = data, nil
			}
			var r Rule
			var err error
			if len(line) > MaxLineLength {
				err = errTooLong(len(line))
			} else {
				err = r.parse(string(line))
			}
			if err != nil {
				if k, ok := SkipKind(err); ok {
					if k != "empty" {
						rep.Skipped[k]++
					}
					continue
				}
				text := string(line)
				if len(text) > 200 {
					text = strings.ToValidUTF8(text[:200], "?") + "..."
				} else {
					text = strings.ToValidUTF8(text, "?")
				}
				rep.Errors = append(rep.Errors, ParseError{List: l.Name, Line: lineNo, Text: text, Err: err})
				continue
			}
			r.list = uint16(li)
			if r.flags&fRedirected != 0 {
				rep.Skipped["redirect-applied-as-block"]++
				r.flags &^= fRedirected
			}
			parsed = append(parsed, r)
		}
	}
	parsed = applyBadfilter(parsed, rep)
	e.build(parsed)
	rep.Rules = e.Rules()
	return e, rep
}

func errTooLong(n int) error {
	return fmt.Errorf("line too long (%d bytes, limit %d)", n, MaxLineLength)
}

// applyBadfilter drops $badfilter rules and the rules they cancel, and
// removes duplicates (the first occurrence is kept).
func applyBadfilter(rules []Rule, rep *Report) []Rule {
	bad := map[string]bool{}
	for i := range rules {
		if rules[i].flags&fBadfilter != 0 {
			r := rules[i]
			r.flags &^= fBadfilter
			bad[r.String()] = true
		}
	}
	seen := make(map[string]bool, len(rules))
	out := rules[:0]
	for i := range rules {
		r := &rules[i]
		if r.flags&fBadfilter != 0 {
			rep.Skipped["badfilter"]++
			continue
		}
		s := r.String()
		if bad[s] {
			rep.Skipped["badfiltered"]++
			continue
		}
		if seen[s] {
			rep.Skipped["duplicate"]++
			continue
		}
		seen[s] = true
		out = append(out, *r)
	}
	return out
}

// Tokens that occur in most URLs make poor index keys.
var commonTokens = map[string]int{
	"http": 1 << 20, "https": 1 << 20, "www": 1 << 18, "com": 1 << 18, "net": 1 << 16, "org": 1 << 16,
	"js": 1 << 16, "html": 1 << 14, "php": 1 << 14, "png": 1 << 14, "jpg": 1 << 14, "gif": 1 << 14,
	"css": 1 << 14, "cdn": 1 << 14, "static": 1 << 14, "api": 1 << 13, "img": 1 << 13, "images": 1 << 13,
	"assets": 1 << 13, "min": 1 << 13, "json": 1 << 13, "co": 1 << 13, "uk": 1 << 13, "de": 1 << 13,
	"v1": 1 << 12, "id": 1 << 12, "en": 1 << 12, "jpeg": 1 << 12, "svg": 1 << 12, "webp": 1 << 12,
	"woff": 1 << 12, "woff2": 1 << 12, "content": 1 << 12, "media": 1 << 12, "ver": 1 << 12,
}

// ruleTokens appends the hashes of the complete tokens of a rule pattern:
// runs of [a-z0-9%] of length >= 2 that are bounded on both sides by a
// literal non-token character, '^' or an anchor (so the run appears as a
// whole token in every matching URL).
func ruleTokens(r *Rule, dst []uint32, words []string) ([]uint32, []string) {
	p := r.pattern
	if r.flags&fRegex != 0 {
		// complete tokens inside the required literal of the regex
		if r.aux == nil || r.aux.lit == "" {
			return dst, words
		}
		p = r.aux.lit
		for i := 0; i < len(p); {
			if !tokenChar[p[i]] {
				i++
				continue
			}
			start := i
			for i < len(p) && tokenChar[p[i]] {
				i++
			}
			if i-start >= 2 && start > 0 && i < len(p) {
				dst = append(dst, hashToken(lowerString(p[start:i])))
				words = append(words, p[start:i])
			}
		}
		return dst, words
	}
	for i := 0; i < len(p); {
		if !tokenChar[p[i]] {
			i++
			continue
		}
		start := i
		for i < len(p) && tokenChar[p[i]] {
			i++
		}
		if i-start < 2 {
			continue
		}
		leftOK := start > 0 && p[start-1] != '*' || start == 0 && r.flags&(fLeftAnchor|fHostAnchor) != 0
		rightOK := i < len(p) && p[i] != '*' || i == len(p) && (r.flags&fRightAnchor != 0 || r.flags&fHostOnly != 0)
		if leftOK && rightOK {
			dst = append(dst, hashToken(lowerString(p[start:i])))
			words = append(words, p[start:i])
		}
	}
	return dst, words
}

// partialToken returns the hash of the longest token of r's pattern that is
// cut on one side only (by '*' or an unanchored pattern end): its first 4
// bytes start a URL token (prefixHash) or its last 4 bytes end one (suffixHash).
func partialToken(r *Rule) (uint32, bool) {
	if r.flags&fRegex != 0 {
		return 0, false
	}
	p := r.pattern
	best, bestLen := uint32(0), 0
	for i := 0; i < len(p); {
		if !tokenChar[p[i]] {
			i++
			continue
		}
		start := i
		for i < len(p) && tokenChar[p[i]] {
			i++
		}
		if i-start < 4 || i-start <= bestLen {
			continue
		}
		leftOK := start > 0 && p[start-1] != '*' || start == 0 && r.flags&(fLeftAnchor|fHostAnchor) != 0
		rightOK := i < len(p) && p[i] != '*' || i == len(p) && (r.flags&fRightAnchor != 0 || r.flags&fHostOnly != 0)
		switch {
		case leftOK && !rightOK:
			best, bestLen = prefixHash(load32(lowerString(p[start:start+4]), 0)), i-start
		case rightOK && !leftOK:
			best, bestLen = suffixHash(load32(lowerString(p[i-4:i]), 0)), i-start
		}
	}
	return best, bestLen > 0
}

type pending struct {
	cls  int
	kind int // kindAny, kindHost, kindTok
	tok  uint32
	r    Rule
}

const (
	kindAny = iota
	kindHost
	kindTok
)

// hostKey reports whether r is a host-anchored pattern "host" + rest, where
// host is made of host characters and rest starts with '^' or another
// separator character ("||ads.com^", "||x.com/i/jot"), and returns host.
// Such a rule can only match where the URL text from a label start of the
// request host to the next separator (or the end) is host.
func hostKey(r *Rule) (string, bool) {
	if r.flags&(fHostAnchor|fHostOnly|fRegex|fMatchCase) != fHostAnchor {
		return "", false
	}
	p := r.pattern
	i := 0
	for i < len(p) {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			break
		}
		i++
	}
	if i == 0 || i == len(p) || p[i] == '*' || !separator[p[i]] {
		return "", false
	}
	return p[:i], true
}

func ruleClass(r *Rule) int {
	switch {
	case r.flags&fException != 0:
		return clsException
	case r.flags&fImportant != 0:
		return clsImportant
	}
	return clsBlock
}

// build chooses the rarest token of each rule, groups rules by class and
// token, and packs patterns and domains into one string.
func (e *Engine) build(rules []Rule) {
	freq := map[uint32]int{}
	var toks []uint32
	var words []string
	for i := range rules {
		if _, ok := hostKey(&rules[i]); ok {
			continue // indexed by host: does not load the token buckets
		}
		toks, words = ruleTokens(&rules[i], toks[:0], words[:0])
		for _, h := range toks {
			freq[h]++
		}
	}
	ps := make([]pending, len(rules))
	for i := range rules {
		r := &rules[i]
		toks, words = ruleTokens(r, toks[:0], words[:0])
		best, bestCost := uint32(0), -1
		second, secondCost := uint32(0), -1
		for j, h := range toks {
			c := freq[h] + commonTokens[words[j]]
			if bestCost < 0 || c < bestCost {
				second, secondCost = best, bestCost
				best, bestCost = h, c
			} else if h != best && (secondCost < 0 || c < secondCost) {
				second, secondCost = h, c
			}
		}
		switch {
		case secondCost >= 0 && second != best:
			r.bloom = uint16(bloomBit(second))
		default:
			r.bloom = noBloom
			if p, ok := partialToken(r); ok {
				r.bloom = uint16(bloomBit(p))
			}
		}
		p := pending{cls: ruleClass(r), kind: kindAny, r: *r}
		if h, ok := hostKey(r); ok {
			p.kind, p.tok = kindHost, hashToken(h)
		} else if bestCost >= 0 {
			p.kind, p.tok = kindTok, best
		}
		ps[i] = p
		if p.cls == clsImportant {
			p.cls = clsBlock
			ps = append(ps, p)
		}
	}
	order := make([]int32, len(ps))
	for i := range order {
		order[i] = int32(i)
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := &ps[order[i]], &ps[order[j]]
		if a.cls != b.cls {
			return a.cls < b.cls
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		return a.tok < b.tok
	})
	sorted := make([]pending, len(ps))
	for i, k := range order {
		sorted[i] = ps[k]
	}
	ps = sorted
	// pack strings
	var blob strings.Builder
	offs := map[string]int{}
	intern := func(s string) (int, int) {
		if o, ok := offs[s]; ok {
			return o, len(s)
		}
		o := blob.Len()
		blob.WriteString(s)
		offs[s] = o
		return o, len(s)
	}
	type span struct{ off, n int }
	patSpans := make([]span, len(ps))
	var domSpans []span
	type auxRef struct{ inc, incN, exc, excN int }
	var auxRefs []auxRef
	auxOf := make([]int, len(ps))
	for i := range ps {
		r := &ps[i].r
		o, n := intern(r.pattern)
		patSpans[i] = span{o, n}
		auxOf[i] = -1
		if a := r.aux; a != nil {
			ar := auxRef{inc: len(domSpans), incN: len(a.include)}
			for _, d := range a.include {
				o, n := intern(d)
				domSpans = append(domSpans, span{o, n})
			}
			ar.exc, ar.excN = len(domSpans), len(a.exclude)
			for _, d := range a.exclude {
				o, n := intern(d)
				domSpans = append(domSpans, span{o, n})
			}
			if a.lit != "" {
				intern(a.lit)
			}
			auxOf[i] = len(auxRefs)
			auxRefs = append(auxRefs, ar)
		}
	}
	e.blob = blob.String()
	e.doms = make([]string, len(domSpans))
	for i, s := range domSpans {
		e.doms[i] = e.blob[s.off : s.off+s.n]
	}
	slab := make([]uint64, len(domSpans))
	e.auxes = make([]ruleAux, len(auxRefs))
	e.rules = make([]Rule, len(ps))
	for i := range ps {
		r := ps[i].r
		r.pattern = e.blob[patSpans[i].off : patSpans[i].off+patSpans[i].n]
		if k := auxOf[i]; k >= 0 {
			ar := auxRefs[k]
			a := &e.auxes[k]
			a.include = e.doms[ar.inc : ar.inc+ar.incN : ar.inc+ar.incN]
			a.exclude = e.doms[ar.exc : ar.exc+ar.excN : ar.exc+ar.excN]
			if r.aux.lit != "" {
				o := offs[r.aux.lit]
				a.lit = e.blob[o : o+len(r.aux.lit)]
			}
			if r.flags&fRegex != 0 {
				a.rx = &ruleRegex{re: r.aux.rx.re, src: r.pattern, matchCase: r.flags&fMatchCase != 0}
			}
			a.hashDomains(slab[ar.inc : ar.inc+ar.incN+ar.excN])
			r.aux = a
		}
		e.rules[i] = r
	}
	// indexes
	for i := range e.idx {
		e.idx[i] = index{}
	}
	for i := 0; i < len(ps); {
		cls := ps[i].cls
		ix := &e.idx[cls]
		ix.anyStart = uint32(i)
		for i < len(ps) && ps[i].cls == cls && ps[i].kind == kindAny {
			i++
		}
		ix.anyEnd = uint32(i)
		for _, k := range []int{kindHost, kindTok} {
			t := &ix.host
			if k == kindTok {
				t = &ix.tok
			}
			for i < len(ps) && ps[i].cls == cls && ps[i].kind == k {
				h := ps[i].tok
				t.hashes = append(t.hashes, h)
				t.starts = append(t.starts, uint32(i))
				for i < len(ps) && ps[i].cls == cls && ps[i].kind == k && ps[i].tok == h {
					i++
				}
				e.rules[i-1].flags |= fLast
			}
			t.starts = append(t.starts, uint32(i))
			t.build()
		}
	}
	e.byType()
}
