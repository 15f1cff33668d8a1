package tracker

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
)

func mustCompile(t testing.TB, files ...string) *DB {
	t.Helper()
	var cats []*catalog.Catalog
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, errs := catalog.Parse(f, data)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", f, errs)
		}
		cats = append(cats, c)
	}
	db, errs := Compile(cats...)
	if len(errs) > 0 {
		t.Fatalf("compile: %v", errs)
	}
	return db
}

func TestHost(t *testing.T) {
	db := mustCompile(t, "testdata/mini.txt")
	tests := []struct {
		host, vendor string
		cat          consent.Category
		pattern      string
	}{
		{"google-analytics.com", "google-analytics", consent.Analytics, "google-analytics.com"},
		{"www.google-analytics.com", "google-analytics", consent.Analytics, "google-analytics.com"},
		{"a.b.c.google-analytics.com", "google-analytics", consent.Analytics, "google-analytics.com"},
		{"WWW.Google-Analytics.COM", "google-analytics", consent.Analytics, "google-analytics.com"},
		{"www.google-analytics.com.", "google-analytics", consent.Analytics, "google-analytics.com"},
		{"stats.g.doubleclick.net", "doubleclick", consent.Analytics, "stats.g.doubleclick.net"},
		{"x.stats.g.doubleclick.net", "doubleclick", consent.Analytics, "stats.g.doubleclick.net"},
		{"ad.doubleclick.net", "doubleclick", consent.Advertising, "doubleclick.net"},
		{"g.doubleclick.net", "doubleclick", consent.Advertising, "doubleclick.net"},
		{"www.recaptcha.net", "recaptcha", consent.Necessary, "recaptcha.net"},
		{"notgoogle-analytics.com", "", consent.None, ""},
		{"google-analytics.com.evil.example", "", consent.None, ""},
		{"com", "", consent.None, ""},
		{"", "", consent.None, ""},
		{".", "", consent.None, ""},
		{"..", "", consent.None, ""},
		{strings.Repeat("A", 300) + ".doubleclick.net", "doubleclick", consent.Advertising, "doubleclick.net"},
	}
	for _, tt := range tests {
		m, ok := db.Host(tt.host)
		if ok != (tt.vendor != "") || m.Vendor != tt.vendor || m.Category != tt.cat || m.Pattern != tt.pattern {
			t.Errorf("Host(%q) = %+v, %v; want vendor %q category %v pattern %q", tt.host, m, ok, tt.vendor, tt.cat, tt.pattern)
		}
		if ok && m.Kind != "host" {
			t.Errorf("Host(%q).Kind = %q", tt.host, m.Kind)
		}
	}
}

func TestURL(t *testing.T) {
	db := mustCompile(t, "testdata/mini.txt")
	tests := []struct {
		host, path, vendor, kind string
		cat                      consent.Category
	}{
		{"www.google-analytics.com", "/anything", "google-analytics", "host", consent.Analytics},
		{"shop.example", "/g/collect?v=2&tid=G-ABC123&cid=5", "google-analytics", "path", consent.Analytics},
		{"shop.example", "/g/collect?v=2&tid=UA-1", "", "", consent.None},
		{"shop.example", "/collect?v=1&_v=j99&tid=UA-123-1", "google-analytics", "path", consent.Analytics},
		{"shop.example", "/collection?v=1&tid=UA-123-1", "", "", consent.None},
		{"www.google.com", "/recaptcha/api.js", "recaptcha", "path", consent.Necessary},
		{"WWW.GOOGLE.COM", "/recaptcha/api2/anchor", "recaptcha", "path", consent.Necessary},
		{"www.notgoogle.com", "/recaptcha/api.js", "", "", consent.None},
		{"www.google.com", "/search?q=x", "", "", consent.None},
		{"stats.example", "/piwik/matomo.php?idsite=1&rec=1&url=x", "matomo", "path", consent.Analytics},
		{"stats.example", "/matomo.php?idsite=1", "", "", consent.None},
		{"stats.example", "", "", "", consent.None},
		{"www.facebook.com", "/tr/?id=1&ev=PageView", "meta", "path", consent.Advertising},
		{"www.facebook.com", "/tr", "meta", "path", consent.Advertising},
		{"www.facebook.com", "/plugins/like.php", "meta", "host", consent.Social},
		{"www.facebook.com.", "/tracking", "meta", "host", consent.Social},
		{"WWW.FACEBOOK.COM", "/tr", "meta", "path", consent.Advertising},
		{"shop.example", "/tr?id=1&ev=Purchase", "meta", "path", consent.Advertising},
		{"shop.example", "/tr?id=1", "", "", consent.None},
		// unscoped signatures match at any path prefix (first-party proxies)
		{"shop.example", "/metrics/g/collect?v=2&tid=G-ABC123", "google-analytics", "path", consent.Analytics},
		{"shop.example", "/a/b/c/tr?id=1&ev=Purchase", "meta", "path", consent.Advertising},
		{"shop.example", "/metrics/g/collect?v=2&tid=UA-1", "", "", consent.None},
		{"shop.example", "/metrics/xg/collect?v=2&tid=G-ABC123", "", "", consent.None},
		{"shop.example", "//g/collect?v=2&tid=G-ABC123", "google-analytics", "path", consent.Analytics},
		// domain= signatures stay anchored at the path's start
		{"www.google.com", "/x/recaptcha/api.js", "", "", consent.None},
	}
	for _, tt := range tests {
		m, ok := db.URL(tt.host, tt.path)
		if ok != (tt.vendor != "") || m.Vendor != tt.vendor || m.Kind != tt.kind || m.Category != tt.cat {
			t.Errorf("URL(%q, %q) = %+v, %v; want %s/%s/%v", tt.host, tt.path, m, ok, tt.vendor, tt.kind, tt.cat)
		}
	}
}

func TestMerge(t *testing.T) {
	var cats []*catalog.Catalog
	for _, f := range []string{"testdata/mini.txt", "testdata/cookies.txt"} {
		data, _ := os.ReadFile(f)
		c, errs := catalog.Parse(f, data)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		cats = append(cats, c)
	}
	db, errs := Compile(cats...)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `testdata/cookies.txt:6: host "google-analytics.com" of vendor "google-analytics" already listed`) {
		t.Fatalf("errors = %v", errs)
	}
	v, _ := db.Vendor("google-analytics")
	if v.Name != "Google Analytics" || len(v.Sources) != 2 || len(v.Entries) != 6 {
		t.Errorf("merged = %+v", v)
	}
}

func TestCompileErrors(t *testing.T) {
	a, _ := catalog.Parse("a.txt", []byte("[x] X\ncategory analytics\nsource https://x.example/\nhost x.com\ncookie c\n"))
	b, _ := catalog.Parse("b.txt", []byte("[y] Y\ncategory ads\nsource https://y.example/\nhost x.com\nhost y.com\n"+
		"[x] X2\ncategory analytics\nsource https://x2.example/\ncookie c\ncookie d\n"))
	nosrc := &catalog.Catalog{Name: "code", Vendors: []catalog.Vendor{{ID: "z", Category: consent.Analytics,
		Entries: []catalog.Entry{{Kind: "host", Value: "z.com", Category: consent.Analytics}}}}}
	db, errs := Compile(a, b, nosrc, nil)
	want := []string{
		`b.txt:4: host "x.com" of vendor "y" already listed for vendor "x" at a.txt:4; skipped`,
		`b.txt:9: cookie "c" of vendor "x" already listed for vendor "x" at a.txt:5; skipped`,
		`code: vendor "z" skipped: needs a category and at least one source`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors %v, want %v", errs, want)
	}
	for i := range want {
		if errs[i].Error() != want[i] {
			t.Errorf("error %d = %q, want %q", i, errs[i], want[i])
		}
	}
	if m, _ := db.Host("x.com"); m.Vendor != "x" {
		t.Errorf("first listing must win, got %+v", m)
	}
	v, ok := db.Vendor("x")
	if !ok || v.Name != "X" || len(v.Sources) != 2 || len(v.Entries) != 3 {
		t.Errorf("merged vendor = %+v", v)
	}
	if db.Vendors() != 2 || db.Hosts() != 2 {
		t.Errorf("Vendors()=%d Hosts()=%d", db.Vendors(), db.Hosts())
	}
	if _, ok := db.Vendor("z"); ok {
		t.Error("vendor without source must be skipped")
	}
}

// TestCompileInCode compiles a catalog built in code (as the upstream
// loaders do): entries are normalised and validated like parsed ones, and
// the serialised form loads back.
func TestCompileInCode(t *testing.T) {
	c := &catalog.Catalog{Name: "tds.json", Vendors: []catalog.Vendor{
		{ID: "acme", Name: "Acme\nInc.", Category: consent.Advertising, Sources: []string{"tds:tds.json", "not a url"},
			Entries: []catalog.Entry{
				{Kind: "host", Value: "Ads.Acme.EXAMPLE.", Category: consent.Advertising},
				{Kind: "host", Value: "bad host.example", Category: consent.Advertising},
				{Kind: "path", Value: "/px?id", Category: consent.Advertising, Domain: ".Acme.example"},
				{Kind: "cookie", Value: "a;b", Category: consent.Advertising},
				{Kind: "pixel", Value: "x", Category: consent.Advertising},
			}},
		{ID: "Bad ID", Category: consent.Advertising, Sources: []string{"tds:x"}},
	}}
	db, errs := Compile(c)
	if len(errs) != 5 {
		t.Errorf("errors = %v, want 5 (bad source, bad host, bad cookie, unknown kind, bad id)", errs)
	}
	m, ok := db.URL("x.ads.acme.example", "/")
	if !ok || m.Pattern != "ads.acme.example" {
		t.Errorf("normalised host not found: %+v %v", m, ok)
	}
	if m, ok := db.URL("www.acme.example", "/px?id=1"); !ok || m.Pattern != "/px?id=" {
		t.Errorf("scoped path not found: %+v %v", m, ok)
	}
	data, _ := db.MarshalBinary()
	db2, err := Load(data)
	if err != nil {
		t.Fatalf("Load: %v\n%s", err, data)
	}
	if v, _ := db2.Vendor("acme"); v.Name != "Acme Inc." || len(v.Sources) != 1 || len(v.Entries) != 2 {
		t.Errorf("vendor after Load = %+v", v)
	}
}

func TestMarshalLoad(t *testing.T) {
	db := mustCompile(t, "testdata/mini.txt")
	data, err := db.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	db2, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if db2.Hosts() != db.Hosts() || db2.Vendors() != db.Vendors() || db2.Paths() != db.Paths() {
		t.Fatalf("counts differ: %d/%d/%d vs %d/%d/%d", db2.Hosts(), db2.Vendors(), db2.Paths(), db.Hosts(), db.Vendors(), db.Paths())
	}
	for _, u := range [][2]string{{"stats.g.doubleclick.net", "/"}, {"a.example", "/g/collect?v=2&tid=G-1"}, {"www.google.com", "/recaptcha/x"}, {"n.example", "/"}} {
		m1, ok1 := db.URL(u[0], u[1])
		m2, ok2 := db2.URL(u[0], u[1])
		if m1 != m2 || ok1 != ok2 {
			t.Errorf("URL(%q,%q): %+v,%v after Load, %+v,%v before", u[0], u[1], m2, ok2, m1, ok1)
		}
	}
	data2, _ := db2.MarshalBinary()
	if string(data) != string(data2) {
		t.Error("serialised form not stable")
	}
	for _, bad := range [][]byte{nil, []byte("garbage"), append([]byte(magic), "[x\nhost\n"...)} {
		if _, err := Load(bad); err == nil {
			t.Errorf("Load(%q) = nil error", bad)
		}
	}
}

func TestAllocs(t *testing.T) {
	db := mustCompile(t, "testdata/mini.txt")
	n := testing.AllocsPerRun(200, func() {
		db.Host("www.google-analytics.com")
		db.Host("WWW.GOOGLE-ANALYTICS.COM")
		db.Host("cdn.example.org")
		db.URL("shop.example", "/g/collect?v=2&tid=G-ABC&cid=1")
		db.URL("www.google.com", "/recaptcha/api.js")
		db.URL("shop.example", "/index.html?q=1")
		db.URL("WWW.FACEBOOK.COM", "/tr?id=1&ev=x")
	})
	if n != 0 {
		t.Errorf("allocs per run = %v, want 0", n)
	}
}

func BenchmarkHost(b *testing.B) {
	db := mustCompile(b, "testdata/mini.txt")
	hosts := []string{"www.google-analytics.com", "stats.g.doubleclick.net", "cdn.jsdelivr.net", "a.b.c.d.example.co.uk"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		db.Host(hosts[i%len(hosts)])
	}
}

func BenchmarkURL(b *testing.B) {
	db := mustCompile(b, "testdata/mini.txt")
	reqs := [][2]string{{"shop.example", "/g/collect?v=2&tid=G-ABC&cid=1"}, {"cdn.example", "/assets/app.js?v=3"}, {"www.google-analytics.com", "/g/collect"}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := reqs[i%len(reqs)]
		db.URL(r[0], r[1])
	}
}

func BenchmarkLoad(b *testing.B) {
	db := mustCompile(b, "testdata/mini.txt")
	data, _ := db.MarshalBinary()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(data); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleDB_URL() {
	c, _ := catalog.Parse("trackers.txt", []byte(`[google-analytics] Google Analytics
category analytics
source https://support.google.com/analytics/
host google-analytics.com
path /g/collect?v=2&tid=G-
`))
	db, _ := Compile(c)
	m, ok := db.URL("region1.google-analytics.com", "/g/collect?v=2")
	fmt.Println(ok, m.Vendor, m.Category, m.Kind, m.Pattern)
	m, ok = db.URL("shop.example", "/g/collect?v=2&tid=G-XYZ&cid=1.2")
	fmt.Println(ok, m.Vendor, m.Category, m.Kind, m.Pattern)
	_, ok = db.URL("shop.example", "/cart")
	fmt.Println(ok)
	// Output:
	// true google-analytics analytics host google-analytics.com
	// true google-analytics analytics path /g/collect?v=2&tid=G-
	// false
}

func ExampleDB_Host() {
	c, _ := catalog.Parse("trackers.txt", []byte("[doubleclick] DoubleClick\ncategory advertising\nsource https://whotracks.me/trackers/doubleclick.html\nhost doubleclick.net\n"))
	db, _ := Compile(c)
	fmt.Println(db.Host("securepubads.g.doubleclick.net"))
	_, ok := db.Host("doubleclick.network")
	fmt.Println(ok)
	// Output:
	// {doubleclick DoubleClick advertising host doubleclick.net} true
	// false
}

func ExampleLoad() {
	c, _ := catalog.Parse("trackers.txt", []byte("[hotjar] Hotjar\ncategory session-replay\nsource https://help.hotjar.com/\nhost hotjar.com\n"))
	db, _ := Compile(c)
	data, _ := db.MarshalBinary() // store this; Load rebuilds the DB from it
	db2, err := Load(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, _ := db2.Host("static.hotjar.com")
	fmt.Println(db2.Hosts(), db2.Vendors(), m.Vendor, m.Category)
	// Output: 1 1 hotjar session-replay
}
