package rewrite

import (
	"bytes"
	"errors"
	"io"
)

// Action is a handler's decision about an element.
type Action uint8

const (
	// Keep leaves the element as it is.
	Keep Action = iota
	// Remove removes the element: start tag, content and end tag (for void
	// elements, the tag).
	Remove
	// RemoveTag removes only this start tag; content and end tag stay.
	RemoveTag
	// Replace replaces the element (start tag, content, end tag) with the
	// bytes given to Element.SetReplacement.
	Replace
	// Inspect buffers the element's content (at most Options.MaxContent
	// bytes) and calls Handler.Content at its end tag. On void elements it
	// means Keep.
	Inspect
	// ReplaceTag replaces only this start tag with the bytes given to
	// Element.SetReplacement (Element.WithoutAttr makes them); content
	// and end tag stay.
	ReplaceTag
)

// String returns the action's name.
func (a Action) String() string {
	switch a {
	case Keep:
		return "Keep"
	case Remove:
		return "Remove"
	case RemoveTag:
		return "RemoveTag"
	case Replace:
		return "Replace"
	case Inspect:
		return "Inspect"
	case ReplaceTag:
		return "ReplaceTag"
	}
	return "Action(?)"
}

// Handler decides what happens to elements.
type Handler interface {
	// StartTag is called for every start tag outside elements being
	// removed or inspected, and not longer than Options.MaxTag.
	StartTag(e *Element) Action
	// Content is called at the end tag of an element for which StartTag
	// returned Inspect, with the raw bytes between its start and end tags.
	// body is valid only during the call. Inspect is treated as Keep;
	// ReplaceTag replaces the start tag given back in e.
	Content(e *Element, body []byte) Action
}

// KeepAll is a Handler that keeps everything.
type KeepAll struct{}

// StartTag implements Handler.
func (KeepAll) StartTag(*Element) Action { return Keep }

// Content implements Handler.
func (KeepAll) Content(*Element, []byte) Action { return Keep }

// Options configure a Rewriter.
type Options struct {
	// MaxTag is the largest start tag held for the handler (default 64 KiB,
	// at least 64). Longer tags stream through unchanged.
	MaxTag int
	// MaxContent is the largest element content buffered for Inspect or
	// Remove (default 256 KiB). Past it the element is flushed and kept.
	MaxContent int
	// Inject is inserted right after the <head> start tag (see the package
	// documentation for documents without one). Empty: nothing injected.
	Inject []byte
}

// Defaults for Options.
const (
	DefaultMaxTag     = 64 << 10
	DefaultMaxContent = 256 << 10
	minMaxTag         = 64
)

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("rewrite: write after close")

// tokenizer states
const (
	stData uint8 = iota
	stTagOpen
	stEndTagOpen
	stTag
	stDecl
	stComment
	stBogus
	stDoctype
	stCDATA
	stRaw
	stRawLT
	stRawEnd
	stScript
	stScriptLT
	stEscStart
	stEscStartDash
	stEsc
	stEscDash
	stEscDashDash
	stEscLT
	stDblStart
	stDbl
	stDblDash
	stDblDashDash
	stDblLT
	stDblEnd
	stPlaintext
)

// tag sub-states
const (
	tName uint8 = iota
	tBeforeAttr
	tAttrName
	tAfterAttrName
	tBeforeVal
	tValDQ
	tValSQ
	tValUnq
	tAfterVal
	tSelfClose
)

// comment sub-states
const (
	cStart uint8 = iota
	cStartDash
	cBody
	cEndDash
	cEnd
	cBang
)

// output modes
const (
	modePass uint8 = iota
	modeDrop
	modeBuf
)

// active element kinds
const (
	actNone uint8 = iota
	actDrop       // removed script: content dropped while streaming
	actBuf        // content buffered (Inspect, or Remove/Replace of non-script)
)

// raw text kinds
const (
	rawNone uint8 = iota
	rawScript
	rawText
	rawRCDATA
	rawPlain
)

// foreign stack entry kinds
const (
	fSVG uint8 = iota + 1
	fMath
	fIntegration
)

const maxName = 32
const maxForeign = 64

// Rewriter is a streaming HTML rewriter; see the package documentation.
type Rewriter struct {
	w   io.Writer
	h   Handler
	opt Options
	err error

	closed   bool
	injected bool

	// current chunk
	p    []byte
	seg  int   // start of the pending (not yet routed) bytes in p
	tok  int   // start of the current start tag in p, -1 if it began in an earlier chunk
	base int64 // global offset of p[0]

	state uint8
	ts    uint8 // tag sub-state
	cs    uint8 // comment sub-state
	ret   uint8 // state to go back to when an end-tag match fails
	mode  uint8

	// tag being scanned
	name        [maxName]byte
	nameLen     int
	nameLong    bool
	key         uint64 // first 8 bytes of name, packed
	isEnd       bool
	rawEnd      bool // the end tag being scanned closes the raw text element
	selfClosing bool
	hold        bool   // current start tag may be dispatched: keep its bytes
	held        bool   // tagBuf holds the beginning of the current tag
	tagOvf      bool   // current tag exceeded MaxTag and was flushed
	tagBuf      []byte // start tag spanning chunks

	declN    int
	declMask uint8
	br       int // consecutive ']' in CDATA

	rawKind uint8
	rawName string
	mIdx    int
	mBad    bool
	ltG     int64 // global offset of the last '<' that may start an end tag

	fstack [maxForeign]struct {
		kind uint8
		name string
	}
	fdepth int
	fsat   int // pushes beyond maxForeign

	// active element
	act      uint8
	actRaw   bool
	actName  [maxName]byte
	actLen   int
	depth    int
	pending  Action
	ovf      bool
	startBuf []byte
	content  []byte
	contentG int64 // global offset of the first content byte
	repl     []byte

	el    Element
	attrs []attrSpan

	removed  int
	overflow int
	in, out  int64
}

// New returns a Rewriter writing the rewritten HTML to w.
func New(w io.Writer, h Handler, opt Options) *Rewriter {
	r := &Rewriter{}
	r.init(w, h, opt)
	return r
}

func (r *Rewriter) init(w io.Writer, h Handler, opt Options) {
	if opt.MaxTag <= 0 {
		opt.MaxTag = DefaultMaxTag
	}
	if opt.MaxTag < minMaxTag {
		opt.MaxTag = minMaxTag
	}
	if opt.MaxContent <= 0 {
		opt.MaxContent = DefaultMaxContent
	}
	tagBuf, startBuf, content, repl, attrs := r.tagBuf[:0], r.startBuf[:0], r.content[:0], r.repl[:0], r.attrs[:0]
	*r = Rewriter{w: w, h: h, opt: opt, tok: -1,
		tagBuf: tagBuf, startBuf: startBuf, content: content, repl: repl, attrs: attrs}
	r.el.r = r
}

// Reset makes r ready for a new document written to w, keeping its buffers
// (no allocation in steady state).
func (r *Rewriter) Reset(w io.Writer, h Handler, opt Options) { r.init(w, h, opt) }

// Removed returns the number of elements (or tags) removed or replaced.
func (r *Rewriter) Removed() int { return r.removed }

// Overflows returns how many elements were kept because their content
// exceeded MaxContent (or the input ended) before a decision was possible.
func (r *Rewriter) Overflows() int { return r.overflow }

// BytesIn returns the number of bytes written to r.
func (r *Rewriter) BytesIn() int64 { return r.in }

// BytesOut returns the number of bytes written to the underlying writer.
func (r *Rewriter) BytesOut() int64 { return r.out }

// Injected reports whether Options.Inject has been written.
func (r *Rewriter) Injected() bool { return r.injected }

func (r *Rewriter) write(b []byte) {
	if len(b) == 0 || r.err != nil {
		return
	}
	n, err := r.w.Write(b)
	r.out += int64(n)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	r.err = err
}

// route sends bytes of the document to their destination for the current mode.
func (r *Rewriter) route(b []byte) {
	switch r.mode {
	case modePass:
		r.write(b)
	case modeBuf:
		if r.ovf {
			r.write(b)
			return
		}
		if len(r.content)+len(b) > r.opt.MaxContent {
			r.ovf = true
			r.overflow++
			r.write(r.startBuf)
			r.write(r.content)
			r.write(b)
			r.content = r.content[:0]
			return
		}
		r.content = append(r.content, b...)
	}
}

// commit routes the pending bytes p[seg:to].
func (r *Rewriter) commit(to int) {
	if to > r.seg {
		r.route(r.p[r.seg:to])
	}
	r.seg = to
}

func (r *Rewriter) unhold() {
	if r.held {
		r.route(r.tagBuf)
		r.tagBuf = r.tagBuf[:0]
		r.held = false
	}
	r.hold = false
}

func (r *Rewriter) inject() {
	if !r.injected {
		r.injected = true
		r.write(r.opt.Inject)
	}
}

// Write rewrites p. It returns len(p) unless the underlying writer failed.
func (r *Rewriter) Write(p []byte) (int, error) {
	if r.closed {
		return 0, ErrClosed
	}
	if r.err != nil {
		return 0, r.err
	}
	r.in += int64(len(p))
	r.p, r.seg = p, 0
	r.tok = -1
	n := len(p)
	i := 0
	for i < n {
		switch r.state {
		case stData:
			j := bytes.IndexByte(p[i:], '<')
			if j < 0 {
				i = n
				continue
			}
			i += j
			r.tok = i
			r.ltG = r.base + int64(i)
			r.hold = r.act == actNone
			r.state = stTagOpen
			i++
		case stTagOpen:
			c := p[i]
			switch {
			case isAlpha(c):
				r.beginTag(false)
			case c == '/':
				r.unhold()
				r.state = stEndTagOpen
				i++
			case c == '!':
				r.unhold()
				r.state = stDecl
				r.declN = 0
				r.declMask = 3
				if r.foreign() {
					r.declMask |= 4
				}
				i++
			case c == '?':
				r.unhold()
				r.state = stBogus
				i++
			default:
				r.unhold()
				r.state = stData
			}
		case stEndTagOpen:
			c := p[i]
			switch {
			case isAlpha(c):
				r.beginTag(true)
			case c == '>':
				r.state = stData
				i++
			default:
				r.state = stBogus
			}
		case stTag:
			var done bool
			i, done = r.scanTag(p, i)
			if done {
				r.tagDone(i)
			}
		case stDecl:
			c := p[i]
			m := uint8(0)
			next := stDecl
			if r.declMask&1 != 0 && r.declN < 2 && c == '-' {
				m |= 1
				if r.declN == 1 {
					next = stComment
				}
			}
			if r.declMask&2 != 0 && lower(c) == "doctype"[r.declN] {
				m |= 2
				if r.declN == 6 {
					next = stDoctype
				}
			}
			if r.declMask&4 != 0 && c == "[CDATA["[r.declN] {
				m |= 4
				if r.declN == 6 {
					next = stCDATA
				}
			}
			r.declMask = m
			switch {
			case m == 0:
				r.state = stBogus // reconsume
			case next != stDecl:
				r.state = next
				r.cs = cStart
				r.br = 0
				i++
			default:
				r.declN++
				i++
			}
		case stComment:
			i = r.scanComment(p, i)
		case stBogus, stDoctype:
			j := bytes.IndexByte(p[i:], '>')
			if j < 0 {
				i = n
				continue
			}
			i += j + 1
			r.state = stData
		case stCDATA:
			c := p[i]
			if r.br == 0 {
				j := bytes.IndexByte(p[i:], ']')
				if j < 0 {
					i = n
					continue
				}
				i += j
				c = ']'
			}
			switch {
			case c == ']':
				if r.br < 2 {
					r.br++
				}
			case c == '>' && r.br == 2:
				r.state = stData
			default:
				r.br = 0
			}
			i++
		case stRaw, stScript:
			j := bytes.IndexByte(p[i:], '<')
			if j < 0 {
				i = n
				continue
			}
			i += j
			r.ltG = r.base + int64(i)
			if r.state == stRaw {
				r.state = stRawLT
			} else {
				r.state = stScriptLT
			}
			i++
		case stRawLT:
			if p[i] == '/' {
				r.beginMatch(stRaw)
				r.state = stRawEnd
				i++
			} else {
				r.state = stRaw
			}
		case stScriptLT:
			switch p[i] {
			case '/':
				r.beginMatch(stScript)
				r.state = stRawEnd
				i++
			case '!':
				r.state = stEscStart
				i++
			default:
				r.state = stScript
			}
		case stRawEnd:
			c := p[i]
			if isAlpha(c) {
				r.match(c, r.rawName)
				i++
				continue
			}
			if (isSpace(c) || c == '/' || c == '>') && !r.mBad && r.mIdx == len(r.rawName) {
				r.isEnd, r.rawEnd, r.selfClosing, r.hold = true, true, false, false
				i++
				switch c {
				case '>':
					r.tagDone(i)
				case '/':
					r.state, r.ts = stTag, tSelfClose
				default:
					r.state, r.ts = stTag, tBeforeAttr
				}
				continue
			}
			r.state = r.ret // reconsume
		case stEscStart:
			if p[i] == '-' {
				r.state = stEscStartDash
				i++
			} else {
				r.state = stScript
			}
		case stEscStartDash:
			if p[i] == '-' {
				r.state = stEscDashDash
				i++
			} else {
				r.state = stScript
			}
		case stEsc:
			for i < n {
				c := p[i]
				if c == '-' {
					r.state = stEscDash
					i++
					break
				}
				if c == '<' {
					r.ltG = r.base + int64(i)
					r.state = stEscLT
					i++
					break
				}
				i++
			}
		case stEscDash, stEscDashDash:
			c := p[i]
			switch {
			case c == '-':
				r.state = stEscDashDash
			case c == '<':
				r.ltG = r.base + int64(i)
				r.state = stEscLT
			case c == '>' && r.state == stEscDashDash:
				r.state = stScript
			default:
				r.state = stEsc
			}
			i++
		case stEscLT:
			c := p[i]
			switch {
			case c == '/':
				r.beginMatch(stEsc)
				r.state = stRawEnd
				i++
			case isAlpha(c):
				r.beginMatch(stEsc)
				r.state = stDblStart
			default:
				r.state = stEsc
			}
		case stDblStart, stDblEnd:
			c := p[i]
			if isAlpha(c) {
				r.match(c, "script")
				i++
				continue
			}
			if isSpace(c) || c == '/' || c == '>' {
				ok := !r.mBad && r.mIdx == 6
				switch {
				case r.state == stDblStart && ok:
					r.state = stDbl
				case r.state == stDblStart:
					r.state = stEsc
				case ok:
					r.state = stEsc
				default:
					r.state = stDbl
				}
				i++
				continue
			}
			if r.state == stDblStart {
				r.state = stEsc
			} else {
				r.state = stDbl
			}
		case stDbl:
			for i < n {
				c := p[i]
				if c == '-' {
					r.state = stDblDash
					i++
					break
				}
				if c == '<' {
					r.state = stDblLT
					i++
					break
				}
				i++
			}
		case stDblDash, stDblDashDash:
			c := p[i]
			switch {
			case c == '-':
				r.state = stDblDashDash
			case c == '<':
				r.state = stDblLT
			case c == '>' && r.state == stDblDashDash:
				r.state = stScript
			default:
				r.state = stDbl
			}
			i++
		case stDblLT:
			if p[i] == '/' {
				r.beginMatch(stDbl)
				r.state = stDblEnd
				i++
			} else {
				r.state = stDbl
			}
		case stPlaintext:
			i = n
		}
	}
	// end of chunk
	if r.hold {
		start := r.tok
		if start < 0 {
			start = 0
		}
		r.commit(start)
		rest := p[start:]
		if len(r.tagBuf)+len(rest) > r.opt.MaxTag {
			r.tagOverflow()
			r.write(rest)
		} else {
			r.tagBuf = append(r.tagBuf, rest...)
			r.held = true
		}
		r.seg = n
	} else {
		r.commit(n)
	}
	r.base += int64(n)
	r.p = nil
	if r.err != nil {
		return n, r.err
	}
	return n, nil
}

// tagOverflow flushes a held start tag that is longer than MaxTag: it will
// not be dispatched.
func (r *Rewriter) tagOverflow() {
	nameKnown := !(r.state == stTag && r.ts == tName) || r.nameLong
	if nameKnown && !r.nameLong {
		r.maybeInjectBefore(r.name[:r.nameLen])
	} else if len(r.opt.Inject) > 0 && !r.injected {
		r.inject()
	}
	r.write(r.tagBuf)
	r.tagBuf = r.tagBuf[:0]
	r.held = false
	r.hold = false
	r.tagOvf = true
}

func (r *Rewriter) maybeInjectBefore(name []byte) {
	if r.injected || len(r.opt.Inject) == 0 {
		return
	}
	if string(name) == "html" || string(name) == "head" {
		return
	}
	r.inject()
}

func (r *Rewriter) beginTag(end bool) {
	r.state, r.ts = stTag, tName
	r.nameLen, r.nameLong, r.key = 0, false, 0
	r.isEnd, r.rawEnd, r.selfClosing, r.tagOvf = end, false, false, false
}

func (r *Rewriter) beginMatch(ret uint8) {
	r.ret = ret
	r.mIdx, r.mBad = 0, false
}

func (r *Rewriter) match(c byte, name string) {
	if !r.mBad && r.mIdx < len(name) && lower(c) == name[r.mIdx] {
		r.mIdx++
	} else {
		r.mBad = true
	}
}

// byte classes inside tags
const (
	kOther uint8 = iota
	kSpace
	kGT
	kSlash
	kEq
	kDQ
	kSQ
)

var class = func() (t [256]uint8) {
	for _, c := range []byte(" \t\n\f\r") {
		t[c] = kSpace
	}
	t['>'], t['/'], t['='], t['"'], t['\''] = kGT, kSlash, kEq, kDQ, kSQ
	return
}()

// nameRun marks the bytes that continue an attribute name.
var nameRun = func() (t [256]bool) {
	for c := range t {
		k := class[c]
		t[c] = k == kOther || k == kDQ || k == kSQ
	}
	return
}()

// scanTag advances through a tag; it returns the index after '>' and true
// when the tag is complete.
func (r *Rewriter) scanTag(p []byte, i int) (int, bool) {
	n := len(p)
	ts := r.ts
	for i < n {
		k := class[p[i]]
		switch ts {
		case tName:
			for k == kOther || k >= kEq { // name byte: a tight loop for the common case
				if r.nameLen < maxName {
					c := lower(p[i])
					if r.nameLen < 8 {
						r.key |= uint64(c) << (8 * uint(r.nameLen))
					}
					r.name[r.nameLen] = c
					r.nameLen++
				} else {
					r.nameLong = true
				}
				i++
				if i == n {
					r.ts = ts
					return n, false
				}
				k = class[p[i]]
			}
			switch k {
			case kGT:
				r.ts = ts
				return i + 1, true
			case kSpace:
				ts = tBeforeAttr
			case kSlash:
				ts = tSelfClose
			default:
				if r.nameLen < maxName {
					c := lower(p[i])
					if r.nameLen < 8 {
						r.key |= uint64(c) << (8 * uint(r.nameLen))
					}
					r.name[r.nameLen] = c
					r.nameLen++
				} else {
					r.nameLong = true
				}
			}
		case tBeforeAttr:
			switch k {
			case kGT:
				r.ts = ts
				return i + 1, true
			case kSpace:
			case kSlash:
				ts = tSelfClose
			default:
				ts = tAttrName
			}
		case tAttrName:
			switch k {
			case kGT:
				r.ts = ts
				return i + 1, true
			case kSpace:
				ts = tAfterAttrName
			case kSlash:
				ts = tSelfClose
			case kEq:
				ts = tBeforeVal
			default:
				for i+1 < n && nameRun[p[i+1]] {
					i++
				}
			}
		case tAfterAttrName:
			switch k {
			case kGT:
				r.ts = ts
				return i + 1, true
			case kSpace:
			case kSlash:
				ts = tSelfClose
			case kEq:
				ts = tBeforeVal
			default:
				ts = tAttrName
			}
		case tBeforeVal:
			switch k {
			case kGT:
				r.ts = ts
				return i + 1, true
			case kSpace:
			case kDQ:
				ts = tValDQ
			case kSQ:
				ts = tValSQ
			default:
				ts = tValUnq
			}
		case tValDQ, tValSQ:
			q := byte('"')
			if ts == tValSQ {
				q = '\''
			}
			j := bytes.IndexByte(p[i:], q)
			if j < 0 {
				r.ts = ts
				return n, false
			}
			i += j
			ts = tAfterVal
		case tValUnq:
			switch k {
			case kGT:
				r.ts = ts
				return i + 1, true
			case kSpace:
				ts = tBeforeAttr
			default:
				for i+1 < n && class[p[i+1]] != kSpace && class[p[i+1]] != kGT {
					i++
				}
			}
		case tAfterVal:
			switch k {
			case kGT:
				r.ts = ts
				return i + 1, true
			case kSpace:
				ts = tBeforeAttr
			case kSlash:
				ts = tSelfClose
			default:
				ts = tBeforeAttr
				continue // reconsume
			}
		case tSelfClose:
			if k == kGT {
				r.selfClosing = true
				r.ts = ts
				return i + 1, true
			}
			ts = tBeforeAttr
			continue // reconsume
		}
		i++
	}
	r.ts = ts
	return n, false
}

func (r *Rewriter) scanComment(p []byte, i int) int {
	n := len(p)
	for i < n {
		c := p[i]
		switch r.cs {
		case cStart, cStartDash:
			switch c {
			case '-':
				if r.cs == cStart {
					r.cs = cStartDash
				} else {
					r.cs = cEnd
				}
			case '>':
				r.state = stData
				return i + 1
			default:
				r.cs = cBody
				continue
			}
		case cBody:
			j := bytes.IndexByte(p[i:], '-')
			if j < 0 {
				return n
			}
			i += j
			r.cs = cEndDash
		case cEndDash:
			if c == '-' {
				r.cs = cEnd
			} else {
				r.cs = cBody
				continue
			}
		case cEnd:
			switch c {
			case '>':
				r.state = stData
				return i + 1
			case '!':
				r.cs = cBang
			case '-':
			default:
				r.cs = cBody
				continue
			}
		case cBang:
			switch c {
			case '-':
				r.cs = cEndDash
			case '>':
				r.state = stData
				return i + 1
			default:
				r.cs = cBody
				continue
			}
		}
		i++
	}
	return n
}

func (r *Rewriter) foreign() bool {
	if r.fsat > 0 {
		return r.fdepth > 0 && r.fstack[maxForeign-1].kind != fIntegration
	}
	return r.fdepth > 0 && r.fstack[r.fdepth-1].kind != fIntegration
}

func (r *Rewriter) fpush(kind uint8, name string) {
	if r.fdepth == maxForeign {
		r.fsat++
		return
	}
	r.fstack[r.fdepth].kind = kind
	r.fstack[r.fdepth].name = name
	r.fdepth++
}

// fpop pops the foreign stack down to and including the innermost entry
// named name, if there is one.
func (r *Rewriter) fpop(name []byte) {
	if r.fsat > 0 {
		r.fsat--
		return
	}
	for k := r.fdepth - 1; k >= 0; k-- {
		if r.fstack[k].name == string(name) {
			r.fdepth = k
			return
		}
	}
}

// tagDone handles a complete tag ending at p[end-1].
func (r *Rewriter) tagDone(end int) {
	r.state = stData
	if r.isEnd {
		r.endTagDone(end)
	} else {
		r.startTagDone(end)
	}
}

func (r *Rewriter) endTagDone(end int) {
	if r.rawEnd {
		r.rawEnd = false
		if r.act != actNone && r.actRaw {
			r.finish(end)
		}
		return
	}
	if r.nameLong {
		return
	}
	name := r.name[:r.nameLen]
	if r.fdepth > 0 {
		if e := lookupTag(r.key, name); e != nil && e.info&(tiSVG|tiMath|tiSVGInt|tiMathInt) != 0 {
			r.fpop(name)
		}
	}
	if r.act == actBuf && !r.actRaw && bytes.Equal(name, r.actName[:r.actLen]) {
		r.depth--
		if r.depth == 0 {
			r.finish(end)
		}
	}
}

func (r *Rewriter) startTagDone(end int) {
	name := r.name[:r.nameLen]
	long := r.nameLong
	selfClosing := r.selfClosing

	var ent *tagEntry
	var info tagInfo
	if !long {
		if ent = lookupTag(r.key, name); ent != nil {
			info = ent.info
		}
	}

	// tree-construction approximations: foreign content
	foreign := r.fdepth > 0 && r.foreign()
	if foreign && info&tiBreakout != 0 {
		for r.fdepth > 0 && r.fstack[r.fdepth-1].kind != fIntegration {
			r.fdepth--
		}
		r.fsat = 0
		foreign = false
	}
	void := false
	raw := rawNone
	rawName := ""
	switch {
	case foreign:
		void = selfClosing
		if !selfClosing && info&(tiSVG|tiMath|tiSVGInt|tiMathInt) != 0 {
			top := r.fstack[r.fdepth-1].kind
			if r.fsat > 0 {
				top = r.fstack[maxForeign-1].kind
			}
			switch {
			case info&tiSVG != 0:
				r.fpush(fSVG, "svg")
			case info&tiMath != 0:
				r.fpush(fMath, "math")
			case info&tiSVGInt != 0 && top == fSVG, info&tiMathInt != 0 && top == fMath:
				r.fpush(fIntegration, ent.name)
			}
		}
	case info == 0:
	case info&(tiSVG|tiMath) != 0:
		if selfClosing {
			void = true
		} else if info&tiSVG != 0 {
			r.fpush(fSVG, "svg")
		} else {
			r.fpush(fMath, "math")
		}
	case info&tiScript != 0:
		raw, rawName = rawScript, ent.name
	case info&tiRawText != 0:
		raw, rawName = rawText, ent.name
	case info&tiRCDATA != 0:
		raw, rawName = rawRCDATA, ent.name
	case info&tiPlain != 0:
		raw = rawPlain
	default:
		void = info&tiVoid != 0
	}

	if r.act != actNone {
		// nested in an element being buffered: not dispatched
		if r.act == actBuf && !r.actRaw && !void && !long && bytes.Equal(name, r.actName[:r.actLen]) {
			r.depth++
		}
		r.enterRaw(raw, rawName)
		return
	}

	// dispatch
	var rawTag []byte
	tooBig := r.tagOvf
	if !tooBig {
		if r.held {
			if len(r.tagBuf)+end > r.opt.MaxTag {
				tooBig = true
			} else {
				r.tagBuf = append(r.tagBuf, r.p[:end]...)
				r.seg = end
				rawTag = r.tagBuf
			}
		} else if end-r.tok > r.opt.MaxTag {
			tooBig = true
		} else {
			rawTag = r.p[r.tok:end]
		}
	}
	injBefore := !r.injected && len(r.opt.Inject) > 0 && (long || (string(name) != "html" && string(name) != "head"))
	injAfter := !r.injected && len(r.opt.Inject) > 0 && !long && string(name) == "head"

	if tooBig {
		if !r.tagOvf {
			if r.held {
				if injBefore {
					r.inject()
				}
				r.write(r.tagBuf)
			} else if injBefore {
				r.commit(r.tok)
				r.inject()
			}
		}
		r.tagBuf = r.tagBuf[:0]
		r.held, r.hold, r.tagOvf = false, false, false
		if injAfter {
			r.commit(end)
			r.inject()
		}
		r.enterRaw(raw, rawName)
		return
	}

	r.el.reset(rawTag, name, selfClosing, void)
	r.repl = r.repl[:0]
	a := r.h.StartTag(&r.el)
	if void && a == Inspect {
		a = Keep
	}
	if injAfter && (a == Remove || a == Replace || a == Inspect) {
		a = Keep // the <head> receiving the injection stays
	}
	if a > ReplaceTag {
		a = Keep
	}
	if a == Keep && !injBefore && !injAfter {
		// fast path: the tag stays in the pending bytes
		if r.held {
			r.write(r.tagBuf)
			r.tagBuf = r.tagBuf[:0]
			r.held = false
		}
		r.hold = false
		r.enterRaw(raw, rawName)
		return
	}
	if !r.held {
		r.commit(r.tok)
	}
	if injBefore {
		r.inject()
	}
	switch a {
	case Keep:
		if r.held {
			r.write(r.tagBuf)
		}
		if injAfter {
			r.commit(end)
			r.inject()
		}
	case RemoveTag:
		r.removed++
		r.seg = end
		if injAfter {
			r.inject()
		}
	case ReplaceTag:
		r.seg = end
		r.write(r.repl)
		if injAfter {
			r.inject()
		}
	case Remove, Replace:
		r.seg = end
		if void || raw == rawScript {
			r.removed++
			if a == Replace {
				r.write(r.repl)
			}
			if !void {
				r.act, r.actRaw, r.mode = actDrop, true, modeDrop
			}
		} else {
			r.startBuffer(a, rawTag, name, raw != rawNone)
		}
	case Inspect:
		r.seg = end
		r.startBuffer(a, rawTag, name, raw != rawNone)
	}
	r.tagBuf = r.tagBuf[:0]
	r.held, r.hold = false, false
	r.enterRaw(raw, rawName)
}

func (r *Rewriter) startBuffer(a Action, rawTag, name []byte, isRaw bool) {
	r.act, r.actRaw, r.mode = actBuf, isRaw, modeBuf
	r.pending = a
	r.startBuf = append(r.startBuf[:0], rawTag...)
	r.actLen = copy(r.actName[:], name)
	r.depth = 1
	r.ovf = false
	r.content = r.content[:0]
	r.contentG = r.base + int64(r.seg)
}

func (r *Rewriter) enterRaw(kind uint8, name string) {
	switch kind {
	case rawScript:
		r.state = stScript
	case rawText, rawRCDATA:
		r.state = stRaw
	case rawPlain:
		r.state = stPlaintext
	default:
		return
	}
	r.rawKind, r.rawName = kind, name
}

// finish ends the active element whose end tag ends at p[end-1].
func (r *Rewriter) finish(end int) {
	r.commit(end)
	act := r.act
	r.act, r.mode = actNone, modePass
	if act != actBuf || r.ovf {
		r.ovf = false
		return
	}
	bodyLen := int(r.ltG - r.contentG)
	if bodyLen < 0 || bodyLen > len(r.content) {
		bodyLen = len(r.content)
	}
	a := r.pending
	if a == Inspect {
		r.el.reset(r.startBuf, r.actName[:r.actLen], false, false)
		r.repl = r.repl[:0]
		a = r.h.Content(&r.el, r.content[:bodyLen])
	}
	switch a {
	case Remove:
		r.removed++
	case Replace:
		r.removed++
		r.write(r.repl)
	case RemoveTag:
		r.removed++
		r.write(r.content)
	case ReplaceTag:
		r.write(r.repl)
		r.write(r.content)
	default:
		r.write(r.startBuf)
		r.write(r.content)
	}
	r.content = r.content[:0]
}

// Close flushes what is left: an unclosed tag or a buffered element are
// written verbatim, and the injection if it has not been placed yet. It does
// not close the underlying writer.
func (r *Rewriter) Close() error {
	if r.closed {
		return r.err
	}
	r.closed = true
	if r.held {
		r.write(r.tagBuf)
		r.tagBuf = r.tagBuf[:0]
		r.held = false
	}
	if r.act == actBuf && !r.ovf {
		r.overflow++
		r.write(r.startBuf)
		r.write(r.content)
	}
	r.act, r.mode = actNone, modePass
	if len(r.opt.Inject) > 0 {
		r.inject()
	}
	return r.err
}

type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// Rewrite rewrites the whole document src and appends the result to dst.
func Rewrite(dst, src []byte, h Handler, opt Options) []byte {
	aw := &appendWriter{b: dst}
	r := New(aw, h, opt)
	r.Write(src)
	r.Close()
	return aw.b
}

func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 0x20
	}
	return c
}
