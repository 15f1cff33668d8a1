//go:build wasm

package filter

import "math/bits"

// contains reports whether p occurs in s. Under wasm strings.Contains has
// no vector code; this scans for p's first byte eight bytes at a time (SWAR)
// and compares the candidates.
func contains(s, p string) bool {
	n := len(p)
	switch {
	case n == 0:
		return true
	case n > len(s):
		return false
	}
	const ones = 0x0101010101010101
	c0 := p[0]
	pat := uint64(c0) * ones
	last := len(s) - n // candidate starts are 0..last
	i := 0
	for ; i+8 <= last+1; i += 8 {
		x := load64(s, i) ^ pat
		// 0x80 in the bytes of x that are zero (and possibly in bytes after
		// a zero one: candidates are verified).
		m := (x - ones) &^ x & (0x80 * ones)
		for m != 0 {
			j := i + bits.TrailingZeros64(m)>>3
			if s[j:j+n] == p {
				return true
			}
			m &= m - 1
		}
	}
	for ; i <= last; i++ {
		if s[i] == c0 && s[i:i+n] == p {
			return true
		}
	}
	return false
}
