package site

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/consentguard/consentguard/wasm/msg"
)

// ToASCII converts a host name to its ASCII form: ASCII letters are
// lower-cased, and each label holding non-ASCII characters is lower-cased
// with unicode.ToLower and encoded as "xn--" + Punycode (RFC 3492).
// The ideographic full stops U+3002, U+FF0E and U+FF61 separate labels, and
// full-width ASCII (U+FF01..U+FF5E) becomes ASCII, as in UTS #46.
//
// Host uses ToASCII for Unicode hosts. It replaces golang.org/x/net/idna
// (Lookup profile), whose tables would triple the size of the wasm core, and
// gives the same result for hosts in Normalization Form C made of letters,
// marks, digits and symbols — the names browsers and people write. The
// differences to full IDNA2008/UTS #46 processing:
//
//   - no Unicode normalisation (NFC) and no compatibility mapping beyond
//     full-width ASCII: "mu\u0308nchen" (decomposed ü), ligatures such as
//     "ﬁ", superscripts or circled letters are encoded as written, where UTS #46
//     maps them first; browsers hand over URLs already in ASCII, so this only
//     matters for hand-written input;
//   - case mapping is unicode.ToLower, not case folding: "İ" becomes "i" (UTS #46:
//     "i̇"), "ẞ" becomes "ß";
//   - no Bidi rule (RFC 5893), no CONTEXTJ/CONTEXTO rules (ZWJ, ZWNJ, middle
//     dots are accepted anywhere), no check of existing "xn--" labels and no
//     STD3 check of all-ASCII labels (they are treated like the rest of Host);
//   - characters UTS #46 ignores (soft hyphen U+00AD, variation selectors) are
//     rejected instead of removed.
//
// ToASCII rejects invalid UTF-8 and runes other than letters, marks, numbers
// and symbols (plus the IDNA context characters U+00B7, U+0375, U+05F3,
// U+05F4, U+30FB, U+200C, U+200D): controls, spaces, punctuation, private use,
// unassigned code points. A label to be encoded must not begin or end with
// "-", must not have "--" in positions 3-4 and, after lower-casing, may hold
// only [a-z0-9-] besides non-ASCII runes.
func ToASCII(host string) (string, error) {
	ascii := true
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(host), nil
	}
	var stack [256]byte
	out := stack[:0]
	for start, label := range splitLabels(host) {
		if start > 0 {
			out = append(out, '.')
		}
		var err error
		out, err = appendLabel(out, label)
		if err != nil {
			return "", msg.Errorf("host %q: label %q: %w", host, label, err)
		}
	}
	return string(out), nil
}

// splitLabels yields the labels of host split at '.' and at the ideographic
// full stops, with a running label number.
func splitLabels(host string) func(func(int, string) bool) {
	return func(yield func(int, string) bool) {
		n, start := 0, 0
		for i := 0; i < len(host); {
			r, size := utf8.DecodeRuneInString(host[i:])
			if r == '.' || r == '\u3002' || r == '\uff0e' || r == '\uff61' {
				if !yield(n, host[start:i]) {
					return
				}
				n++
				start = i + size
			}
			i += size
		}
		yield(n, host[start:])
	}
}

// appendLabel appends the ASCII form of one label.
func appendLabel(out []byte, label string) ([]byte, error) {
	nonASCII := false
	var lower [252]byte
	low := lower[:0]
	for i := 0; i < len(label); {
		r, size := utf8.DecodeRuneInString(label[i:])
		if r == utf8.RuneError && size <= 1 {
			return out, msg.Errorf("invalid UTF-8 at byte %d", i)
		}
		if r >= 0xff01 && r <= 0xff5e {
			r -= 0xfee0 // full-width ASCII
		}
		r = unicode.ToLower(r)
		if r >= 0x80 {
			if !idnRune(r) {
				return out, msg.Errorf("rune %U at byte %d not allowed in a host name", r, i)
			}
			nonASCII = true
		}
		low = utf8.AppendRune(low, r)
		i += size
	}
	if !nonASCII {
		return append(out, low...), nil
	}
	s := string(low) // does not escape: appendPunycode only reads it
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return out, msg.Errorf("character %q not allowed in an internationalised label", c)
		}
	}
	switch {
	case s[0] == '-' || s[len(s)-1] == '-':
		return out, errors.New("label begins or ends with a hyphen")
	case len(s) >= 4 && s[2] == '-' && s[3] == '-':
		return out, errors.New(`label has "--" in positions 3 and 4`)
	}
	out = append(out, "xn--"...)
	return appendPunycode(out, s)
}

// idnRune reports whether a non-ASCII rune (already lower-cased) may appear
// in an internationalised label.
func idnRune(r rune) bool {
	switch r {
	case 0x00b7, 0x0375, 0x05f3, 0x05f4, 0x30fb, 0x200c, 0x200d:
		return true
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.S)
}

// Punycode parameters (RFC 3492 section 5).
const (
	pBase        = 36
	pTMin        = 1
	pTMax        = 26
	pSkew        = 38
	pDamp        = 700
	pInitialBias = 72
	pInitialN    = 128
)

var errOverflow = errors.New("punycode overflow")

// appendPunycode appends the Punycode encoding (RFC 3492 section 6.3) of s,
// which must be valid UTF-8, without the "xn--" prefix.
func appendPunycode(dst []byte, s string) ([]byte, error) {
	const maxInt = 1<<31 - 1
	total, basic := 0, 0
	for _, r := range s {
		total++
		if r < 0x80 {
			dst = append(dst, byte(r))
			basic++
		}
	}
	if basic > 0 {
		dst = append(dst, '-')
	}
	n, delta, bias := rune(pInitialN), 0, pInitialBias
	for h := basic; h < total; {
		m := rune(maxInt)
		for _, r := range s {
			if r >= n && r < m {
				m = r
			}
		}
		if int(m-n) > (maxInt-delta)/(h+1) {
			return dst, errOverflow
		}
		delta += int(m-n) * (h + 1)
		n = m
		for _, r := range s {
			if r < n {
				if delta++; delta > maxInt-1 {
					return dst, errOverflow
				}
			}
			if r != n {
				continue
			}
			q := delta
			for k := pBase; ; k += pBase {
				t := k - bias
				if t < pTMin {
					t = pTMin
				} else if t > pTMax {
					t = pTMax
				}
				if q < t {
					break
				}
				dst = append(dst, punyDigit(t+(q-t)%(pBase-t)))
				q = (q - t) / (pBase - t)
			}
			dst = append(dst, punyDigit(q))
			bias = adapt(delta, h+1, h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return dst, nil
}

func punyDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func adapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pBase-pTMin)*pTMax)/2 {
		delta /= pBase - pTMin
		k += pBase
	}
	return k + (pBase-pTMin+1)*delta/(delta+pSkew)
}
