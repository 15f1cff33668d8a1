package policylists

import "testing"

// BenchmarkDefaultFromText is what the core did at every start before the
// snapshot: parse and compile the embedded lists.
func BenchmarkDefaultFromText(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := fromText(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDefaultFromSnapshot is what the extension's core does at start:
// decode the build-time snapshot.
func BenchmarkDefaultFromSnapshot(b *testing.B) {
	snap, err := Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	s := string(snap)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := FromSnapshot(s); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFromSnapshotAllocs: decoding the snapshot allocates per table and per
// slab of entries, not per vendor, host or cookie rule (3401 allocations
// before the slabs and the cookie DB's shared candidate lists; 250 after).
// The bound leaves room for a few more tables, not for per-item allocation
// (the snapshot holds thousands of items).
func TestFromSnapshotAllocs(t *testing.T) {
	snap, err := Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	s := string(snap)
	n := testing.AllocsPerRun(5, func() {
		if _, err := FromSnapshot(s); err != nil {
			t.Fatal(err)
		}
	})
	if n > 400 {
		t.Errorf("FromSnapshot: %v allocations, want <= 400", n)
	}
}
