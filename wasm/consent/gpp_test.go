//go:build !guard

package consent

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// testdata/gpp-iabgpp.tsv holds GPP strings written by the IAB's reference
// library (@iabgpp/cmpapi 3.2.0, testdata/gen-gpp.js).
func TestGPPReference(t *testing.T) {
	f, err := os.Open("testdata/gpp-iabgpp.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 6 {
			t.Fatalf("bad line %q", sc.Text())
		}
		n++
		g, err := ParseGPP(c[1])
		if err != nil {
			t.Errorf("%s: %v", c[0], err)
			continue
		}
		if !reflect.DeepEqual(g.SectionIDs, ints(c[2])) {
			t.Errorf("%s: sections %v, want %s", c[0], g.SectionIDs, c[2])
		}
		wantOptOut := false
		if s, ok := g.Sections[GPPSectionUSNat]; ok {
			u, err := ParseUSNat(s)
			if err != nil {
				t.Errorf("%s: %v", c[0], err)
				continue
			}
			got := fmt.Sprintf("%d,%d,%d", u.SaleOptOut, u.SharingOptOut, u.TargetedAdvertisingOptOut)
			if got != c[3] || fmt.Sprint(u.GPC) != c[4] || !u.HasGPC {
				t.Errorf("%s: usnat %s gpc %v, want %s gpc %s", c[0], got, u.GPC, c[3], c[4])
			}
			wantOptOut = strings.Contains(c[3], "1") || c[4] == "true"
		}
		if got, err := GPPOptOut(c[1]); err != nil || got != wantOptOut {
			t.Errorf("%s: GPPOptOut = %v, %v; want %v", c[0], got, err, wantOptOut)
		}
		granted, rec, err := GPP(c[1])
		if err != nil || !rec {
			t.Errorf("%s: GPP = %v, %v, %v", c[0], granted, rec, err)
		}
		want := SetOf(Necessary)
		if c[5] != "" {
			tc := &TCString{}
			for _, p := range ints(c[5]) {
				tc.PurposesConsent |= 1 << (p - 1)
			}
			want = tc.Categories()
		}
		if granted != want {
			t.Errorf("%s: granted %v, want %v", c[0], granted, want)
		}
	}
	if n != 8 {
		t.Errorf("%d vectors, want 8", n)
	}
}

func TestGPPErrors(t *testing.T) {
	for _, in := range []string{"", "~", "DBABLA", "DBABLA~CE~x", "!!", "CBABLA~CEAaAAAAAACA", "DBABLA~C", "DBABLA~CEAaAAAAAACA.gA", "DBABLA~CEAaAAAAAACA.$", "DB__________~x", "%zz"} {
		if _, _, err := GPP(in); err == nil {
			t.Errorf("GPP(%q): no error", in)
		}
	}
}

func FuzzGPP(f *testing.F) {
	f.Add("DBABLA~CEAaAAAAAACA.QA")
	f.Add("DBACMMA~CQumbsAQumbsAEsAAAENAAFgAPPAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~CAAVAAAAAACA.QA")
	f.Fuzz(func(t *testing.T, v string) {
		g, rec, err := GPP(v)
		if err != nil && (rec || g != SetOf(Necessary)) {
			t.Fatalf("error with grants: %v %v %v", g, rec, err)
		}
		if !g.Has(Necessary) || g.Has(Social) || g.Has(SessionReplay) {
			t.Fatalf("GPP(%q) granted %v", v, g)
		}
		GPPOptOut(v)
	})
}

func ExampleGPPOptOut() {
	optOut, err := GPPOptOut("DBABLA~CEAaAAAAAACA.QA") // usnat: opted out of sale
	fmt.Println(optOut, err)
	// Output: true <nil>
}
