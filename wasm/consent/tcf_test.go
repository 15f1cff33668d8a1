//go:build !guard

package consent

import (
	"bufio"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func ints(s string) []int {
	if s == "" {
		return nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(f)
		if err != nil {
			panic(err)
		}
		out = append(out, n)
	}
	return out
}

// testdata/tcf-iabtcf.tsv holds TC strings written by the IAB's reference
// encoder (@iabtcf/core 1.5.6, testdata/gen-tcf.js): an independent oracle
// for the decoder, bitfield and range vendor encodings included.
func TestTCStringReference(t *testing.T) {
	f, err := os.Open("testdata/tcf-iabtcf.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]Set{
		"all":            SetOf(Necessary, Advertising, Functional, Analytics, Fingerprinting),
		"none":           SetOf(Necessary),
		"storage-only":   SetOf(Necessary),
		"ads-no-storage": SetOf(Necessary),
		"ads":            SetOf(Necessary, Advertising),
		"ads-partial":    SetOf(Necessary),
		"analytics":      SetOf(Necessary, Analytics),
		"content":        SetOf(Necessary, Functional),
	}
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
		tc, err := ParseTCString(c[1])
		if err != nil {
			t.Errorf("%s: %v", c[0], err)
			continue
		}
		var purposes, special []int
		for i := 1; i <= 24; i++ {
			if tc.Purpose(i) {
				purposes = append(purposes, i)
			}
		}
		for i := 1; i <= 12; i++ {
			if tc.SpecialFeature(i) {
				special = append(special, i)
			}
		}
		check := func(what string, got, want any) {
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s = %v, want %v", c[0], what, got, want)
			}
		}
		check("purposes", purposes, ints(c[2]))
		check("special features", special, ints(c[3]))
		check("vendor consents", tc.VendorConsents, ints(c[4]))
		check("vendor LI", tc.VendorLegitimateInterests, ints(c[5]))
		check("cmp", []int{tc.Version, tc.CmpID, tc.CmpVersion, tc.ConsentScreen, tc.VendorListVersion, tc.TCFPolicyVersion}, []int{2, 300, 3, 2, 150, 4})
		check("lang/cc", tc.ConsentLanguage+tc.PublisherCC, "DEFR")
		check("service specific", tc.IsServiceSpecific, true)
		check("created", tc.Created, time.UnixMilli(1700000000000).UTC())
		check("last updated", tc.LastUpdated, time.UnixMilli(1700012345600).UTC())
		granted, rec, err := TCF(c[1] + ".YAAAAAAAAAAA")
		check("categories", granted, want[c[0]])
		check("recorded", rec, err == nil)
		// Our encoder (bitfields only) must read back identically.
		enc, err := EncodeTCString(tc)
		if err != nil {
			t.Errorf("%s: encode: %v", c[0], err)
			continue
		}
		back, err := ParseTCString(enc)
		if err != nil || !reflect.DeepEqual(back, tc) {
			t.Errorf("%s: round trip: %v\n got %+v\nwant %+v", c[0], err, back, tc)
		}
	}
	if n != len(want) {
		t.Errorf("%d vectors, want %d", n, len(want))
	}
}

func TestTCStringErrors(t *testing.T) {
	for _, in := range []string{
		"", "!!!", "CP1R2oAP1SUx", // truncated
		"BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA",      // TCF v1 string
		"CP1R2oAP1SUxAEsADCDECWEgAAAAAAAAAAqIAAAA", // vendor section cut
		"CP1R2oAP1SUxAEsADCDECWEgAAAAAAAAAAq",      // publisher CC cut
		strings.Repeat("A", 70000),
	} {
		if _, err := ParseTCString(in); err == nil {
			t.Errorf("ParseTCString(%q): no error", in)
		}
		if g, rec, err := TCF(in); err == nil || rec || g != SetOf(Necessary) {
			t.Errorf("TCF(%q) = %v, %v, %v", in, g, rec, err)
		}
	}
}

// FuzzTCString: never panics; whatever decodes re-encodes (bitfield form)
// to a string that decodes to the same fields, purpose bits included.
func FuzzTCString(f *testing.F) {
	data, err := os.ReadFile("testdata/tcf-iabtcf.tsv")
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if c := strings.Split(line, "\t"); len(c) == 6 && !strings.HasPrefix(line, "#") {
			f.Add(c[1])
		}
	}
	f.Add("CAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, v string) {
		tc, err := ParseTCString(v)
		if err != nil {
			return
		}
		enc, err := EncodeTCString(tc)
		if err != nil {
			t.Fatalf("decoded %q but cannot encode: %v", v, err)
		}
		back, err := ParseTCString(enc)
		if err != nil || !reflect.DeepEqual(back, tc) {
			t.Fatalf("round trip of %q: %v\n got %+v\nwant %+v", v, err, back, tc)
		}
		if back.Categories() != tc.Categories() || !tc.Categories().Has(Necessary) {
			t.Fatalf("categories differ")
		}
	})
}

func BenchmarkTCF(b *testing.B) {
	v := "CP1R2oAP1SUxAEsADCDECWEkAP_AAAAAAAqIH0QA4AAgAGAvMB9AABmAAAAA"
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := TCF(v); err != nil {
			b.Fatal(err)
		}
	}
}
