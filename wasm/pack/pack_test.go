package pack

import (
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var w Writer
	w.Uint(0)
	w.Uint(300)
	w.Uint(1<<64 - 1)
	w.Int(-5) // written as 0
	w.String("")
	w.String("héllo")
	w.Bool(true)
	w.Bool(false)
	w.Ref("a.example")
	w.Ref("b")
	w.Ref("a.example")
	r := NewReader(string(w.B))
	if v := r.Uint(); v != 0 {
		t.Errorf("Uint = %d, want 0", v)
	}
	if v := r.Int(1000); v != 300 {
		t.Errorf("Int = %d, want 300", v)
	}
	if v := r.Uint(); v != 1<<64-1 {
		t.Errorf("Uint = %d, want max", v)
	}
	if v := r.Int(10); v != 0 {
		t.Errorf("Int = %d, want 0", v)
	}
	if s := r.String(); s != "" {
		t.Errorf("String = %q", s)
	}
	if s := r.String(); s != "héllo" {
		t.Errorf("String = %q", s)
	}
	if !r.Bool() || r.Bool() {
		t.Error("Bool round trip")
	}
	if a, b, c := r.Ref(), r.Ref(), r.Ref(); a != "a.example" || b != "b" || c != "a.example" {
		t.Errorf("Ref = %q %q %q", a, b, c)
	}
	r.End()
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	if n := len(w.B); n != 39 {
		t.Errorf("written %d bytes, want 39 (a repeated Ref is one byte)", n)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		read     func(*Reader)
		want     string
	}{
		{"truncated number", "\x80", func(r *Reader) { r.Uint() }, "byte 1: truncated number"},
		{"number too long", strings.Repeat("\xff", 11), func(r *Reader) { r.Uint() }, "number too long"},
		{"not shortest", "\x80\x00", func(r *Reader) { r.Uint() }, "byte 2: number not in its shortest form"},
		{"above max", "\x05", func(r *Reader) { r.Int(4) }, "byte 1: value 5 above 4"},
		{"string past end", "\x05ab", func(r *Reader) { _ = r.String() }, "byte 1: string of 5 bytes, 2 left"},
		{"unknown ref", "\x00\x01a\x02", func(r *Reader) { r.Ref(); r.Ref() }, "byte 4: string #2 of 1"},
		{"not a boolean", "\x02", func(r *Reader) { r.Bool() }, "not a boolean"},
		{"left over", "\x01\x02", func(r *Reader) { r.Uint(); r.End() }, "byte 1: 1 bytes left over"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(tc.in)
			tc.read(r)
			if r.Err() == nil || !strings.Contains(r.Err().Error(), tc.want) {
				t.Fatalf("err = %v, want %q", r.Err(), tc.want)
			}
			// Later reads return zero values and keep the first error.
			first := r.Err()
			if r.Uint() != 0 || r.String() != "" || r.Err() != first {
				t.Fatal("reads after an error must return zero values and keep the first error")
			}
		})
	}
}

func FuzzReader(f *testing.F) {
	f.Add("\x03abc\x01\x80\x01")
	f.Add("\xff\xff")
	f.Fuzz(func(t *testing.T, s string) {
		r := NewReader(s)
		for i := 0; i < 64 && r.Err() == nil && r.Rest() > 0; i++ {
			before := r.Rest()
			switch i % 4 {
			case 3:
				_ = r.Ref()
			case 0:
				_ = r.String()
			case 1:
				r.Uint()
			case 2:
				r.Count()
			}
			if r.Err() == nil && r.Rest() >= before {
				t.Fatalf("a successful read consumed nothing (rest %d)", r.Rest())
			}
			if r.Rest() < 0 {
				t.Fatal("read past the end")
			}
		}
	})
}
