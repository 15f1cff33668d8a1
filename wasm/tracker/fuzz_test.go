package tracker

import (
	"os"
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

// referenceURL is the obvious, slow implementation of URL: scoped
// signatures by decreasing domain length, then the host, then every unscoped
// signature in order.
func referenceURL(db *DB, host, pathAndQuery string) (Match, bool) {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	bestDomain := -1
	var best *pathEntry
	for i := range db.paths {
		p := &db.paths[i]
		if p.domain == "" || !(h == p.domain || strings.HasSuffix(h, "."+p.domain)) {
			continue
		}
		if len(p.domain) > bestDomain && p.sig.Match(pathAndQuery) {
			bestDomain, best = len(p.domain), p
		}
	}
	if best != nil {
		return db.pathMatch(best), true
	}
	if m, ok := db.Host(host); ok {
		return m, true
	}
	for i := range db.paths {
		if p := &db.paths[i]; p.domain == "" && p.sig.Match(pathAndQuery) {
			return db.pathMatch(p), true
		}
	}
	return Match{}, false
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
	for _, p := range []string{"/tr/?id=1&ev=x", "/stats/matomo.php?idsite=1&rec=1", "/b/ss/x", "/recaptcha/api.js",
		"/ee/irl1/v1/interact?configId=1", "/rb_x?type=js3&sn=1", "/utag/a/b/prod/utag.js", "/x/track/?data=1&ip=1#f", "?", "#", ""} {
		f.Add("www.facebook.com", p)
		f.Add("www.google.com", p)
		f.Add("shop.example", p)
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
		if r, rok := referenceURL(db, host, path); rok != uok || r != u {
			t.Fatalf("URL(%q, %q) = %+v,%v; reference %+v,%v", host, path, u, uok, r, rok)
		}
		if ok && !uok {
			t.Fatalf("URL(%q, %q) found nothing but Host found %+v", host, path, m)
		}
		if uok && u.Kind == catalog.KindHost && u != m {
			t.Fatalf("URL(%q, %q) = %+v, Host = %+v", host, path, u, m)
		}
	})
}

// FuzzLoad checks that Load never panics on arbitrary bytes, and that
// whatever Compile accepts from a parsed list serialises and loads back to
// the same DB.
func FuzzLoad(f *testing.F) {
	mini, _ := os.ReadFile("testdata/mini.txt")
	f.Add(mini)
	f.Add([]byte(magic + "[a] A\ncategory ads\nsource https://a.example/\nhost a.example\npath /x?y=z domain=a.example\n"))
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		if db, err := Load(data); err == nil {
			if _, err := db.MarshalBinary(); err != nil {
				t.Fatal(err)
			}
		}
		c, _ := catalog.Parse("f.txt", data)
		db, _ := Compile(c)
		out, err := db.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		db2, err := Load(out)
		if err != nil {
			t.Fatalf("Load(MarshalBinary()) failed: %v\n%s", err, out)
		}
		out2, _ := db2.MarshalBinary()
		if string(out) != string(out2) {
			t.Fatalf("serialised form not stable:\n%s\n---\n%s", out, out2)
		}
		if db.Hosts() != db2.Hosts() || db.Paths() != db2.Paths() || db.Vendors() != db2.Vendors() {
			t.Fatalf("counts differ after Load")
		}
	})
}
