package cookie

import (
	"reflect"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/consent"
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
	rule := func(pattern, domain string) string {
		return "\x01" + string(rune(len(pattern))) + pattern + string(rune(len(domain))) + domain + "\x03\x01v\x01V\x01l\x01"
	}
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "not a serialised cookie DB"},
		{"truncated", snap[:len(snap)/2], "cookie snapshot: rules: byte "},
		{"trailing", snap + "x", "bytes left over"},
		{"bad pattern", snapMagic + rule("a b", "") + "\x00", `l:1: cookie "a b": bad character ' '`},
		{"domain not canonical", snapMagic + rule("x", ".A.b") + "\x00", `rule 0: domain ".A.b" not in canonical form`},
		{"repeated", snapMagic + "\x02" + rule("x", "")[1:] + rule("x", "")[1:] + "\x00", "1 rules repeat"},
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
// decoded without error snapshots back to the same bytes and classifies.
func FuzzSnapshot(f *testing.F) {
	_, db, _ := ourList(f)
	f.Add(string(db.Snapshot()))
	f.Add(string(NewDB().Snapshot()))
	f.Add(snapMagic + "\x02\x03_ga\x00\x03\x01v\x01V\x01l\x01\x05mp_*x\x05a.com\x04\x01w\x01W\x01l\x02\x00")
	f.Fuzz(func(t *testing.T, data string) {
		db, err := FromSnapshot(data)
		if err != nil {
			return
		}
		if again := string(db.Snapshot()); again != data {
			t.Fatal("snapshot of the decoded DB differs from the input")
		}
		db.Classify("_ga", "www.a.com")
		db.Classify("mp_1x", "a.com")
	})
}
