package policylists

import (
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/cookie"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/msg"
	"github.com/consentguard/consentguard/wasm/pack"
	"github.com/consentguard/consentguard/wasm/param"
	"github.com/consentguard/consentguard/wasm/tracker"
)

//go:generate go run ./cmd/snapshot -o guard.snap

// SnapshotFile is the snapshot of the embedded lists that the extension's
// core (-tags guard) embeds and decodes at start-up instead of parsing and
// compiling the text. `go generate ./policylists` (run by `make wasm`)
// writes it; TestSnapshotInStep fails when it is out of step with the lists.
const SnapshotFile = "guard.snap"

// snapMagic starts a snapshot of the embedded lists.
const snapMagic = "CGS\x01"

// Snapshot compiles the embedded lists and serialises the result: the
// tracker DB, the cookie DB and the tracking parameters (wasm/pack values
// after a magic: two length-prefixed snapshots, then the parameter names).
// An embedded list with errors is an error.
func Snapshot() ([]byte, error) {
	e, err := fromText()
	if err != nil {
		return nil, err
	}
	return encode(e.Parts()), nil
}

// encode serialises the parts a snapshot keeps.
func encode(p engine.Parts) []byte {
	w := &pack.Writer{B: []byte(snapMagic)}
	w.String(string(p.Trackers.Snapshot()))
	w.String(string(p.Cookies.Snapshot()))
	var names []string
	if p.Params != nil {
		names = p.Params.Names()
	}
	w.Int(len(names))
	for _, n := range names {
		w.String(n)
	}
	return w.B
}

// FromSnapshot builds the engine Default would from a Snapshot. Its strings
// share data's memory. A malformed snapshot is an error naming the part
// and the byte; FromSnapshot never panics.
func FromSnapshot(data string) (*engine.Engine, error) {
	if len(data) < len(snapMagic) || data[:len(snapMagic)] != snapMagic {
		return nil, msg.Errorf("%s: not a snapshot of the lists (want magic %q)", SnapshotFile, snapMagic)
	}
	r := pack.NewReader(data[len(snapMagic):])
	trk, ck := r.String(), r.String()
	n := r.Count()
	var names []string
	for i := 0; i < n && r.Err() == nil; i++ {
		names = append(names, r.String())
	}
	r.End()
	if err := r.Err(); err != nil {
		return nil, msg.Errorf("%s: %w", SnapshotFile, err)
	}
	p := engine.Parts{ListCategory: map[string]consent.Category{}}
	var err error
	if p.Trackers, err = tracker.FromSnapshot(trk); err != nil {
		return nil, msg.Errorf("%s: %w", SnapshotFile, err)
	}
	if p.Cookies, err = cookie.FromSnapshot(ck); err != nil {
		return nil, msg.Errorf("%s: %w", SnapshotFile, err)
	}
	if len(names) > 0 {
		if p.Params, err = param.New(names); err != nil {
			return nil, msg.Errorf("%s: parameters: %w", SnapshotFile, err)
		}
	}
	return engine.New(p), nil
}
