// Package snapshot encodes and decodes the snapshot of policylists'
// embedded lists: the compiled tracker DB, cookie DB and tracking
// parameters that the extension's core (wasm/cmd/guard, -tags guard)
// embeds and decodes at start-up instead of parsing and compiling the text.
// It imports what decoding needs and no more, so that the core links
// neither policylists' text parsers and builders nor their dependencies
// (the snippet matcher, the TDS reader, os, path/filepath).
package snapshot

import (
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/cookie"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/msg"
	"github.com/consentguard/consentguard/wasm/pack"
	"github.com/consentguard/consentguard/wasm/param"
	"github.com/consentguard/consentguard/wasm/tracker"
)

// File is the snapshot's file name (in this directory), as errors name it.
const File = "guard.snap"

// magic starts a snapshot of the embedded lists.
const magic = "CGS\x01"

// Encode serialises the parts a snapshot keeps: the tracker DB, the cookie
// DB and the tracking parameters (wasm/pack values after a magic: two
// length-prefixed snapshots, then the parameter names).
func Encode(p engine.Parts) []byte {
	w := &pack.Writer{B: []byte(magic)}
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

// Decode builds the engine from a snapshot Encode wrote. Its strings share
// data's memory. A malformed snapshot is an error naming the part and the
// byte; Decode never panics.
func Decode(data string) (*engine.Engine, error) { return decode(data, false) }

// DecodeLazy is Decode for a snapshot already known good (the embedded
// one, which TestSnapshotInStep and the decoding tests read with Decode):
// the tracker vendors' details, which no decision reads, are decoded on
// first use (tracker.FromSnapshotLazy).
func DecodeLazy(data string) (*engine.Engine, error) { return decode(data, true) }

func decode(data string, lazy bool) (*engine.Engine, error) {
	if len(data) < len(magic) || data[:len(magic)] != magic {
		return nil, msg.Errorf("%s: not a snapshot of the lists (want magic %q)", File, magic)
	}
	r := pack.NewReader(data[len(magic):])
	trk, ck := r.String(), r.String()
	n := r.Count()
	var names []string
	for i := 0; i < n && r.Err() == nil; i++ {
		names = append(names, r.String())
	}
	r.End()
	if err := r.Err(); err != nil {
		return nil, msg.Errorf("%s: %w", File, err)
	}
	p := engine.Parts{ListCategory: map[string]consent.Category{}}
	var err error
	fromSnapshot := tracker.FromSnapshot
	if lazy {
		fromSnapshot = tracker.FromSnapshotLazy
	}
	if p.Trackers, err = fromSnapshot(trk); err != nil {
		return nil, msg.Errorf("%s: %w", File, err)
	}
	if p.Cookies, err = cookie.FromSnapshot(ck); err != nil {
		return nil, msg.Errorf("%s: %w", File, err)
	}
	if len(names) > 0 {
		if p.Params, err = param.New(names); err != nil {
			return nil, msg.Errorf("%s: parameters: %w", File, err)
		}
	}
	return engine.New(p), nil
}
