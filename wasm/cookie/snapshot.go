package cookie

import (
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/msg"
	"github.com/consentguard/consentguard/wasm/pack"
)

// snapMagic starts a DB snapshot.
const snapMagic = "CGC\x01"

// maxLine bounds a line number in a snapshot.
const maxLine = 1 << 30

// Snapshot serialises the DB's rules, in order, and its shadowed count
// (wasm/pack values: magic; rules: pattern, domain, category, vendor,
// vendor name, list, line; shadowed). FromSnapshot reads it back. The
// extension's core decodes a snapshot made at build time instead of parsing
// the text catalog at every start.
func (db *DB) Snapshot() []byte {
	w := &pack.Writer{B: []byte(snapMagic)}
	w.Int(len(db.rules))
	for i := range db.rules {
		r := &db.rules[i]
		w.Ref(r.pattern)
		w.Ref(r.domain)
		w.Int(int(r.category))
		w.Ref(r.vendor)
		w.Ref(r.vendorName)
		w.Ref(r.list)
		w.Int(r.line)
	}
	w.Int(db.shadowed)
	return w.B
}

// FromSnapshot reads a DB written by Snapshot; its strings share data's
// memory. The rules are added again in order (so the indexes are those
// Add builds); a malformed input, or a rule Add would refuse or find
// repeated, is an error naming the byte or the rule. It never panics.
func FromSnapshot(data string) (*DB, error) {
	if len(data) < len(snapMagic) || data[:len(snapMagic)] != snapMagic {
		return nil, msg.Errorf("cookie snapshot: not a serialised cookie DB (want magic %q)", snapMagic)
	}
	r := pack.NewReader(data[len(snapMagic):])
	ncat := len(consent.Categories())
	n := r.Count()
	entries := make([]Entry, 0, n)
	for i := 0; i < n && r.Err() == nil; i++ {
		entries = append(entries, Entry{Pattern: r.Ref(), Domain: r.Ref(), Category: consent.Category(r.Int(ncat)),
			Vendor: r.Ref(), VendorName: r.Ref(), List: r.Ref(), Line: r.Int(maxLine)})
	}
	shadowed := r.Int(maxLine)
	r.End()
	if err := r.Err(); err != nil {
		return nil, msg.Errorf("cookie snapshot: rules: %w", err)
	}
	db := &DB{rules: make([]rule, 0, len(entries)), exact: make(map[string][]int32, len(entries)),
		prefix: map[string][]int32{}, seen: make(map[string]struct{}, len(entries))}
	if errs := db.Add(entries...); len(errs) > 0 {
		return nil, msg.Errorf("cookie snapshot: %w", errs[0])
	}
	if db.shadowed > 0 {
		return nil, msg.Errorf("cookie snapshot: %d rules repeat an earlier pattern and domain", db.shadowed)
	}
	for i := range entries {
		if entries[i].Domain != db.rules[i].domain {
			return nil, msg.Errorf("cookie snapshot: rule %d: domain %q not in canonical form", i, entries[i].Domain)
		}
	}
	db.shadowed = shadowed
	return db, nil
}
