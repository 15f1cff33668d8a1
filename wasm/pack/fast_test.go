package pack

import (
	"fmt"
	"testing"
)

// TestFastPathsAgree: Uint, Ref, Int, Count and String, whose one- and
// two-byte numbers are read inline, give what their general paths give (value,
// bytes consumed, error) for every input of one or two bytes followed by
// a few more, against string tables of several sizes.
func TestFastPathsAgree(t *testing.T) {
	var inputs []string
	tail := "abc\x01\x00"
	for b0 := 0; b0 < 256; b0++ {
		inputs = append(inputs, string([]byte{byte(b0)}), string([]byte{byte(b0)})+tail)
		for b1 := 0; b1 < 256; b1++ {
			inputs = append(inputs, string([]byte{byte(b0), byte(b1)}), string([]byte{byte(b0), byte(b1)})+tail)
		}
	}
	tables := [][]string{nil, {"a", "b", "c"}}
	for _, n := range []int{127, 128, 300, 20000} {
		tab := make([]string, n)
		for i := range tab {
			tab[i] = fmt.Sprint("s", i)
		}
		tables = append(tables, tab)
	}
	type st struct {
		off, refs int
		err       string
	}
	state := func(r *Reader) st {
		e := ""
		if r.err != nil {
			e = r.err.Error()
		}
		return st{r.off, len(r.refs), e}
	}
	for _, s := range inputs {
		for _, tab := range tables {
			fast, slow := &Reader{s: s, refs: tab[:len(tab):len(tab)]}, &Reader{s: s, refs: tab[:len(tab):len(tab)]}
			if a, b := fast.Ref(), slow.refSlow(); a != b || state(fast) != state(slow) {
				t.Fatalf("Ref(%q) with %d strings: %q, %+v; general path %q, %+v", s, len(tab), a, state(fast), b, state(slow))
			}
		}
		for _, max := range []int{0, 1, 100, 127, 128, 200, 16383, 16384, 1 << 30} {
			fast, slow := NewReader(s), NewReader(s)
			if a, b := fast.Int(max), slow.intSlow(max); a != b || state(fast) != state(slow) {
				t.Fatalf("Int(%q, %d) = %d, %+v; general path %d, %+v", s, max, a, state(fast), b, state(slow))
			}
		}
		fast, slow := NewReader(s), NewReader(s)
		if a, b := fast.Uint(), slow.uintSlow(); a != b || state(fast) != state(slow) {
			t.Fatalf("Uint(%q) = %d, %+v; general path %d, %+v", s, a, state(fast), b, state(slow))
		}
		fast, slow = NewReader(s), NewReader(s)
		if a, b := fast.Count(), countSlow(slow); a != b || state(fast) != state(slow) {
			t.Fatalf("Count(%q) = %d, %+v; general path %d, %+v", s, a, state(fast), b, state(slow))
		}
		fast, slow = NewReader(s), NewReader(s)
		if a, b := fast.String(), stringSlow(slow); a != b || state(fast) != state(slow) {
			t.Fatalf("String(%q) = %q, %+v; general path %q, %+v", s, a, state(fast), b, state(slow))
		}
	}
}

// countSlow and stringSlow are Count and String without their inline
// paths.
func countSlow(r *Reader) int {
	v := r.uintSlow()
	if r.err == nil && v > uint64(r.Rest()) {
		r.Fail(fmt.Sprintf("count %d, %d bytes left", v, r.Rest()))
		return 0
	}
	return int(v)
}

func stringSlow(r *Reader) string {
	v := r.uintSlow()
	if r.err == nil && v > uint64(r.Rest()) {
		r.Fail(fmt.Sprintf("string of %d bytes, %d left", v, r.Rest()))
	}
	if r.err != nil {
		return ""
	}
	n := int(v)
	s := r.s[r.off : r.off+n]
	r.off += n
	return s
}
