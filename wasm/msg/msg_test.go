package msg

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

type cat uint8

func (c cat) String() string { return "analytics" }

var args = []any{
	"", "host.example", "quote\"and\\back\n", "ünï", 0, 7, -42, 1 << 40, int8(-3), int16(300), int32('é'), int64(-1 << 40),
	uint(9), uint8('a'), uint8(0x7f), uint16(65535), uint32(0x1F600), uint64(1 << 63), 'x', rune(0x10FFFF + 1),
	true, false, io.EOF, errors.New("bad \"thing\""), cat(3),
}

func TestSprintfMatchesFmt(t *testing.T) {
	for _, verb := range []string{"%s", "%v", "%d", "%q", "%x", "%X", "%#x", "%U", "%w"} {
		for _, a := range args {
			switch a.(type) {
			case error, fmt.Stringer:
				if verb == "%d" || verb == "%U" {
					if got := Sprintf(verb, a); got[:2] != "%!" {
						t.Errorf("Sprintf(%q, %T) = %q, want a %%! marker", verb, a, got)
					}
					continue // fmt reads the underlying value by reflection
				}
			}
			format := "<" + verb + ">"
			want := fmt.Sprintf(format, a)
			if verb == "%w" {
				if _, isErr := a.(error); !isErr {
					continue // fmt.Sprintf has no %w; Errorf below covers it
				}
				want = fmt.Errorf(format, a).Error()
			}
			if got := Sprintf(format, a); got != want {
				t.Errorf("Sprintf(%q, %T(%v)) = %q, fmt says %q", format, a, a, got, want)
			}
		}
	}
}

func TestSprintfEdges(t *testing.T) {
	for _, tc := range []struct {
		format string
		args   []any
	}{
		{"plain", nil},
		{"100%%", nil},
		{"%s:%d: %q", []any{"list.txt", 12, "x"}},
		{"missing %s and %d", []any{"one"}},
		{"extra", []any{"one", 2}},
		{"trailing %", nil},
		{"nil %v", []any{nil}},
		{"nil %s", []any{nil}},
		{"bool %d", []any{true}},
		{"string %d", []any{"x"}},
		{"int %s", []any{5}},
	} {
		want := fmt.Sprintf(tc.format, tc.args...)
		if got := Sprintf(tc.format, tc.args...); got != want {
			t.Errorf("Sprintf(%q, %v) = %q, fmt says %q", tc.format, tc.args, got, want)
		}
	}
}

func TestErrorfWraps(t *testing.T) {
	base := errors.New("base")
	other := io.EOF
	one := Errorf("file:%d: %w", 3, base)
	if one.Error() != fmt.Errorf("file:%d: %w", 3, base).Error() || !errors.Is(one, base) {
		t.Errorf("Errorf with %%w: %q, Is(base) = %v", one, errors.Is(one, base))
	}
	two := Errorf("%w and %w", base, other)
	if two.Error() != "base and EOF" || !errors.Is(two, base) || !errors.Is(two, io.EOF) {
		t.Errorf("Errorf with two %%w: %q", two)
	}
	none := Errorf("%v", base)
	if errors.Is(none, base) || none.Error() != "base" {
		t.Errorf("%%v must not wrap: %q, Is = %v", none, errors.Is(none, base))
	}
}

// FuzzSprintf builds formats from the supported verbs and literal text and
// checks the result against fmt for string, integer and rune arguments.
func FuzzSprintf(f *testing.F) {
	f.Add([]byte("a%sb%dc%q"), "host", 12, int32('x'))
	f.Add([]byte("%U%#x%X%%%v"), "", -1, int32(-5))
	f.Fuzz(func(t *testing.T, spec []byte, s string, n int, r int32) {
		verbs := []string{"%s", "%v", "%d", "%q", "%x", "%X", "%#x", "%U", "%%"}
		var format []byte
		for _, c := range spec {
			if c%3 == 0 {
				format = append(format, verbs[int(c/3)%len(verbs)]...)
			} else if c != '%' {
				format = append(format, c)
			}
		}
		all := []any{s, n, r, uint8(n), int64(n), uint64(n)}
		for i := range all {
			a := all[i:]
			if got, want := Sprintf(string(format), a...), fmt.Sprintf(string(format), a...); got != want {
				t.Fatalf("Sprintf(%q, %v) = %q, fmt says %q", format, a, got, want)
			}
		}
	})
}

func ExampleErrorf() {
	err := Errorf("%s:%d: host %q: %w", "trackers.txt", 12, "a..b", errors.New("empty label"))
	fmt.Println(err)
	fmt.Println(errors.Unwrap(err))
	// Output:
	// trackers.txt:12: host "a..b": empty label
	// empty label
}
