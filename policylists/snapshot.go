package policylists

import (
	"github.com/consentguard/consentguard/policylists/snapshot"
	"github.com/consentguard/consentguard/wasm/engine"
)

//go:generate go run ./cmd/snapshot -o snapshot/guard.snap

// SnapshotFile is the snapshot of the embedded lists that the extension's
// core (-tags guard) embeds and decodes at start-up instead of parsing and
// compiling the text, relative to this directory (package
// policylists/snapshot embeds it). `go generate ./policylists` (run by
// `make wasm`) writes it; TestSnapshotInStep fails when it is out of step
// with the lists.
const SnapshotFile = "snapshot/" + snapshot.File

// Snapshot compiles the embedded lists and serialises the result: the
// tracker DB, the cookie DB and the tracking parameters (see package
// policylists/snapshot). An embedded list with errors is an error.
func Snapshot() ([]byte, error) {
	e, err := fromText()
	if err != nil {
		return nil, err
	}
	return snapshot.Encode(e.Parts()), nil
}

// FromSnapshot builds the engine Default would from a Snapshot. Its strings
// share data's memory. A malformed snapshot is an error naming the part
// and the byte; FromSnapshot never panics.
func FromSnapshot(data string) (*engine.Engine, error) { return snapshot.Decode(data) }
