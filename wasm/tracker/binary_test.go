package tracker

import (
	"reflect"
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
		{"category none", snapMagic + "\x01\x01a\x00\x00\x00", "vendors: byte 6: category none"},
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
	mini, _ := Compile()
	f.Add(string(mini.Snapshot()))
	f.Add(snapMagic + "\x01\x01a\x01A\x00\x03\x01\x01\x01u\x01\x04host\x03a.b\x03\x00\x01\x01\x00\x03\x03a.b\x01f\x01\x01\x01/x\x00\x01/\x01x\x00\x03\x02/x\x00")
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
