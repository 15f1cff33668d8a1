//go:build !guard

package consent

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestOneTrust(t *testing.T) {
	real := "isGpcEnabled=0&datestamp=Tue+Nov+18+2025+10%3A12%3A03+GMT%2B0100+(Central+European+Standard+Time)&version=202409.1.0&browserGpcFlag=0&isIABGlobal=false&hosts=&consentId=0a1b2c3d-aaaa-bbbb-cccc-0123456789ab&interactionCount=1&isAnonUser=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1%2CC0004%3A0%2CC0005%3A0&AwaitingReconsent=false"
	tests := []struct {
		name, in string
		want     Set
		recorded bool
		err      bool
	}{
		{"real", real, SetOf(Necessary, Functional), true, false},
		{"all", "groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1%2CC0005%3A1&interactionCount=2", SetOf(Necessary, Analytics, Functional, Advertising, Social), true, false},
		{"none", "groups=C0001%3A1%2CC0002%3A0%2CC0003%3A0%2CC0004%3A0%2CC0005%3A0&interactionCount=1", SetOf(Necessary), true, false},
		{"unencoded groups", "groups=C0001:1,C0002:1&interactionCount=1", SetOf(Necessary, Analytics), true, false},
		{"defaults before interaction", "groups=C0001%3A1%2CC0002%3A1&interactionCount=0&landingPath=https%3A%2F%2Fa.example%2F", SetOf(Necessary, Analytics), false, false},
		{"double encoded", url.QueryEscape("groups=C0001:1,C0004:1&interactionCount=1"), SetOf(Necessary, Advertising), true, false},
		{"stacks and custom ids ignored", "groups=C0001%3A1%2CV2STACK42%3A1%2CC0099%3A1&interactionCount=1", SetOf(Necessary), true, false},
		{"empty groups", "groups=&interactionCount=1", SetOf(Necessary), true, false},
		{"empty", "", SetOf(Necessary), false, true},
		{"no groups", "isGpcEnabled=0&interactionCount=1", SetOf(Necessary), false, true},
		{"bad state", "groups=C0001%3A1%2CC0002%3Ayes", SetOf(Necessary), false, true},
		{"bad item", "groups=C0001", SetOf(Necessary), false, true},
		{"bad escape", "groups=C0001%3", SetOf(Necessary), false, true},
		{"repeated groups", "groups=C0002:1&groups=C0002:0", SetOf(Necessary), false, true},
		{"bad count", "groups=C0002:1&interactionCount=x", SetOf(Necessary), false, true},
	}
	for _, tt := range tests {
		got, rec, err := OneTrust(tt.in)
		if got != tt.want || rec != tt.recorded || (err != nil) != tt.err {
			t.Errorf("%s: OneTrust = %v, %v, %v; want %v, %v, err %v", tt.name, got, rec, err, tt.want, tt.recorded, tt.err)
		}
	}
}

func TestCookiebot(t *testing.T) {
	real := "%7Bstamp%3A%27Hk8L1mGzDOO0d3o9tJ9w2Hk%2BQx1zAHG6WUmNQ%3D%3D%27%2Cnecessary%3Atrue%2Cpreferences%3Afalse%2Cstatistics%3Atrue%2Cmarketing%3Afalse%2Cmethod%3A%27explicit%27%2Cver%3A1%2Cutc%3A1763460000000%2Cregion%3A%27de%27%7D"
	tests := []struct {
		name, in string
		want     Set
		recorded bool
		err      bool
	}{
		{"real", real, SetOf(Necessary, Analytics), true, false},
		{"plain all", "{stamp:'x',necessary:true,preferences:true,statistics:true,marketing:true,method:'explicit',ver:1}", SetOf(Necessary, Functional, Analytics, Advertising, Social), true, false},
		{"plain none", "{stamp:'-1,x',necessary:true,preferences:false,statistics:false,marketing:false}", SetOf(Necessary), true, false},
		{"no consent required region", "-1", SetOf(Necessary), false, false},
		{"quoted true is not true", "{stamp:'x',necessary:true,preferences:'true',statistics:false,marketing:false}", SetOf(Necessary), false, true},
		{"missing marketing", "{stamp:'x',necessary:true,preferences:false,statistics:false}", SetOf(Necessary), false, true},
		{"missing stamp", "{necessary:true,preferences:false,statistics:false,marketing:false}", SetOf(Necessary), false, true},
		{"necessary false", "{stamp:'x',necessary:false,preferences:false,statistics:false,marketing:false}", SetOf(Necessary), false, true},
		{"duplicate", "{stamp:'x',necessary:true,preferences:false,statistics:false,marketing:false,marketing:true}", SetOf(Necessary), false, true},
		{"unterminated", "{stamp:'x,necessary:true}", SetOf(Necessary), false, true},
		{"not an object", "stamp:'x'", SetOf(Necessary), false, true},
		{"bad escape", "%7Bstamp%3", SetOf(Necessary), false, true},
		{"empty", "", SetOf(Necessary), false, true},
	}
	for _, tt := range tests {
		got, rec, err := Cookiebot(tt.in)
		if got != tt.want || rec != tt.recorded || (err != nil) != tt.err {
			t.Errorf("%s: Cookiebot = %v, %v, %v; want %v, %v, err %v", tt.name, got, rec, err, tt.want, tt.recorded, tt.err)
		}
	}
}

// FuzzOptanon: never panics; a successful read grants Necessary and only
// the categories OneTrust groups can grant; rebuilding the groups field
// from the result reads back the same set.
func FuzzOptanon(f *testing.F) {
	f.Add("groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1%2CC0004%3A0%2CC0005%3A0&interactionCount=1")
	f.Add("groups=C0001:1,C0004:1")
	f.Add("isGpcEnabled=0&groups=&interactionCount=0")
	f.Add("groups%3DC0001%253A1")
	possible := SetOf(Necessary, Analytics, Functional, Advertising, Social)
	f.Fuzz(func(t *testing.T, v string) {
		got, rec, err := OneTrust(v)
		if !got.Has(Necessary) || got&^possible != 0 {
			t.Fatalf("OneTrust(%q) = %v", v, got)
		}
		if err != nil {
			if rec || got != SetOf(Necessary) {
				t.Fatalf("error with grants: %v %v %v", got, rec, err)
			}
			return
		}
		var items []string
		for id, s := range oneTrustGroups {
			st := "0"
			if got&s == s {
				st = "1"
			}
			items = append(items, id+":"+st)
		}
		back, rec2, err := OneTrust("interactionCount=1&groups=" + url.QueryEscape(strings.Join(items, ",")))
		if err != nil || back != got || !rec2 {
			t.Fatalf("rebuild of %v read %v, %v, %v", got, back, rec2, err)
		}
	})
}

// FuzzCookieConsent: never panics; results are consistent, and a record
// rebuilt from the result reads back the same set.
func FuzzCookieConsent(f *testing.F) {
	f.Add("{stamp:'x',necessary:true,preferences:true,statistics:false,marketing:true,method:'explicit'}")
	f.Add("%7Bstamp%3A%27a%27%2Cnecessary%3Atrue%2Cpreferences%3Afalse%2Cstatistics%3Atrue%2Cmarketing%3Afalse%7D")
	f.Add("-1")
	f.Add("{'stamp':\"a\\\"b\",necessary:true}")
	possible := SetOf(Necessary, Functional, Analytics, Advertising, Social)
	f.Fuzz(func(t *testing.T, v string) {
		got, rec, err := Cookiebot(v)
		if !got.Has(Necessary) || got&^possible != 0 || (got.Has(Advertising) != got.Has(Social)) {
			t.Fatalf("Cookiebot(%q) = %v", v, got)
		}
		if err != nil || !rec {
			if got != SetOf(Necessary) {
				t.Fatalf("no record but grants: %v %v %v", got, rec, err)
			}
			return
		}
		rebuilt := fmt.Sprintf("{stamp:'s',necessary:true,preferences:%v,statistics:%v,marketing:%v}", got.Has(Functional), got.Has(Analytics), got.Has(Advertising))
		back, rec2, err := Cookiebot(url.PathEscape(rebuilt))
		if err != nil || back != got || !rec2 {
			t.Fatalf("rebuild of %v read %v, %v, %v", got, back, rec2, err)
		}
	})
}

func ExampleOneTrust() {
	granted, recorded, err := OneTrust("interactionCount=1&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A0%2CC0005%3A0")
	fmt.Println(granted, recorded, err)
	// Output: necessary,analytics true <nil>
}

func ExampleCookiebot() {
	granted, recorded, err := Cookiebot("{stamp:'x',necessary:true,preferences:true,statistics:false,marketing:false,method:'explicit',ver:1}")
	fmt.Println(granted, recorded, err)
	// Output: necessary,functional true <nil>
}
