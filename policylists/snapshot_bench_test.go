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
