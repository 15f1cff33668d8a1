//go:build guard

package snapshot

import (
	_ "embed"

	"github.com/consentguard/consentguard/wasm/engine"
)

// embedded is the snapshot written at build time (`go generate
// ./policylists`, run by `make wasm`); policylists' TestSnapshotInStep
// fails when it is out of step with the lists.
//
//go:embed guard.snap
var embedded string

// Default decodes the embedded snapshot: the engine policylists.Default
// compiles from the text lists, without parsing or compiling them. The
// tracker vendors' details wait for their first use (DecodeLazy): the
// embedded snapshot is checked by the tests that decode it eagerly.
func Default() (*engine.Engine, error) { return DecodeLazy(embedded) }
