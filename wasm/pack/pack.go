// Package pack is the small binary encoding of the core's build-time
// snapshots (the compiled tracker and cookie catalogs the extension decodes
// at start-up instead of parsing text): unsigned varints and length-prefixed
// strings, appended by a Writer and read back by a Reader.
//
// A Reader reads from a string, so that the strings it returns share the
// snapshot's memory (an embedded string costs no copy). Every number must be in
// its shortest form, so that a value has one encoding. It never panics:
// the first problem (a truncated varint, a length past the end) is kept,
// later reads return zero values, and Err reports it with its byte offset.
package pack

import "github.com/consentguard/consentguard/wasm/msg"

// Writer appends values to a byte slice.
type Writer struct {
	B    []byte
	refs map[string]int // strings written by Ref, by their number
}

// Ref appends s once: the first time as 0 then the string, after that as
// its number (1 for the first string written by Ref, ...). Snapshots repeat
// vendor ids, hosts and file names; Ref keeps each once.
func (w *Writer) Ref(s string) {
	if i, ok := w.refs[s]; ok {
		w.Int(i)
		return
	}
	if w.refs == nil {
		w.refs = map[string]int{}
	}
	w.refs[s] = len(w.refs) + 1
	w.Uint(0)
	w.String(s)
}

// Uint appends v as an unsigned varint.
func (w *Writer) Uint(v uint64) {
	for v >= 0x80 {
		w.B = append(w.B, byte(v)|0x80)
		v >>= 7
	}
	w.B = append(w.B, byte(v))
}

// Int appends a non-negative int (a count, an index, a line number).
func (w *Writer) Int(v int) {
	if v < 0 {
		v = 0
	}
	w.Uint(uint64(v))
}

// String appends len(s) then the bytes of s.
func (w *Writer) String(s string) {
	w.Int(len(s))
	w.B = append(w.B, s...)
}

// Bool appends 1 or 0.
func (w *Writer) Bool(b bool) {
	if b {
		w.Uint(1)
	} else {
		w.Uint(0)
	}
}

// Reader reads what a Writer wrote.
type Reader struct {
	s    string
	off  int
	err  error
	refs []string // strings read by Ref, in order
}

// Ref reads a string written by Writer.Ref.
//
// Ref, Int, Count and String read a one-byte number (most of a snapshot's)
// inline, Ref and Int a two-byte one too (string numbers past 127, line
// numbers); their slow paths read any number, and handle errors. The reads
// are the core's start-up: a call saved per value counts under WebAssembly.
// r.off is len(r.s) after a problem (Fail), so no fast path is taken then.
func (r *Reader) Ref() string {
	if off := r.off; off < len(r.s) {
		i, n := uint(r.s[off]), 1
		if i >= 0x80 && off+1 < len(r.s) {
			// two bytes: the second is 1..127 (0 is not the shortest form)
			if c := uint(r.s[off+1]); c-1 < 0x7f {
				i, n = i&0x7f|c<<7, 2
			}
		}
		// a string read before: 1..len(r.refs), in n bytes
		if i-1 < uint(len(r.refs)) && (n == 2 || i < 0x80) {
			r.off = off + n
			return r.refs[i-1]
		}
	}
	return r.refSlow()
}

func (r *Reader) refSlow() string {
	i := r.Uint()
	if r.err != nil {
		return ""
	}
	if i == 0 {
		s := r.String()
		if r.refs == nil {
			// the lists' snapshots have a new string every 19 (cookies) to 28
			// (trackers) bytes: room for one every 16, so that the table is
			// not grown and copied while read (it is dropped afterwards)
			r.refs = make([]string, 0, len(r.s)/16+1)
		}
		if r.err == nil {
			r.refs = append(r.refs, s)
		}
		return s
	}
	if i > uint64(len(r.refs)) {
		r.Fail(msg.Sprintf("string #%d of %d", i, len(r.refs)))
		return ""
	}
	return r.refs[i-1]
}

// NewReader reads s.
func NewReader(s string) *Reader { return &Reader{s: s} }

// Err is the first problem met, nil when every read succeeded.
func (r *Reader) Err() error { return r.err }

// Rest is how many bytes are left unread (none after a problem).
func (r *Reader) Rest() int { return len(r.s) - r.off }

// Fail records err (when it is the first problem) at the current offset.
// Nothing is left to read after it, so that Uint's inline path stops.
func (r *Reader) Fail(what string) {
	if r.err == nil {
		r.err = msg.Errorf("byte %d: %s", r.off, what)
	}
	r.off = len(r.s)
}

// Uint reads an unsigned varint. A number of one or two bytes (most of a
// snapshot's) is read inline.
func (r *Reader) Uint() uint64 {
	// r.off is len(r.s) after a problem (Fail): then the slow path.
	if off := r.off; off < len(r.s) {
		c := uint64(r.s[off])
		if c < 0x80 {
			r.off = off + 1
			return c
		}
		// two bytes: the second is 1..127 (0 is not the shortest form)
		if off+1 < len(r.s) {
			if d := uint64(r.s[off+1]); d-1 < 0x7f {
				r.off = off + 2
				return c&0x7f | d<<7
			}
		}
	}
	return r.uintSlow()
}

// uintSlow is Uint for a number of several bytes, a truncated input or a
// failed read.
func (r *Reader) uintSlow() uint64 {
	if r.err != nil {
		return 0
	}
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if r.off >= len(r.s) {
			r.Fail("truncated number")
			return 0
		}
		c := r.s[r.off]
		r.off++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			if c == 0 && shift > 0 {
				r.Fail("number not in its shortest form")
				return 0
			}
			return v
		}
	}
	r.Fail("number too long")
	return 0
}

// Int reads a non-negative int no greater than max.
func (r *Reader) Int(max int) int {
	if off := r.off; off < len(r.s) {
		v, n := int(r.s[off]), 1
		if v >= 0x80 && off+1 < len(r.s) {
			// two bytes: the second is 1..127 (0 is not the shortest form)
			if c := int(r.s[off+1]); c-1 < 0x7f && c >= 1 {
				v, n = v&0x7f|c<<7, 2
			}
		}
		if (n == 2 || v < 0x80) && v <= max {
			r.off = off + n
			return v
		}
	}
	return r.intSlow(max)
}

func (r *Reader) intSlow(max int) int {
	v := r.Uint()
	if v > uint64(max) {
		r.Fail(msg.Sprintf("value %d above %d", v, max))
		return 0
	}
	return int(v)
}

// Count reads a number of items, each at least one byte long: it cannot be
// larger than what is left, so that no bad count allocates much.
func (r *Reader) Count() int {
	if off := r.off; off < len(r.s) {
		if c := int(r.s[off]); c < 0x80 && c < len(r.s)-off {
			r.off = off + 1
			return c
		}
	}
	v := r.Uint()
	if r.err == nil && v > uint64(r.Rest()) {
		r.Fail(msg.Sprintf("count %d, %d bytes left", v, r.Rest()))
		return 0
	}
	return int(v)
}

// String reads a length-prefixed string sharing the Reader's memory.
func (r *Reader) String() string {
	if off := r.off; off < len(r.s) {
		if c := int(r.s[off]); c < 0x80 && c < len(r.s)-off {
			r.off = off + 1 + c
			return r.s[off+1 : off+1+c]
		}
	}
	v := r.Uint()
	if r.err == nil && v > uint64(r.Rest()) {
		r.Fail(msg.Sprintf("string of %d bytes, %d left", v, r.Rest()))
	}
	if r.err != nil {
		return ""
	}
	n := int(v)
	s := r.s[r.off : r.off+n]
	r.off += n
	return s
}

// Bool reads 1 or 0.
func (r *Reader) Bool() bool {
	switch r.Uint() {
	case 0:
		return false
	case 1:
		return true
	}
	r.Fail("not a boolean")
	return false
}

// End fails unless everything has been read.
func (r *Reader) End() {
	if r.err == nil && r.off != len(r.s) {
		r.Fail(msg.Sprintf("%d bytes left over", len(r.s)-r.off))
	}
}
