package tracker

import (
	"reflect"

	"github.com/consentguard/consentguard/wasm/catalog"
	"strings"
	"testing"
)

// TestSnapshotRoundTrip: the DB decoded from a snapshot of the shipped
// lists is the DB compiled from their text, tables, maps and all.
func TestSnapshotRoundTrip(t *testing.T) {
	db, errs := Compile(shippedCatalogs(t, true)...)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got, err := FromSnapshot(string(db.Snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, db) {
		t.Fatal("the DB read back from its snapshot differs from the compiled one")
	}
	if m, ok := got.URL("www.google-analytics.com", "/g/collect?v=2&tid=G-1"); !ok || m.Vendor != "google-analytics" {
		t.Fatalf("decoded DB: google-analytics.com matched %+v", m)
	}
}

func TestSnapshotErrors(t *testing.T) {
	db, _ := Compile(shippedCatalogs(t, false)...)
	snap := string(db.Snapshot())
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "not a serialised tracker DB"},
		{"text form", magic + "[a] A\n", "not a serialised tracker DB"},
		{"truncated", snap[:len(snap)/2], "tracker snapshot: "},
		{"trailing", snap + "x", "bytes left over"},
		{"category none", snapMagic + "\x01\x00\x01a\x00\x01A\x02\x00", "vendors: byte 9: category none"},
		{"bad host vendor", snapMagic + "\x00\x01\x05", "hosts: byte 3: vendor 5 of 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := FromSnapshot(tc.in)
			if err == nil || db != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("FromSnapshot = %v, %v; want error containing %q", db, err, tc.want)
			}
		})
	}
}

// FuzzSnapshot: any input decodes to a DB or an error, never a panic; a DB
// decoded without error snapshots to canonical bytes (decoding and
// snapshotting those gives them back: an input may spell a repeated string
// out again instead of referring back to it, which decodes the same), and
// both DBs answer alike.
func FuzzSnapshot(f *testing.F) {
	db, _ := Compile(shippedCatalogs(f, false)...)
	f.Add(string(db.Snapshot()))
	empty, _ := Compile()
	f.Add(string(empty.Snapshot()))
	c, _ := catalog.Parse("f.txt", []byte("[a] A\ncategory analytics\nsource https://a.example/\nhost a.b\npath /x?y=z domain=a.b\npath /*/t\ncookie _a\n"))
	small, _ := Compile(c)
	f.Add(string(small.Snapshot()))
	f.Fuzz(func(t *testing.T, data string) {
		db, err := FromSnapshot(data)
		if err != nil {
			return
		}
		again := string(db.Snapshot())
		db2, err := FromSnapshot(again)
		if err != nil {
			t.Fatalf("the snapshot of a decoded DB does not decode: %v", err)
		}
		if string(db2.Snapshot()) != again {
			t.Fatal("snapshot not canonical: decoding and snapshotting it changes it")
		}
		for _, h := range []string{"a.b", "www.google-analytics.com", "0", "00"} {
			a, aok := db.Host(h)
			b, bok := db2.Host(h)
			if aok != bok || !reflect.DeepEqual(a, b) {
				t.Fatalf("Host(%q): %+v from the input, %+v from its snapshot", h, a, b)
			}
		}
		a, aok := db.URL("a.b", "/x?y=1")
		b, bok := db2.URL("a.b", "/x?y=1")
		if aok != bok || !reflect.DeepEqual(a, b) {
			t.Fatalf("URL: %+v from the input, %+v from its snapshot", a, b)
		}
	})
}
