package rewrite

import (
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Element is the start tag shown to a Handler. It is valid only during the
// callback; copy what you need to keep.
type Element struct {
	r           *Rewriter
	raw         []byte
	name        []byte
	selfClosing bool
	void        bool
	parsed      bool
}

// attrSpan locates an attribute in the raw tag: name [ns,ne), value
// [vs,ve) (without quotes), and end, just past the value's closing quote.
type attrSpan struct{ ns, ne, vs, ve, end int32 }

func (e *Element) reset(raw, name []byte, selfClosing, void bool) {
	e.raw, e.name, e.selfClosing, e.void, e.parsed = raw, name, selfClosing, void, false
}

// Name returns the lower-case tag name (ASCII letters lowered, other bytes
// as they are; names longer than 32 bytes are cut to 32).
func (e *Element) Name() []byte { return e.name }

// Raw returns the start tag bytes as they are in the input.
func (e *Element) Raw() []byte { return e.raw }

// SelfClosing reports whether the tag ends with "/>".
func (e *Element) SelfClosing() bool { return e.selfClosing }

// Void reports whether the element has no content or end tag (an HTML void
// element, or a self-closing tag in SVG/MathML).
func (e *Element) Void() bool { return e.void }

// SetReplacement sets the bytes that replace the element when the handler
// returns Replace, or its start tag for ReplaceTag. b is copied.
func (e *Element) SetReplacement(b []byte) { e.r.repl = append(e.r.repl[:0], b...) }

func (e *Element) parse() {
	if e.parsed {
		return
	}
	e.parsed = true
	e.r.attrs = parseAttrs(e.r.attrs[:0], e.raw)
}

// Attr returns the raw value of the first attribute named name (ASCII
// case-insensitive), entities not decoded. An attribute without a value
// gives an empty value and ok.
func (e *Element) Attr(name string) (value []byte, ok bool) {
	e.parse()
	for _, a := range e.r.attrs {
		if equalFold(e.raw[a.ns:a.ne], name) {
			return e.raw[a.vs:a.ve], true
		}
	}
	return nil, false
}

// HasAttr reports whether the element has an attribute named name.
func (e *Element) HasAttr(name string) bool {
	_, ok := e.Attr(name)
	return ok
}

// AttrDecoded returns the value of attribute name with the common character
// references decoded (&amp; &lt; &gt; &quot; &apos; &nbsp; &sol; &colon;
// &period; &quest; &equals; &num; &percnt; and numeric &#N; &#xH;). Other
// references are left as they are.
// An absent attribute gives "" (use HasAttr to tell it from an empty one).
func (e *Element) AttrDecoded(name string) string {
	v, _ := e.Attr(name)
	return DecodeEntities(v)
}

// Attrs iterates over the attributes (raw name as written, raw value), in
// order, duplicates included.
func (e *Element) Attrs() iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		e.parse()
		for _, a := range e.r.attrs {
			if !yield(e.raw[a.ns:a.ne], e.raw[a.vs:a.ve]) {
				return
			}
		}
	}
}

// WithoutAttr returns a copy of the start tag without every attribute
// named name (ASCII case-insensitive), each with the white space after it;
// every other byte is as it was (the space before a removed attribute stays,
// so an unquoted value before it never runs into a following "/>"; an
// attribute named "=..." right after a removed one goes with it). It
// returns nil when there is no such attribute. Typical use:
// e.SetReplacement(e.WithoutAttr("ping")) and ReplaceTag.
func (e *Element) WithoutAttr(name string) []byte {
	e.parse()
	var out []byte
	last := 0
	for _, a := range e.r.attrs {
		if int(a.ns) == last && last > 0 && e.raw[a.ns] == '=' {
			// An attribute named "=..." right after a removed one would
			// become the value of the attribute before: it goes too.
			last = skipSpace(e.raw, int(a.end))
			continue
		}
		if !equalFold(e.raw[a.ns:a.ne], name) {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(e.raw))
		}
		out = append(out, e.raw[last:a.ns]...)
		last = skipSpace(e.raw, int(a.end))
	}
	if out == nil {
		return nil
	}
	return append(out, e.raw[last:]...)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

// parseAttrs returns the attribute spans of a complete start tag, following
// the tokenizer's attribute states.
func parseAttrs(dst []attrSpan, raw []byte) []attrSpan {
	i := 1
	n := len(raw)
	for i < n && !isSpace(raw[i]) && raw[i] != '/' && raw[i] != '>' {
		i++
	}
	for i < n {
		c := raw[i]
		if isSpace(c) || c == '/' {
			i++
			continue
		}
		if c == '>' {
			break
		}
		// attribute name: first char may be '='
		ns := i
		i++
		for i < n && !isSpace(raw[i]) && raw[i] != '/' && raw[i] != '>' && raw[i] != '=' {
			i++
		}
		a := attrSpan{ns: int32(ns), ne: int32(i), vs: int32(i), ve: int32(i)}
		j := i
		for j < n && isSpace(raw[j]) {
			j++
		}
		if j < n && raw[j] == '=' {
			j++
			for j < n && isSpace(raw[j]) {
				j++
			}
			switch {
			case j >= n || raw[j] == '>':
				a.vs, a.ve = int32(j), int32(j)
				i = j
			case raw[j] == '"' || raw[j] == '\'':
				q := raw[j]
				k := j + 1
				for k < n && raw[k] != q {
					k++
				}
				a.vs, a.ve = int32(j+1), int32(k)
				i = k + 1
			default:
				k := j
				for k < n && !isSpace(raw[k]) && raw[k] != '>' {
					k++
				}
				a.vs, a.ve = int32(j), int32(k)
				i = k
			}
		}
		a.end = int32(min(i, n)) // an unclosed quote runs to the end
		dst = append(dst, a)
	}
	return dst
}

var named = map[string]string{
	"amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u00a0",
	"sol": "/", "colon": ":", "period": ".", "quest": "?", "equals": "=", "num": "#", "percnt": "%",
}

// DecodeEntities decodes the common character references in an attribute
// value (see Element.AttrDecoded). Numeric references to 0, surrogates or
// values past U+10FFFF become U+FFFD.
func DecodeEntities(v []byte) string {
	amp := -1
	for i, c := range v {
		if c == '&' {
			amp = i
			break
		}
	}
	if amp < 0 {
		return string(v)
	}
	var b strings.Builder
	b.Grow(len(v))
	b.Write(v[:amp])
	for i := amp; i < len(v); {
		c := v[i]
		if c != '&' {
			b.WriteByte(c)
			i++
			continue
		}
		j := i + 1
		if j < len(v) && v[j] == '#' {
			j++
			hex := j < len(v) && (v[j] == 'x' || v[j] == 'X')
			if hex {
				j++
			}
			k := j
			for k < len(v) && k-j < 8 && (v[k] >= '0' && v[k] <= '9' || hex && isHex(v[k])) {
				k++
			}
			if k > j {
				base := 10
				if hex {
					base = 16
				}
				n, err := strconv.ParseUint(string(v[j:k]), base, 32)
				if err != nil || n == 0 || n > utf8.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
					n = utf8.RuneError
				}
				b.WriteRune(rune(n))
				if k < len(v) && v[k] == ';' {
					k++
				}
				i = k
				continue
			}
		} else {
			k := j
			for k < len(v) && k-j < 8 && isAlpha(v[k]) {
				k++
			}
			if k < len(v) && v[k] == ';' {
				if s, ok := named[string(v[j:k])]; ok {
					b.WriteString(s)
					i = k + 1
					continue
				}
			} else if k > j && (string(v[j:k]) == "amp" || string(v[j:k]) == "lt" || string(v[j:k]) == "gt" || string(v[j:k]) == "quot") {
				b.WriteString(named[string(v[j:k])])
				i = k
				continue
			}
		}
		b.WriteByte('&')
		i++
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || (c|0x20) >= 'a' && (c|0x20) <= 'f'
}
