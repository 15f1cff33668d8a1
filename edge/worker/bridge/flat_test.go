package bridge

import (
	"net/http"
	"strings"
	"testing"
)

func TestParseFlat(t *testing.T) {
	h := parseFlat("content-type\ntext/html\nx-a\n1, 2\nx-a\n3\n\x00a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT\nb=2")
	if h.Get("Content-Type") != "text/html" || len(h["X-A"]) != 2 || h["X-A"][0] != "1, 2" {
		t.Errorf("headers %v", h)
	}
	if c := h["Set-Cookie"]; len(c) != 2 || c[0] != "a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT" {
		t.Errorf("cookies %q", c)
	}
	if len(parseFlat("\x00")) != 0 || len(parseFlat("")) != 0 {
		t.Errorf("empty input gave headers")
	}
}

// FuzzFlat checks that headerString and parseFlat round-trip any header
// set without CR/LF/NUL (names canonicalised, values unsplit and in order),
// and that the Set-Cookie part after NUL yields each cookie whole.
func FuzzFlat(f *testing.F) {
	f.Add("Content-Type", "text/html", "a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT")
	f.Add("x-a", "1, 2", "")
	f.Add("", "\n", "\x00")
	f.Fuzz(func(t *testing.T, k, v, cookie string) {
		bad := func(s string) bool { return strings.ContainsAny(s, "\r\n\x00") }
		h := http.Header{}
		if k != "" && !bad(k) {
			h[http.CanonicalHeaderKey(k)] = []string{v, v + ","}
		}
		s := headerString(h)
		if !bad(cookie) && cookie != "" {
			s += "\x00" + cookie + "\n" + cookie
		}
		got := parseFlat(s)
		for key, vs := range h {
			if bad(vs[0]) {
				if len(got[key]) != 0 {
					t.Fatalf("value with CR/LF not dropped: %q", got[key])
				}
				continue
			}
			if strings.Join(got[key], "\x00") != strings.Join(vs, "\x00") {
				t.Fatalf("round trip %q: got %q, want %q", key, got[key], vs)
			}
		}
		if !bad(cookie) && cookie != "" {
			c := got["Set-Cookie"]
			if len(c) != 2 || c[0] != cookie || c[1] != cookie {
				t.Fatalf("cookies %q, want 2 x %q", c, cookie)
			}
		}
	})
}

func BenchmarkParseFlat(b *testing.B) {
	s := "content-type\ntext/html; charset=utf-8\ncache-control\nno-store\ndate\nWed, 02 Dec 2026 11:00:00 GMT\nserver\nnginx\nvary\nAccept-Encoding\n\x00a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT\nb=2; Path=/"
	b.ReportAllocs()
	for b.Loop() {
		_ = parseFlat(s)
	}
}

func BenchmarkHeaderString(b *testing.B) {
	h := http.Header{"Content-Type": {"text/html"}, "Cache-Control": {"no-store"}, "Set-Cookie": {"a=1; Path=/", "b=2"}, "Server-Timing": {"cg;dur=1.2"}}
	b.ReportAllocs()
	for b.Loop() {
		_ = headerString(h)
	}
}
