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

// TestFromSnapshotLazy: a lazily decoded DB matches as the eager one does
// before its vendors' details are read, reads them on the first Vendor
// call (once, also when called concurrently) and then equals it.
func TestFromSnapshotLazy(t *testing.T) {
	db, errs := Compile(shippedCatalogs(t, true)...)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	snap := string(db.Snapshot())
	eager, err := FromSnapshot(snap)
	if err != nil {
		t.Fatal(err)
	}
	lazy, err := FromSnapshotLazy(snap)
	if err != nil {
		t.Fatal(err)
	}
	if lazy.details.Load() == nil || lazy.vendors[0].Entries != nil {
		t.Fatal("FromSnapshotLazy decoded the vendors' details")
	}
	for _, u := range [][2]string{{"www.google-analytics.com", "/g/collect?v=2&tid=G-1"}, {"connect.facebook.net", "/en_US/fbevents.js"},
		{"example.com", "/metrics/g/collect?v=2&tid=G-1"}, {"example.com", "/"}} {
		a, aok := eager.URL(u[0], u[1])
		b, bok := lazy.URL(u[0], u[1])
		if aok != bok || a != b {
			t.Errorf("URL(%q, %q): eager %+v %v, lazy %+v %v", u[0], u[1], a, aok, b, bok)
		}
	}
	if lazy.vendors[0].Entries != nil {
		t.Fatal("matching read the vendors' details")
	}
	ids := lazy.VendorIDs()
	done := make(chan catalog.Vendor)
	for range 8 {
		go func() { v, _ := lazy.Vendor(ids[0]); done <- v }()
	}
	for range 8 {
		if v := <-done; len(v.Entries) == 0 || len(v.Sources) == 0 {
			t.Fatalf("Vendor(%q) on the lazy DB: no details: %+v", ids[0], v)
		}
	}
	for _, id := range ids {
		a, _ := eager.Vendor(id)
		b, _ := lazy.Vendor(id)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("Vendor(%q): eager %+v, lazy %+v", id, a, b)
		}
	}
	if string(lazy.Snapshot()) != snap {
		t.Fatal("the lazy DB snapshots to other bytes")
	}
	if !reflect.DeepEqual(lazy, eager) {
		t.Fatal("the lazy DB, its details read, differs from the eager one")
	}
	// A fault in the details: FromSnapshot refuses the input; the lazy DB
	// still matches, and its vendors come without details.
	bad := snap[:len(snap)-1]
	if _, err := FromSnapshot(bad); err == nil || !strings.Contains(err.Error(), "vendor details") {
		t.Fatalf("FromSnapshot of a snapshot cut in its details: %v", err)
	}
	cut, err := FromSnapshotLazy(bad)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := cut.URL("www.google-analytics.com", "/g/collect"); !ok || m.Vendor != "google-analytics" {
		t.Fatalf("lazy DB with cut details: %+v %v", m, ok)
	}
	if _, ok := cut.Vendor("google-analytics"); !ok {
		t.Fatal("lazy DB with cut details lost the vendor")
	}
}

func TestSnapshotErrors(t *testing.T) {
	db, _ := Compile(shippedCatalogs(t, false)...)
	snap := string(db.Snapshot())
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "not a serialised tracker DB"},
		{"text form", magic + "[a] A\n", "not a serialised tracker DB"},
		{"truncated", snap[:len(snap)/2], "tracker snapshot: "},
		{"cut in the details", snap[:len(snap)-1], "tracker snapshot: vendor details: "},
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
