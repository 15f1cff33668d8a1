package filter

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"
	"unsafe"
)

func TestDiagChecks(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	var lists []List
	for _, f := range []string{"easylist.txt", "easyprivacy.txt"} {
		b, _ := os.ReadFile("/work/shared/data/lists/" + f)
		lists = append(lists, List{Name: f, Data: b})
	}
	e, _ := Compile(lists...)
	fh, _ := os.Open("/work/shared/data/requests/requests.jsonl")
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	cnt := map[int]int{}
	anyc, tokc, lookups, bloomRej, n := 0, 0, 0, 0, 0
	var r Request
	for sc.Scan() {
		var q struct{ URL, FrameURL, Cpt string }
		json.Unmarshal(sc.Bytes(), &q)
		t, ok := ParseType(q.Cpt)
		if !ok {
			t = TypeOther
		}
		if r.Reset(q.URL, q.FrameURL, t) != nil {
			continue
		}
		n++
		for _, cls := range []int{clsBlock, clsException} {
			ix := &e.idx[cls]
			for _, i := range ix.anyByType[bitsTZ(uint16(r.typ))] {
				anyc++
				cnt[int(i)]++
			}
			for _, h := range r.tokens[:r.ntok] {
				lookups++
				a := ix.tok.lookup(h)
				if a < 0 {
					continue
				}
				for ; ; a++ {
					tokc++
					rr := &e.rules[a]
					if bb := rr.bloom; bb != noBloom && r.bloom[(bb>>6)&(bloomWords-1)]&(1<<(bb&63)) == 0 {
						bloomRej++
					} else {
						cnt[int(a)]++
					}
					if rr.flags&fLast != 0 {
						break
					}
				}
			}
		}
	}
	fmt.Printf("n=%d any=%.2f tokChecks=%.2f lookups=%.2f bloomRej=%.2f\n", n, float64(anyc)/float64(n), float64(tokc)/float64(n), float64(lookups)/float64(n), float64(bloomRej)/float64(n))
	type kv struct{ k, v int }
	var s []kv
	for k, v := range cnt {
		s = append(s, kv{k, v})
	}
	sort.Slice(s, func(i, j int) bool { return s[i].v > s[j].v })
	for _, x := range s[:40] {
		fmt.Println(x.v, e.rules[x.k].String())
	}
	hostOnly := 0
	for i := range e.rules {
		if e.rules[i].flags&fHostOnly != 0 || (e.rules[i].flags&fHostAnchor != 0 && isHostCaret(e.rules[i].pattern)) {
			hostOnly++
		}
	}
	fmt.Println("rules", len(e.rules), "host-ish", hostOnly, "size", e.Size(), "blob", len(e.blob))
}

func bitsTZ(t uint16) int {
	for i := 0; i < 16; i++ {
		if t&(1<<i) != 0 {
			return i
		}
	}
	return 0
}

func isHostCaret(p string) bool {
	return len(p) > 1 && p[len(p)-1] == '^' && isHostString(p[:len(p)-1])
}

func TestDiagLower(t *testing.T) {
	for i := 0; i < 256; i++ {
		for _, pre := range []string{"", "abcdefg", "ABCDEFGHIJK\xc3\xa9\xc4"} {
			s := pre + string([]byte{byte(i)}) + "xYz\xff\x80AZaz@[`{" + string([]byte{byte(i), byte(255 - i)})
			got, _ := lowerInto(nil, s)
			want := []byte(s)
			for j, c := range want {
				if c >= 'A' && c <= 'Z' {
					want[j] = c + 32
				}
			}
			if got != string(want) {
				t.Fatalf("%q: %q want %q", s, got, want)
			}
		}
	}
}

func TestDiagSplit(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	var lists []List
	for _, f := range []string{"easylist.txt", "easyprivacy.txt"} {
		b, _ := os.ReadFile("/work/shared/data/lists/" + f)
		lists = append(lists, List{Name: f, Data: b})
	}
	e, _ := Compile(lists...)
	fh, _ := os.Open("/work/shared/data/requests/requests.jsonl")
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	type q3 struct {
		u, f string
		t    Type
	}
	var qs []q3
	for sc.Scan() {
		var q struct{ URL, FrameURL, Cpt string }
		json.Unmarshal(sc.Bytes(), &q)
		ty, ok := ParseType(q.Cpt)
		if !ok {
			ty = TypeOther
		}
		qs = append(qs, q3{q.URL, q.FrameURL, ty})
	}
	var r Request
	for pass := 0; pass < 3; pass++ {
		var tr, tm []float64
		for _, q := range qs {
			s := time.Now()
			err := r.Reset(q.u, q.f, q.t)
			d1 := time.Since(s)
			if err != nil {
				continue
			}
			s = time.Now()
			e.Match(&r)
			d2 := time.Since(s)
			tr = append(tr, float64(d1))
			tm = append(tm, float64(d2))
		}
		sort.Float64s(tr)
		sort.Float64s(tm)
		fmt.Printf("pass %d reset med %.0f p99 %.0f | match med %.0f p99 %.0f\n", pass, tr[len(tr)/2], tr[len(tr)*99/100], tm[len(tm)/2], tm[len(tm)*99/100])
	}
}

func BenchmarkDiagReset(b *testing.B) {
	fh, _ := os.Open("/work/shared/data/requests/requests.jsonl")
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	type q3 struct {
		u, f string
		t    Type
	}
	var qs []q3
	for sc.Scan() {
		var q struct{ URL, FrameURL, Cpt string }
		json.Unmarshal(sc.Bytes(), &q)
		ty, _ := ParseType(q.Cpt)
		qs = append(qs, q3{q.URL, q.FrameURL, ty})
	}
	var r Request
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := &qs[i%len(qs)]
		r.Reset(q.u, q.f, q.t)
	}
}

func TestDiagAny(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	var lists []List
	for _, f := range []string{"easylist.txt", "easyprivacy.txt"} {
		b, _ := os.ReadFile("/work/shared/data/lists/" + f)
		lists = append(lists, List{Name: f, Data: b})
	}
	e, _ := Compile(lists...)
	for c := range e.idx {
		ix := &e.idx[c]
		fmt.Println("class", c, "any", ix.anyEnd-ix.anyStart, "buckets", ix.tok.nb, "hostbuckets", ix.host.nb, "slots", len(ix.tok.slots))
		for ty, l := range ix.anyByType {
			dom, nob, re := 0, 0, 0
			for _, i := range l {
				r := &e.rules[i]
				if r.aux != nil && len(r.aux.include) > 0 {
					dom++
				}
				if r.bloom == noBloom {
					nob++
				}
				if r.flags&fRegex != 0 {
					re++
				}
			}
			fmt.Println("  type", ty, len(l), "incdom", dom, "nobloom", nob, "regex", re)
		}
	}
}

func TestDiagSize(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	var lists []List
	for _, f := range []string{"easylist.txt", "easyprivacy.txt"} {
		b, _ := os.ReadFile("/work/shared/data/lists/" + f)
		lists = append(lists, List{Name: f, Data: b})
	}
	e, _ := Compile(lists...)
	fmt.Println("rules", len(e.rules), "blob", len(e.blob), "doms", len(e.doms), "auxes", len(e.auxes), "auxsize", unsafe.Sizeof(ruleAux{}))
	for c := range e.idx {
		ix := &e.idx[c]
		fmt.Println(c, "tok nb", ix.tok.nb, len(ix.tok.slots), len(ix.tok.bits)*8, "host nb", ix.host.nb, len(ix.host.slots), len(ix.host.bits)*8)
	}
}

func TestDiagWarm(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	var lists []List
	for _, f := range []string{"easylist.txt", "easyprivacy.txt"} {
		b, _ := os.ReadFile("/work/shared/data/lists/" + f)
		lists = append(lists, List{Name: f, Data: b})
	}
	e, _ := Compile(lists...)
	s := time.Now()
	e.Warm()
	fmt.Println("warm", time.Since(s))
}
