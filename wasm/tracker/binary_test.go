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
// decoded without error snapshots back to the same bytes, and matching with
// it does not panic.
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
		if again := string(db.Snapshot()); again != data {
			t.Fatalf("snapshot of the decoded DB differs from the input")
		}
		db.URL("a.b", "/x?y=1")
		db.Host("www.google-analytics.com")
	})
}
