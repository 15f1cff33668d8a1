package site

import (
	"net/url"
	"strings"
	"testing"
)

func TestHost(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.Example.COM/path?q=1#f", "www.example.com"},
		{"http://a.b.c:8080/x", "a.b.c"},
		{"https://user:pw@host.example/", "host.example"},
		{"//cdn.example.net/lib.js", "cdn.example.net"},
		{"cdn.example.net/lib.js", "cdn.example.net"},
		{"localhost:8080/x", "localhost"},
		{"https://[2001:db8::1]:443/", "2001:db8::1"},
		{"http://127.0.0.1/", "127.0.0.1"},
		{"https://bücher.example/", "xn--bcher-kva.example"},
		{"https://xn--bcher-kva.example/", "xn--bcher-kva.example"},
		{"https://example.com./", "example.com"},
		{"https://example.com?x", "example.com"},
		{"https://example.com#x", "example.com"},
		{"wss://socket.example/ws", "socket.example"},
		{"  https://trim.example/", "trim.example"},
		{"/relative/path", ""},
		{"?q", ""},
		{"", ""},
		{"data:image/png;base64,AAAA", ""},
		{"javascript:alert(1)", ""},
		{"about:blank", ""},
		{"mailto:a@b.c", ""},
		{"https://", ""},
		{"https://[::1", ""},
		{"https://bad host/", ""},
	}
	for _, tc := range tests {
		if got := Host(tc.in); got != tc.want {
			t.Errorf("Host(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDomain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"www.bbc.co.uk", "bbc.co.uk"},
		{"bbc.co.uk", "bbc.co.uk"},
		{"co.uk", "co.uk"},
		{"a.b.c.example.com", "example.com"},
		{"foo.github.io", "foo.github.io"},
		{"x.foo.github.io", "foo.github.io"},
		{"localhost", "localhost"},
		{"127.0.0.1", "127.0.0.1"},
		{"2001:db8::1", "2001:db8::1"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := Domain(tc.in); got != tc.want {
			t.Errorf("Domain(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestThirdParty(t *testing.T) {
	tests := []struct {
		req, page string
		want      bool
	}{
		{"www.google-analytics.com", "news.example", true},
		{"static.news.example", "www.news.example", false},
		{"a.github.io", "b.github.io", true},
		{"x.example", "", false},
		{"127.0.0.1", "127.0.0.1", false},
		{"127.0.0.1", "127.0.0.2", true},
	}
	for _, tc := range tests {
		if got := ThirdParty(tc.req, tc.page); got != tc.want {
			t.Errorf("ThirdParty(%q, %q) = %v", tc.req, tc.page, got)
		}
	}
}

func TestWithin(t *testing.T) {
	if !Within("a.example.com", "example.com") || !Within("example.com", "example.com") {
		t.Error("Within misses a subdomain or itself")
	}
	if Within("badexample.com", "example.com") || Within("com", "example.com") {
		t.Error("Within matches a non-subdomain")
	}
}

func TestAllocs(t *testing.T) {
	u := "https://www.google-analytics.com/g/collect?v=2&tid=G-1"
	n := testing.AllocsPerRun(100, func() {
		h := Host(u)
		_ = ThirdParty(h, "news.example.co.uk")
	})
	if n != 0 {
		t.Fatalf("Host+ThirdParty allocate %v times, want 0", n)
	}
}

func BenchmarkHostDomain(b *testing.B) {
	b.ReportAllocs()
	u := "https://securepubads.g.doubleclick.net/tag/js/gpt.js"
	for i := 0; i < b.N; i++ {
		_ = Domain(Host(u))
	}
}

// FuzzHost checks Host against net/url for the URLs net/url accepts.
func FuzzHost(f *testing.F) {
	for _, s := range []string{"https://a.example/x", "http://[::1]:80/", "https://u@h.example:1/", "//x.y/z", "HTTPS://UP.EXAMPLE", "https://bücher.example/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := Host(s)
		if h != strings.ToLower(h) && !strings.Contains(h, ":") {
			t.Fatalf("Host(%q) = %q is not lower case", s, h)
		}
		if strings.ContainsAny(h, "/?#@ ") {
			t.Fatalf("Host(%q) = %q holds a delimiter", s, h)
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" {
			return
		}
		if strings.ContainsAny(s, "\\\t\r\n ") || strings.HasSuffix(u.Hostname(), ".") {
			return // browsers and net/url differ on these; Host follows browsers
		}
		want := strings.ToLower(u.Hostname())
		if want == "" || h == "" {
			return
		}
		for i := 0; i < len(want); i++ {
			if want[i] >= 0x80 || want[i] == '%' {
				return // IDN: Host gives punycode
			}
		}
		if h != want {
			t.Fatalf("Host(%q) = %q, net/url says %q", s, h, want)
		}
		// Domain is a suffix of the host.
		if d := Domain(h); !Within(h, d) {
			t.Fatalf("Domain(%q) = %q is not a suffix", h, d)
		}
	})
}
