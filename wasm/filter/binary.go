package filter

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"unsafe"
)

// littleEndian reports whether the host stores integers little endian (as
// the serialised form does), so that tables can be copied in bulk.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// The bulk copy of slots relies on their layout: three uint32, no padding.
var _ = [1]struct{}{}[unsafe.Sizeof(slot{})-8]

// Serialized form (little endian):
//
//	magic "CGF\x01" | crc32(IEEE) of everything after this field | body
//	body: u32 counts: lists, blob, doms, auxes, rules; then
//	lists (u32 len + bytes each), blob bytes,
//	doms (u32 off, u32 len each), auxes (u32 incStart, incN, excN, litOff, litLen),
//	rules (u32 patOff, u32 patLen, u16 flags, u16 types, u16 list, u16 bloom, u32 aux+1),
//	3 indexes (u32 anyStart, anyEnd; then two tables, tokens and hosts, each
//	u32 table size, bitmap words; table slots (u32 hash, start, end; end 0 =
//	empty); bitmap u64 words).
//
// Regex rules keep their source in the blob and are compiled on first use
// (their required literal, the pre-filter, is stored). Slots and bitmap
// words are copied in bulk on little-endian hosts, then validated.
const magic = "CGF\x04"

// MarshalBinary serialises the engine; Load reads it back.
func (e *Engine) MarshalBinary() ([]byte, error) {
	auxIdx := make(map[*ruleAux]int, len(e.auxes))
	for i := range e.auxes {
		auxIdx[&e.auxes[i]] = i
	}
	n := 8 + 20 + len(e.blob) + 8*len(e.doms) + 20*len(e.auxes) + 20*len(e.rules)
	for _, l := range e.lists {
		n += 4 + len(l)
	}
	for i := range e.idx {
		for _, t := range []*table{&e.idx[i].tok, &e.idx[i].host} {
			n += 8 + 8*len(t.slots) + 8*len(t.bits)
		}
		n += 8
	}
	b := make([]byte, 8, n)
	copy(b, magic)
	u32 := func(v int) { b = binary.LittleEndian.AppendUint32(b, uint32(v)) }
	u16 := func(v int) { b = binary.LittleEndian.AppendUint16(b, uint16(v)) }
	u32(len(e.lists))
	u32(len(e.blob))
	u32(len(e.doms))
	u32(len(e.auxes))
	u32(len(e.rules))
	for _, l := range e.lists {
		u32(len(l))
		b = append(b, l...)
	}
	b = append(b, e.blob...)
	// offsets of strings inside the blob
	off := func(s string) int {
		if len(s) == 0 {
			return 0
		}
		return blobOffset(e.blob, s)
	}
	domIdx := func(sl []string) int {
		if len(sl) == 0 {
			return 0
		}
		return sliceOffset(e.doms, sl)
	}
	for _, d := range e.doms {
		u32(off(d))
		u32(len(d))
	}
	for i := range e.auxes {
		a := &e.auxes[i]
		start := domIdx(a.include)
		if len(a.include) == 0 {
			start = domIdx(a.exclude)
		}
		u32(start)
		u32(len(a.include))
		u32(len(a.exclude))
		u32(off(a.lit))
		u32(len(a.lit))
	}
	for i := range e.rules {
		r := &e.rules[i]
		u32(off(r.pattern))
		u32(len(r.pattern))
		u16(int(r.flags))
		u16(int(r.types))
		u16(int(r.list))
		u16(int(r.bloom))
		if r.aux != nil {
			u32(auxIdx[r.aux] + 1)
		} else {
			u32(0)
		}
	}
	for i := range e.idx {
		ix := &e.idx[i]
		u32(int(ix.anyStart))
		u32(int(ix.anyEnd))
		for _, t := range []*table{&ix.tok, &ix.host} {
			u32(len(t.slots))
			u32(len(t.bits))
			for _, s := range t.slots {
				u32(int(s.hash))
				u32(int(s.start))
			}
			for _, w := range t.bits {
				b = binary.LittleEndian.AppendUint64(b, w)
			}
		}
	}
	binary.LittleEndian.PutUint32(b[4:8], crc32.ChecksumIEEE(b[8:]))
	return b, nil
}

// blobOffset returns the offset of s, a substring of blob.
func blobOffset(blob, s string) int {
	p := stringData(s) - stringData(blob)
	if p < 0 || p+len(s) > len(blob) {
		panic("filter: string outside the engine blob") // internal invariant
	}
	return p
}

func sliceOffset(all, sub []string) int {
	return int(sliceData(sub)-sliceData(all)) / stringSize
}

// ErrCorrupt is returned by Load for bytes that are not a valid engine.
var ErrCorrupt = errors.New("filter: corrupt serialized engine")

type reader struct {
	b   []byte
	err error
}

func (r *reader) u32() uint32 {
	if len(r.b) < 4 {
		r.err = ErrCorrupt
		r.b = nil
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *reader) bytes(n uint32) []byte {
	if uint64(len(r.b)) < uint64(n) {
		r.err = ErrCorrupt
		r.b = nil
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func corrupt(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, a...)...)
}

// table reads a hash table (see MarshalBinary) whose ranges lie in
// [0, nRules).
func (rd *reader) table(t *table, nRules uint32) error {
	le := binary.LittleEndian
	ns, nw := rd.u32(), rd.u32()
	if rd.err != nil {
		return rd.err
	}
	if ns&(ns-1) != 0 || nw&(nw-1) != 0 || uint64(ns)*8+uint64(nw)*8 > uint64(len(rd.b)) || (ns == 0) != (nw == 0) {
		return errors.New("table size")
	}
	if ns == 0 {
		return nil
	}
	raw := rd.bytes(8 * ns)
	t.slots = make([]slot, ns)
	if littleEndian {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&t.slots[0])), 8*ns), raw)
	} else {
		for i := range t.slots {
			p := raw[8*i : 8*i+8]
			t.slots[i] = slot{le.Uint32(p), le.Uint32(p[4:])}
		}
	}
	empty := false
	for i := range t.slots {
		s := &t.slots[i]
		if s.start == 0 {
			empty = true
		} else if s.start > nRules {
			return fmt.Errorf("slot %d range", i)
		} else {
			t.nb++
		}
	}
	if !empty {
		return errors.New("table full")
	}
	t.mask = ns - 1
	raw = rd.bytes(8 * nw)
	t.bits = make([]uint64, nw)
	if littleEndian {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&t.bits[0])), 8*nw), raw)
	} else {
		for i := range t.bits {
			t.bits[i] = le.Uint64(raw[8*i:])
		}
	}
	t.bitMask = 64*nw - 1
	return nil
}

// Load reads an engine serialised by MarshalBinary. It validates the input
// (checksum and every offset) and returns an error, never panics, on
// corrupt bytes.
func Load(data []byte) (*Engine, error) {
	if len(data) < 28 || string(data[:4]) != magic {
		return nil, corrupt("bad header")
	}
	if binary.LittleEndian.Uint32(data[4:8]) != crc32.ChecksumIEEE(data[8:]) {
		return nil, corrupt("checksum mismatch")
	}
	rd := &reader{b: data[8:]}
	nLists, nBlob, nDoms, nAux, nRules := rd.u32(), rd.u32(), rd.u32(), rd.u32(), rd.u32()
	// Every element needs at least one byte: bound counts by the input size.
	if uint64(nLists)*4 > uint64(len(data)) || uint64(nDoms)*8 > uint64(len(data)) ||
		uint64(nAux)*20 > uint64(len(data)) || uint64(nRules)*20 > uint64(len(data)) || nLists > 1<<16 {
		return nil, corrupt("counts exceed input size")
	}
	e := &Engine{lists: make([]string, nLists)}
	for i := range e.lists {
		e.lists[i] = string(rd.bytes(rd.u32()))
	}
	e.blob = string(rd.bytes(nBlob))
	if rd.err != nil {
		return nil, rd.err
	}
	sub := func(off, n uint32) (string, bool) {
		if uint64(off)+uint64(n) > uint64(len(e.blob)) {
			return "", false
		}
		return e.blob[off : off+n], true
	}
	e.doms = make([]string, nDoms)
	for i := range e.doms {
		s, ok := sub(rd.u32(), rd.u32())
		if !ok {
			return nil, corrupt("domain %d outside blob", i)
		}
		e.doms[i] = s
	}
	e.auxes = make([]ruleAux, nAux)
	slab := make([]uint64, nDoms)
	for i := range e.auxes {
		start, ni, ne, lo, ln := rd.u32(), rd.u32(), rd.u32(), rd.u32(), rd.u32()
		if uint64(start)+uint64(ni)+uint64(ne) > uint64(nDoms) {
			return nil, corrupt("aux %d domains out of range", i)
		}
		a := &e.auxes[i]
		a.include = e.doms[start : start+ni : start+ni]
		a.exclude = e.doms[start+ni : start+ni+ne : start+ni+ne]
		a.hashDomains(slab[start : start+ni+ne])
		lit, ok := sub(lo, ln)
		if !ok {
			return nil, corrupt("aux %d literal outside blob", i)
		}
		a.lit = lit
	}
	if rd.err != nil {
		return nil, rd.err
	}
	raw := rd.bytes(20 * nRules)
	if rd.err != nil {
		return nil, rd.err
	}
	e.rules = make([]Rule, nRules)
	le := binary.LittleEndian
	for i := range e.rules {
		p := raw[20*i : 20*i+20]
		r := &e.rules[i]
		s, ok := sub(le.Uint32(p), le.Uint32(p[4:]))
		if !ok {
			return nil, corrupt("rule %d pattern outside blob", i)
		}
		r.pattern = s
		r.flags = le.Uint16(p[8:])
		r.types = Type(le.Uint16(p[10:]))
		r.list = le.Uint16(p[12:])
		r.bloom = le.Uint16(p[14:])
		if r.flags&^(flagMask|fLast) != 0 || (r.flags&(fHostOnly|fRegex) != 0 && r.pattern == "") ||
			(r.flags&fHostOnly != 0 && r.flags&fHostAnchor == 0) {
			return nil, corrupt("rule %d flags %#x", i, r.flags)
		}
		if r.bloom != noBloom && r.bloom >= bloomBits {
			return nil, corrupt("rule %d bloom bit", i)
		}
		if int(r.list) >= len(e.lists) {
			return nil, corrupt("rule %d list index", i)
		}
		if a := le.Uint32(p[16:]); a != 0 {
			if a > nAux {
				return nil, corrupt("rule %d aux index", i)
			}
			r.aux = &e.auxes[a-1]
		}
		if r.flags&fRegex != 0 {
			if r.aux == nil || r.aux.rx != nil {
				return nil, corrupt("rule %d regex without its own aux record", i)
			}
			r.aux.rx = &ruleRegex{src: r.pattern, matchCase: r.flags&fMatchCase != 0}
		}
	}
	for c := range e.idx {
		ix := &e.idx[c]
		ix.anyStart, ix.anyEnd = rd.u32(), rd.u32()
		if rd.err != nil {
			return nil, rd.err
		}
		if ix.anyStart > ix.anyEnd || ix.anyEnd > nRules {
			return nil, corrupt("index %d range", c)
		}
		for k, t := range []*table{&ix.tok, &ix.host} {
			if err := rd.table(t, nRules); err != nil {
				return nil, corrupt("index %d table %d: %v", c, k, err)
			}
		}
	}
	if rd.err != nil {
		return nil, rd.err
	}
	if len(rd.b) != 0 {
		return nil, corrupt("%d trailing bytes", len(rd.b))
	}
	e.byType()
	return e, nil
}
