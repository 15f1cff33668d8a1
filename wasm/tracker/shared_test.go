package tracker

import (
	"bufio"
	"encoding/json"
	"github.com/consentguard/consentguard/internal/fixture"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/site"
)

type request struct{ host, pathQuery, page string }

// loadRequests reads ../shared/data/requests/requests.jsonl into hosts and
// paths, so that timing loops measure only the lookups.
func loadRequests(t testing.TB) []request {
	t.Helper()
	f, err := os.Open(filepath.Join(fixture.Shared(t), "data", "requests", "requests.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []request
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r struct{ URL, FrameURL string }
		if json.Unmarshal(sc.Bytes(), &r) != nil {
			continue
		}
		host := site.Host(r.URL)
		if host == "" {
			continue
		}
		pq := "/"
		if i := strings.Index(r.URL, "://"); i >= 0 {
			rest := r.URL[i+3:]
			if j := strings.IndexAny(rest, "/?"); j >= 0 {
				pq = rest[j:]
			}
		}
		out = append(out, request{host, pq, site.Host(r.FrameURL)})
	}
	return out
}

// TestRealRequests runs the 30k recorded requests through the shipped lists.
// It reports the matches by category and lists every path-signature match
// on a host that is not a listed tracker, so that signatures which hit
// ordinary sites show up for review (CNAME-cloaked collectors such as
// smetrics.example.com/b/ss/ are expected there).
func TestRealRequests(t *testing.T) {
	db, _ := Compile(shippedCatalogs(t, false)...)
	reqs := loadRequests(t)
	byCat := map[string]int{}
	sigSites := map[string]map[string]bool{}
	var samples []string
	for _, r := range reqs {
		m, ok := db.URL(r.host, r.pathQuery)
		if !ok {
			continue
		}
		byCat[m.Category.String()]++
		if m.Kind == catalog.KindPath {
			if _, hostOK := db.Host(r.host); !hostOK {
				if sigSites[m.Pattern] == nil {
					sigSites[m.Pattern] = map[string]bool{}
				}
				sigSites[m.Pattern][site.Domain(r.host)] = true
				if len(samples) < 40 {
					samples = append(samples, m.Vendor+" "+m.Pattern+" <- "+r.host+trim(r.pathQuery, 100))
				}
			}
		}
	}
	t.Logf("%d requests, %d matched; by category %v", len(reqs), sum(byCat), byCat)
	var sigs []string
	for p, s := range sigSites {
		sigs = append(sigs, p)
		_ = s
	}
	sort.Strings(sigs)
	for _, p := range sigs {
		t.Logf("signature %-45s matched on %d non-tracker domains", p, len(sigSites[p]))
	}
	t.Logf("samples:\n%s", strings.Join(samples, "\n"))
	if sum(byCat) < len(reqs)/4 {
		t.Errorf("only %d of %d real requests recognised: the lists miss the common trackers", sum(byCat), len(reqs))
	}
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// BenchmarkRealHost and BenchmarkRealURL time lookups of the recorded
// requests' hosts (and paths) in the shipped lists.
func BenchmarkRealHost(b *testing.B) {
	db, _ := Compile(shippedCatalogs(b, false)...)
	reqs := loadRequests(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		db.Host(reqs[i%len(reqs)].host)
	}
}

func BenchmarkRealURL(b *testing.B) {
	db, _ := Compile(shippedCatalogs(b, false)...)
	reqs := loadRequests(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r := &reqs[i%len(reqs)]
		db.URL(r.host, r.pathQuery)
	}
}

// BenchmarkShippedLoad times rebuilding the shipped tracker DB from its
// serialised form (the target is under 2 ms).
func BenchmarkShippedLoad(b *testing.B) {
	db, _ := Compile(shippedCatalogs(b, true)...)
	data, _ := db.MarshalBinary()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestShippedAllocs(t *testing.T) {
	db, _ := Compile(shippedCatalogs(t, false)...)
	n := testing.AllocsPerRun(100, func() {
		db.URL("www.google-analytics.com", "/g/collect?v=2&tid=G-1")
		db.URL("shop.example", "/gtag/js?id=AW-1")
		db.URL("cdn.shop.example", "/assets/app.js?v=1")
		db.URL("WWW.GOOGLE.COM", "/recaptcha/api.js")
		db.Host("a.b.c.d.e.f.example.co.uk")
	})
	if n != 0 {
		t.Errorf("allocs per run = %v, want 0", n)
	}
}
