package tracker

import (
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/catalog"
)

// referenceHost is the obvious, slow implementation of Host: scan every host
// entry and keep the longest one that equals host or is a parent domain.
func referenceHost(db *DB, host string) (string, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	best := ""
	for _, e := range db.hostList {
		p := e.pattern
		if host == p || strings.HasSuffix(host, "."+p) {
			if len(p) > len(best) {
				best = p
			}
		}
	}
	return best, best != ""
}

// FuzzHost checks Host against the reference scan on the shipped lists, that
// it ignores ASCII case, and that a subdomain "a."+h of a matching host h
// gets the same answer unless "a."+h is itself listed. URL must not panic
// and must agree with Host when no domain-scoped signature applies.
func FuzzHost(f *testing.F) {
	db, errs := Compile(shippedCatalogs(f, false)...)
	if len(errs) > 0 {
		f.Fatal(errs)
	}
	for _, s := range []string{"google-analytics.com", "www.google-analytics.com", "stats.g.doubleclick.net",
		"x.y.z.adnxs.com", "notadnxs.com", "com", "", ".", "a..b", "WWW.FACEBOOK.COM.", "xn--bcher-kva.example",
		strings.Repeat("a.", 140) + "doubleclick.net"} {
		f.Add(s, "/g/collect?v=2&tid=G-1")
	}
	f.Fuzz(func(t *testing.T, host, path string) {
		m, ok := db.Host(host)
		want, wok := referenceHost(db, host)
		if ok != wok || m.Pattern != want {
			t.Fatalf("Host(%q) = %q,%v; reference %q,%v", host, m.Pattern, ok, want, wok)
		}
		if ok && (m.Kind != catalog.KindHost || m.Vendor == "" || m.Category == 0) {
			t.Fatalf("Host(%q) = %+v: incomplete match", host, m)
		}
		if m2, ok2 := db.Host(strings.ToUpper(host)); ok2 != ok || m2 != m {
			t.Fatalf("Host is case-sensitive: %q -> %+v, upper -> %+v", host, m, m2)
		}
		if ok {
			sub := "a." + host
			if _, listed := db.hosts[strings.ToLower(strings.TrimSuffix(sub, "."))]; !listed {
				if m3, ok3 := db.Host(sub); !ok3 || m3 != m {
					t.Fatalf("Host(%q) = %+v, but Host(%q) = %+v", host, m, sub, m3)
				}
			}
		}
		u, uok := db.URL(host, path)
		if ok && !uok {
			t.Fatalf("URL(%q, %q) found nothing but Host found %+v", host, path, m)
		}
		if uok && u.Kind == catalog.KindHost && u != m {
			t.Fatalf("URL(%q, %q) = %+v, Host = %+v", host, path, u, m)
		}
	})
}
