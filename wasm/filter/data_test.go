package filter_test

import (
	"testing"

	"github.com/consentguard/consentguard/bench"
	"github.com/consentguard/consentguard/wasm/filter"
)

type benchData struct {
	reqs  []bench.Req
	lists []filter.List
}

func loadBenchData(t testing.TB) benchData {
	reqFile, listFiles := benchFiles(t)
	reqs, err := bench.LoadRequests(reqFile)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := bench.ReadLists(listFiles)
	if err != nil {
		t.Fatal(err)
	}
	return benchData{reqs, lists}
}

// TestRealLists compiles EasyList + EasyPrivacy: no parse errors, the skipped
// kinds are the expected ones, and the engine fits the memory goal.
func TestRealLists(t *testing.T) {
	d := loadBenchData(t)
	e, rep := filter.Compile(d.lists...)
	for _, pe := range rep.Errors {
		t.Errorf("parse error: %v", &pe)
	}
	if rep.Rules < 90000 {
		t.Errorf("only %d rules", rep.Rules)
	}
	for _, k := range []string{"cosmetic", "comment", "popup"} {
		if rep.Skipped[k] == 0 {
			t.Errorf("no %q lines skipped: %v", k, rep.Skipped)
		}
	}
	t.Logf("rules=%d size=%d skipped=%v", rep.Rules, e.Size(), rep.Skipped)
}

// TestSerializeRoundTrip: an engine loaded from its serialised form gives the
// same verdict (and the same deciding rule text) on every benchmark request.
func TestSerializeRoundTrip(t *testing.T) {
	d := loadBenchData(t)
	e, _ := filter.Compile(d.lists...)
	b, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	e2, err := filter.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	if e2.Rules() != e.Rules() {
		t.Fatalf("rules %d != %d", e2.Rules(), e.Rules())
	}
	var r filter.Request
	n, blocked := 0, 0
	for _, q := range d.reqs {
		if r.Reset(q.URL, q.FrameURL, bench.RequestType(q.Cpt)) != nil {
			continue
		}
		n++
		v1, v2 := e.Match(&r), e2.Match(&r)
		if v1.Blocked != v2.Blocked || v1.List != v2.List || ruleText(v1.Rule) != ruleText(v2.Rule) || ruleText(v1.Exception) != ruleText(v2.Exception) {
			t.Fatalf("%s: compiled %+v, loaded %+v", q.URL, v1, v2)
		}
		if v1.Blocked {
			blocked++
		}
	}
	if blocked == 0 || n < 25000 {
		t.Errorf("suspicious: %d requests, %d blocked", n, blocked)
	}
}

func ruleText(r *filter.Rule) string {
	if r == nil {
		return ""
	}
	return r.String()
}

// BenchmarkMatch times Reset+Match over all benchmark requests (warm).
func BenchmarkMatch(b *testing.B) {
	d := loadBenchData(b)
	e, _ := filter.Compile(d.lists...)
	type rq struct {
		u, f string
		t    filter.Type
	}
	var rs []rq
	for _, q := range d.reqs {
		if bench.Supported(q.URL) && bench.Supported(q.FrameURL) {
			rs = append(rs, rq{q.URL, q.FrameURL, bench.RequestType(q.Cpt)})
		}
	}
	var r filter.Request
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := &rs[i%len(rs)]
		if r.Reset(q.u, q.f, q.t) == nil {
			e.Match(&r)
		}
	}
}

// BenchmarkLoad times loading EasyList + EasyPrivacy from the serialised form.
func BenchmarkLoad(b *testing.B) {
	d := loadBenchData(b)
	e, _ := filter.Compile(d.lists...)
	ser, _ := e.MarshalBinary()
	b.SetBytes(int64(len(ser)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := filter.Load(ser); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompile times parsing and indexing EasyList + EasyPrivacy.
func BenchmarkCompile(b *testing.B) {
	d := loadBenchData(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		filter.Compile(d.lists...)
	}
}
