package cookie

import (
	"bytes"
	"github.com/consentguard/consentguard/internal/fixture"
	"os"
	"testing"

	"github.com/consentguard/consentguard/wasm/catalog"
)

var benchNames = [][2]string{
	{"_ga", ".example.com"}, {"_ga_9XLJ2Z7K3B", ".example.com"}, {"_gid", ".example.com"},
	{"PHPSESSID", "www.example.com"}, {"mp_52e5e0805583e8a410f1ed50d8e0c049_mixpanel", ".example.com"},
	{"_hjSessionUser_3012345", ".example.com"}, {"NID", ".google.com"}, {"theme", "www.example.com"},
	{"OptanonConsent", ".example.com"}, {"unknown_session_thing", "www.example.com"},
}

func BenchmarkClassify(b *testing.B) {
	_, db, _ := ourList(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		n := benchNames[i%len(benchNames)]
		db.Classify(n[0], n[1])
	}
}

// BenchmarkClassifyWithOCD classifies against our list plus the whole Open
// Cookie Database (about 2,700 patterns).
func BenchmarkClassifyWithOCD(b *testing.B) {
	c, _, _ := ourList(b)
	f, err := os.Open(fixture.SharedPath(b, "data/cookies/open-cookie-database.csv"))
	if err != nil {
		b.Fatal(err)
	}
	oc, _ := ParseOCD("ocd.csv", f)
	f.Close()
	db, _ := Compile(c, oc)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		n := benchNames[i%len(benchNames)]
		db.Classify(n[0], n[1])
	}
}

const benchHeader = "_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; PHPSESSID=8f3b2c1d0e; " +
	"_fbp=fb.1.1700000000000.123456789; OptanonConsent=isGpcEnabled=0&datestamp=Wed+Dec+02+2026&groups=C0001%3A1; " +
	"_hjSessionUser_3012345=eyJpZCI6IjEifQ==; theme=dark; __cf_bm=abc.def-1700000000-0-AQ=="

func BenchmarkFilterCookieHeaderUnchanged(b *testing.B) {
	f := ourFilter(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchHeader)))
	for b.Loop() {
		f.FilterCookieHeader(benchHeader, "www.example.com", allGranted)
	}
}

func BenchmarkFilterCookieHeaderRemove(b *testing.B) {
	f := ourFilter(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchHeader)))
	for b.Loop() {
		f.FilterCookieHeader(benchHeader, "www.example.com", noConsent)
	}
}

func BenchmarkAllowSetCookie(b *testing.B) {
	f := ourFilter(b)
	h := "_ga=GA1.2.1234567890.1700000000; Path=/; Domain=example.com; Expires=Fri, 02 Dec 2028 11:00:00 GMT; Max-Age=63072000; SameSite=Lax; Secure"
	b.ReportAllocs()
	for b.Loop() {
		f.AllowSetCookie(h, "www.example.com", noConsent)
	}
}

func BenchmarkParseCookieHeader(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchHeader)))
	n := 0
	for b.Loop() {
		ParseCookieHeader(benchHeader, func(name, value string) bool { n += len(name); return true })
	}
}

func BenchmarkCompileCookiesTxt(b *testing.B) {
	data, err := os.ReadFile(fixture.Root(b) + "/policylists/cookies.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		c, _ := catalog.Parse("cookies.txt", data)
		Compile(c)
	}
}

func BenchmarkParseOCD(b *testing.B) {
	data, err := os.ReadFile(fixture.SharedPath(b, "data/cookies/open-cookie-database.csv"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		ParseOCD("ocd.csv", bytes.NewReader(data))
	}
}
