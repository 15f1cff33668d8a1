// Package msg formats messages and errors like fmt.Sprintf and fmt.Errorf
// for the verbs and argument types the core's parsers use, without
// reflection, so that the extension's core (guard.wasm) does not link fmt,
// whose printer, reflect and time formatting add about 90 KB gzip.
//
// Verbs: %s %v %d %q %x %X %U %w and %%, with the '#' flag for %x; no
// width or precision. Arguments: string, bool, the built-in integer types,
// and errors and anything with a String() string method under the string
// verbs (%s %v %q %x %X). For these the output is exactly fmt's (msg_test.go
// compares the two); anything else prints a "%!verb(...)" marker, as fmt
// does for a verb that does not fit.
package msg

import (
	"strconv"
	"unicode/utf8"
)

type stringer interface{ String() string }

// Sprintf formats like fmt.Sprintf.
func Sprintf(format string, args ...any) string {
	b, _ := appendf(nil, format, args)
	return string(b)
}

// Errorf formats like fmt.Errorf: the error's message is Sprintf's, and
// the arguments of %w verbs are what errors.Is and errors.As unwrap to.
func Errorf(format string, args ...any) error {
	b, wrapped := appendf(nil, format, args)
	switch len(wrapped) {
	case 0:
		return &plain{string(b)}
	case 1:
		return &wrap{string(b), wrapped[0]}
	}
	return &wrapMany{string(b), wrapped}
}

type plain struct{ s string }

func (e *plain) Error() string { return e.s }

type wrap struct {
	s   string
	err error
}

func (e *wrap) Error() string { return e.s }
func (e *wrap) Unwrap() error { return e.err }

type wrapMany struct {
	s    string
	errs []error
}

func (e *wrapMany) Error() string   { return e.s }
func (e *wrapMany) Unwrap() []error { return e.errs }

func appendf(b []byte, format string, args []any) ([]byte, []error) {
	var wrapped []error
	n := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		i++
		if i == len(format) {
			b = append(b, "%!(NOVERB)"...)
			break
		}
		sharp := false
		if format[i] == '#' && i+1 < len(format) {
			sharp = true
			i++
		}
		verb := format[i]
		if verb == '%' {
			b = append(b, '%')
			continue
		}
		if n >= len(args) {
			b = append(b, '%', '!', verb)
			b = append(b, "(MISSING)"...)
			continue
		}
		a := args[n]
		n++
		if verb == 'w' {
			if err, ok := a.(error); ok {
				wrapped = append(wrapped, err)
			}
			verb = 'v'
		}
		b = appendArg(b, verb, sharp, a)
	}
	if n < len(args) {
		b = append(b, "%!(EXTRA "...)
		for i, a := range args[n:] {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, typeName(a)...)
			b = append(b, '=')
			b = appendArg(b, 'v', false, a)
		}
		b = append(b, ')')
	}
	return b, wrapped
}

func appendArg(b []byte, verb byte, sharp bool, a any) []byte {
	if a == nil {
		if verb == 'v' {
			return append(b, "<nil>"...)
		}
		return append(b, "%!"+string(verb)+"(<nil>)"...)
	}
	if i, u, neg, ok := integer(a); ok {
		return appendInt(b, verb, sharp, i, u, neg, a)
	}
	var s string
	switch v := a.(type) {
	case error:
		s = v.Error()
	case stringer:
		s = v.String()
	case string:
		s = v
	case bool:
		if verb != 'v' && verb != 't' {
			return bad(b, verb, a)
		}
		return strconv.AppendBool(b, v)
	default:
		return append(b, "%!"+string(verb)+"(unsupported)"...)
	}
	switch verb {
	case 'v', 's':
		return append(b, s...)
	case 'q':
		return strconv.AppendQuote(b, s)
	case 'x', 'X':
		if sharp && s != "" {
			b = append(b, '0', verb)
		}
		const lower, upper = "0123456789abcdef", "0123456789ABCDEF"
		digits := lower
		if verb == 'X' {
			digits = upper
		}
		for i := 0; i < len(s); i++ {
			b = append(b, digits[s[i]>>4], digits[s[i]&15])
		}
		return b
	}
	return bad(b, verb, a)
}

func appendInt(b []byte, verb byte, sharp bool, i int64, u uint64, neg bool, a any) []byte {
	switch verb {
	case 'v', 'd':
		if neg {
			return strconv.AppendInt(b, i, 10)
		}
		return strconv.AppendUint(b, u, 10)
	case 'x', 'X':
		if neg {
			b = append(b, '-')
			u = uint64(-i)
		}
		if sharp {
			b = append(b, '0', verb)
		}
		start := len(b)
		b = strconv.AppendUint(b, u, 16)
		if verb == 'X' {
			for j := start; j < len(b); j++ {
				if b[j] >= 'a' {
					b[j] -= 'a' - 'A'
				}
			}
		}
		return b
	case 'q':
		if neg || u > utf8.MaxRune {
			return strconv.AppendQuoteRune(b, utf8.RuneError)
		}
		return strconv.AppendQuoteRune(b, rune(u))
	case 'U':
		b = append(b, "U+"...)
		h := strconv.FormatUint(u, 16)
		for j := len(h); j < 4; j++ {
			b = append(b, '0')
		}
		for j := 0; j < len(h); j++ {
			c := h[j]
			if c >= 'a' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
		}
		return b
	}
	return bad(b, verb, a)
}

// bad writes fmt's "%!verb(type=value)" for a verb the type does not take.
func bad(b []byte, verb byte, a any) []byte {
	b = append(b, '%', '!', verb, '(')
	b = append(b, typeName(a)...)
	b = append(b, '=')
	b = appendArg(b, 'v', false, a)
	return append(b, ')')
}

// integer returns a built-in integer's value: i for signed types, u for
// unsigned ones and non-negative signed ones, neg when it is negative.
func integer(a any) (i int64, u uint64, neg, ok bool) {
	switch v := a.(type) {
	case int:
		i = int64(v)
	case int8:
		i = int64(v)
	case int16:
		i = int64(v)
	case int32:
		i = int64(v)
	case int64:
		i = v
	case uint:
		return 0, uint64(v), false, true
	case uint8:
		return 0, uint64(v), false, true
	case uint16:
		return 0, uint64(v), false, true
	case uint32:
		return 0, uint64(v), false, true
	case uint64:
		return 0, v, false, true
	case uintptr:
		return 0, uint64(v), false, true
	default:
		return 0, 0, false, false
	}
	return i, uint64(i), i < 0, true
}

func typeName(a any) string {
	switch a.(type) {
	case int:
		return "int"
	case int8:
		return "int8"
	case int16:
		return "int16"
	case int32:
		return "int32"
	case int64:
		return "int64"
	case uint:
		return "uint"
	case uint8:
		return "uint8"
	case uint16:
		return "uint16"
	case uint32:
		return "uint32"
	case uint64:
		return "uint64"
	case uintptr:
		return "uintptr"
	case string:
		return "string"
	case bool:
		return "bool"
	}
	return "?"
}
