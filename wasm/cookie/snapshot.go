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
	db := &DB{rules: make([]rule, 0, n), exact: make(map[string][]int32, n), prefix: map[string][]int32{}}
	// The rules are added as they are read; a reading error wins over the
	// first rule Add refuses, that over repeats, that over a domain not in
	// canonical form.
	a := adder{db: db, n: n}
	var addErr error
	bad, badDomain := -1, ""
	for i := 0; i < n; i++ {
		e := Entry{Pattern: r.Ref(), Domain: r.Ref(), Category: consent.Category(r.Int(ncat)),
			Vendor: r.Ref(), VendorName: r.Ref(), List: r.Ref(), Line: r.Int(maxLine)}
		if r.Err() != nil {
			break
		}
		if addErr != nil {
			continue
		}
		before := len(db.rules)
		if addErr = a.add(&e); addErr == nil && len(db.rules) > before && bad < 0 && db.rules[before].domain != e.Domain {
			bad, badDomain = i, e.Domain
		}
	}
	shadowed := r.Int(maxLine)
	r.End()
	if err := r.Err(); err != nil {
		return nil, msg.Errorf("cookie snapshot: rules: %w", err)
	}
	if addErr != nil {
		return nil, msg.Errorf("cookie snapshot: %w", addErr)
	}
	if db.shadowed > 0 {
		return nil, msg.Errorf("cookie snapshot: %d rules repeat an earlier pattern and domain", db.shadowed)
	}
	if bad >= 0 {
		return nil, msg.Errorf("cookie snapshot: rule %d: domain %q not in canonical form", bad, badDomain)
	}
	a.finish()
	db.shadowed = shadowed
	return db, nil
}
