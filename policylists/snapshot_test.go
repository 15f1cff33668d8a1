package policylists

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/policylists/snapshot"
)

// snapMagic starts a snapshot (package snapshot's magic).
const snapMagic = "CGS\x01"

// TestSnapshotInStep: the committed snapshot the extension's core embeds
// is the one the embedded lists compile to.
func TestSnapshotInStep(t *testing.T) {
	want, err := Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(SnapshotFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("%s is out of step with the lists (%d bytes, want %d): run `go generate ./policylists`", SnapshotFile, len(got), len(want))
	}
}

// TestSnapshotEngine: the engine decoded from the snapshot is the engine
// compiled from the text, and decides the same.
func TestSnapshotEngine(t *testing.T) {
	want, err := fromText()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	got, err := FromSnapshot(string(snap))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("the engine decoded from the snapshot differs from the one compiled from the text")
	}
	if m := got.Cookie("_ga", "example.com"); m.Vendor != "google-analytics" {
		t.Errorf("Cookie(_ga) = %+v", m)
	}
	if u, n := got.Params().Strip("https://a.example/?utm_source=x&id=1"); n != 1 || u != "https://a.example/?id=1" {
		t.Errorf("Strip = %q, %d", u, n)
	}
}

func TestSnapshotErrors(t *testing.T) {
	snap, err := Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "guard.snap: not a snapshot of the lists"},
		{"truncated", string(snap[:len(snap)/3]), "guard.snap: byte "},
		{"trailing", string(snap) + "\x00", "guard.snap: byte "},
		{"bad tracker part", snapMagic + "\x01x\x00\x00", "guard.snap: tracker snapshot: not a serialised tracker DB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := FromSnapshot(tc.in)
			if err == nil || e != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("FromSnapshot = %v, %v; want error containing %q", e, err, tc.want)
			}
		})
	}
}

// FuzzSnapshot: any input gives an engine or an error, never a panic; an
// engine decoded without error encodes back to the input and decides.
func FuzzSnapshot(f *testing.F) {
	snap, err := Snapshot()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(snap))
	f.Add(snapMagic + "\x00\x00\x00")
	f.Fuzz(func(t *testing.T, data string) {
		e, err := FromSnapshot(data)
		if err != nil {
			return
		}
		if again := string(snapshot.Encode(e.Parts())); again != data {
			t.Fatal("the decoded engine encodes to other bytes")
		}
		e.Cookie("_ga", "a.example")
		if p := e.Params(); p != nil {
			p.Strip("https://a.example/?utm_source=1")
		}
	})
}
