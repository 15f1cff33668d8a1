package cookie

import (
	"reflect"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/pack"
)

// TestSnapshotRoundTrip: the DB read back from a snapshot of cookies.txt is
// the DB compiled from its text.
func TestSnapshotRoundTrip(t *testing.T) {
	_, db, _ := ourList(t)
	got, err := FromSnapshot(string(db.Snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, db) {
		t.Fatal("the DB read back from its snapshot differs from the compiled one")
	}
	if m, ok := got.Classify("_ga", "example.com"); !ok || m.Category != consent.Analytics {
		t.Fatalf("decoded DB: _ga = %+v, %v", m, ok)
	}
}

func TestSnapshotErrors(t *testing.T) {
	_, db, _ := ourList(t)
	snap := string(db.Snapshot())
	// rules writes a snapshot of rules given as pattern, domain pairs.
	rules := func(pd ...string) string {
		w := &pack.Writer{B: []byte(snapMagic)}
		w.Int(len(pd) / 2)
		for i := 0; i < len(pd); i += 2 {
			w.Ref(pd[i])
			w.Ref(pd[i+1])
			w.Int(int(consent.Analytics))
			w.Ref("v")
			w.Ref("V")
			w.Ref("l")
			w.Int(1)
		}
		w.Int(0)
		return string(w.B)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "not a serialised cookie DB"},
		{"truncated", snap[:len(snap)/2], "cookie snapshot: rules: byte "},
		{"trailing", snap + "x", "bytes left over"},
		{"bad pattern", rules("a b", ""), `l:1: cookie "a b": bad character ' '`},
		{"domain not canonical", rules("x", ".A.b"), `rule 0: domain ".A.b" not in canonical form`},
		{"repeated", rules("x", "", "x", ""), "1 rules repeat"},
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
// snapshotting those gives them back) and both DBs classify alike.
func FuzzSnapshot(f *testing.F) {
	_, db, _ := ourList(f)
	f.Add(string(db.Snapshot()))
	f.Add(string(NewDB().Snapshot()))
	two := NewDB()
	two.Add(Entry{Pattern: "_ga", Category: consent.Analytics, Vendor: "v", VendorName: "V", List: "l", Line: 1},
		Entry{Pattern: "mp_*x", Domain: "a.com", Category: consent.Advertising, Vendor: "w", VendorName: "W", List: "l", Line: 2})
	f.Add(string(two.Snapshot()))
	f.Fuzz(func(t *testing.T, data string) {
		db, err := FromSnapshot(data)
		if err != nil {
			return
		}
		// Canonical: an input may spell a repeated string out again instead
		// of referring back to it; its snapshot does not, and is a fixed point.
		again := string(db.Snapshot())
		db2, err := FromSnapshot(again)
		if err != nil {
			t.Fatalf("the snapshot of a decoded DB does not decode: %v", err)
		}
		if string(db2.Snapshot()) != again {
			t.Fatal("snapshot not canonical: decoding and snapshotting it changes it")
		}
		for _, c := range [][2]string{{"_ga", "www.a.com"}, {"mp_1x", "a.com"}, {"0", ""}, {"00", "0"}} {
			a, aok := db.Classify(c[0], c[1])
			b, bok := db2.Classify(c[0], c[1])
			if aok != bok || !reflect.DeepEqual(a, b) {
				t.Fatalf("Classify(%q, %q): %+v from the input, %+v from its snapshot", c[0], c[1], a, b)
			}
		}
	})
}
