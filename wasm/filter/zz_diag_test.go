package filter

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"testing"
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
				a, b := ix.lookup(h)
				for ; a < b; a++ {
					tokc++
					rr := &e.rules[a]
					if bb := rr.bloom; bb != noBloom && r.bloom[(bb>>6)&(bloomWords-1)]&(1<<(bb&63)) == 0 {
						bloomRej++
						continue
					}
					cnt[int(a)]++
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
