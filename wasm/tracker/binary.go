package tracker

import (
	"sync"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/msg"
	"github.com/consentguard/consentguard/wasm/pack"
)

// snapMagic starts a DB snapshot.
const snapMagic = "CGT\x02"

// Serialised form (wasm/pack values): magic; vendors (id, name, owner,
// category, line); hosts (vendor, category, pattern, file, line); path
// signatures in their order of specificity (pattern, params: name, value,
// prefix; literal prefix, longest literal, vendor, category, signature,
// domain); last, each vendor's details (sources, entries: kind, value,
// category, domain, line), which matching never reads: FromSnapshotLazy
// leaves them for later. The maps are rebuilt from these tables when it is
// read.

// Snapshot serialises the compiled DB, tables and all (MarshalBinary's form
// is the canonical text, which must be parsed and compiled again);
// FromSnapshot reads it back. The extension's core decodes a snapshot made
// at build time instead of parsing and compiling the text lists at every
// start.
func (db *DB) Snapshot() []byte {
	db.loadDetails()
	w := &pack.Writer{B: []byte(snapMagic)}
	w.Int(len(db.vendors))
	for i := range db.vendors {
		v := &db.vendors[i]
		w.Ref(v.ID)
		w.Ref(v.Name)
		w.Ref(v.Owner)
		w.Int(int(v.Category))
		w.Int(v.Line)
	}
	w.Int(len(db.hostList))
	for _, h := range db.hostList {
		w.Int(int(h.vendor))
		w.Int(int(h.category))
		w.Ref(h.pattern)
		w.Ref(h.file)
		w.Int(h.line)
	}
	w.Int(len(db.paths))
	for i := range db.paths {
		writePath(w, &db.paths[i])
	}
	for i := range db.vendors {
		writeDetails(w, &db.vendors[i])
	}
	return w.B
}

func writeDetails(w *pack.Writer, v *catalog.Vendor) {
	w.Int(len(v.Sources))
	for _, s := range v.Sources {
		w.Ref(s)
	}
	w.Int(len(v.Entries))
	for _, e := range v.Entries {
		w.Ref(e.Kind)
		w.Ref(e.Value)
		w.Int(int(e.Category))
		w.Ref(e.Domain)
		w.Int(e.Line)
	}
}

func writePath(w *pack.Writer, p *pathEntry) {
	w.Ref(p.sig.Pattern)
	w.Int(len(p.sig.Params))
	for _, q := range p.sig.Params {
		w.Ref(q.Name)
		w.Ref(q.Value)
		w.Bool(q.Prefix)
	}
	w.Ref(p.prefix)
	w.Ref(p.literal)
	w.Int(int(p.vendor))
	w.Int(int(p.category))
	w.Ref(p.pattern)
	w.Ref(p.domain)
}

// maxLine bounds a line number in the serialised form.
const maxLine = 1 << 30

// FromSnapshot reads a DB written by Snapshot. Its strings share data's
// memory. A malformed or truncated input is an error naming the byte and
// the table it was in; FromSnapshot never panics.
func FromSnapshot(data string) (*DB, error) { return fromSnapshot(data, false) }

// FromSnapshotLazy is FromSnapshot for a snapshot already known good (the
// one a build embeds, which its tests decode with FromSnapshot): the
// vendors' sources and entries, which matching never reads, are decoded on
// the first call that needs them (Vendor, Snapshot, MarshalBinary), so a
// cold start does not pay for them. A fault in that part is found then,
// not here: those calls then see the vendors without details.
func FromSnapshotLazy(data string) (*DB, error) { return fromSnapshot(data, true) }

func fromSnapshot(data string, lazy bool) (*DB, error) {
	if len(data) < len(snapMagic) || data[:len(snapMagic)] != snapMagic {
		return nil, msg.Errorf("tracker snapshot: not a serialised tracker DB (want magic %q)", snapMagic)
	}
	d := &decoder{r: pack.NewReader(data[len(snapMagic):]), ncat: len(consent.Categories())}
	db := &DB{}
	d.vendors(db)
	d.hosts(db)
	d.paths(db)
	if err := d.r.Err(); err != nil {
		return nil, msg.Errorf("tracker snapshot: %s: %w", d.table, err)
	}
	db.index()
	if lazy {
		db.details.Store(&lazyDetails{d: d})
		return db, nil
	}
	if err := d.details(db); err != nil {
		return nil, err
	}
	return db, nil
}

// lazyDetails is what FromSnapshotLazy left: the decoder, positioned at the
// vendors' details.
type lazyDetails struct {
	once sync.Once
	d    *decoder
}

// loadDetails decodes the vendors' details FromSnapshotLazy left, once;
// afterwards the DB is as FromSnapshot would have made it.
func (db *DB) loadDetails() {
	if db == nil {
		return
	}
	l := db.details.Load()
	if l == nil {
		return
	}
	l.once.Do(func() {
		// A fault leaves the vendors without details (see FromSnapshotLazy).
		_ = l.d.details(db)
		l.d = nil
	})
	db.details.Store(nil)
}

type decoder struct {
	r         *pack.Reader
	ncat      int
	table     string // what is being read, for errors
	vendorsOf []catalog.Vendor
	// slabs the vendors' entries and sources and the signatures' parameters
	// are cut from, so that decoding allocates per slabLen items, not per
	// vendor or signature.
	entries []catalog.Entry
	sources []string
	params  []catalog.Param
}

// slabLen is the number of items a slab is allocated for.
const slabLen = 256

// take cuts n items from *slab (a new one when it has fewer left); the
// result's capacity is n, so that appending to it never writes into the
// slab.
func take[T any](slab *[]T, n int) []T {
	if n > len(*slab) {
		*slab = make([]T, max(n, slabLen))
	}
	s := (*slab)[:n:n]
	*slab = (*slab)[n:]
	return s
}

// enter names the table read next, unless an earlier one failed.
func (d *decoder) enter(table string) {
	if d.r.Err() == nil {
		d.table = table
	}
}

func (d *decoder) category() consent.Category {
	c := d.r.Int(d.ncat)
	if c == 0 && d.r.Err() == nil {
		d.r.Fail("category none")
	}
	return consent.Category(c)
}

func (d *decoder) vendors(db *DB) {
	d.enter("vendors")
	n := d.r.Count()
	db.vendors = make([]catalog.Vendor, 0, n)
	db.byID = make(map[string]int32, n)
	for i := 0; i < n && d.r.Err() == nil; i++ {
		v := catalog.Vendor{ID: d.r.Ref(), Name: d.r.Ref(), Owner: d.r.Ref(), Category: d.category(), Line: d.r.Int(maxLine)}
		if _, dup := db.byID[v.ID]; dup {
			d.r.Fail(msg.Sprintf("vendor %q twice", v.ID))
		}
		db.byID[v.ID] = int32(len(db.vendors))
		db.vendors = append(db.vendors, v)
	}
}

// details reads the vendors' sources and entries, the snapshot's last
// part, and checks that nothing follows.
func (d *decoder) details(db *DB) error {
	d.enter("vendor details")
	for i := 0; i < len(db.vendors) && d.r.Err() == nil; i++ {
		v := &db.vendors[i]
		if ns := d.r.Count(); ns > 0 {
			v.Sources = take(&d.sources, ns)
			for j := range v.Sources {
				v.Sources[j] = d.r.Ref()
			}
		}
		if ne := d.r.Count(); ne > 0 {
			v.Entries = take(&d.entries, ne)
		} else {
			v.Entries = []catalog.Entry{}
		}
		for j := range v.Entries {
			v.Entries[j] = d.entry()
		}
	}
	d.r.End()
	if err := d.r.Err(); err != nil {
		return msg.Errorf("tracker snapshot: %s: %w", d.table, err)
	}
	return nil
}

func (d *decoder) entry() catalog.Entry {
	e := catalog.Entry{Kind: d.r.Ref(), Value: d.r.Ref(), Category: d.category(), Domain: d.r.Ref(), Line: d.r.Int(maxLine)}
	switch e.Kind {
	case catalog.KindHost, catalog.KindPath, catalog.KindCookie:
	default:
		d.r.Fail(msg.Sprintf("unknown entry kind %q", e.Kind))
	}
	return e
}

func (d *decoder) vendor() int32 {
	v := d.r.Uint()
	if d.r.Err() == nil && v >= uint64(len(d.vendorsOf)) {
		d.r.Fail(msg.Sprintf("vendor %d of %d", v, len(d.vendorsOf)))
		return 0
	}
	return int32(v)
}

func (d *decoder) hosts(db *DB) {
	d.enter("hosts")
	d.vendorsOf = db.vendors
	n := d.r.Count()
	db.hostList = make([]hostEntry, 0, n)
	db.hosts = make(map[string]int32, n)
	for i := 0; i < n && d.r.Err() == nil; i++ {
		h := hostEntry{vendor: d.vendor(), category: d.category(), pattern: d.r.Ref(), file: d.r.Ref(), line: d.r.Int(maxLine)}
		if _, dup := db.hosts[h.pattern]; dup {
			d.r.Fail(msg.Sprintf("host %q twice", h.pattern))
		}
		db.hosts[h.pattern] = int32(len(db.hostList))
		db.hostList = append(db.hostList, h)
	}
}

func (d *decoder) paths(db *DB) {
	d.enter("path signatures")
	n := d.r.Count()
	if n > 0 {
		db.paths = make([]pathEntry, 0, n)
	}
	for i := 0; i < n && d.r.Err() == nil; i++ {
		var p pathEntry
		p.sig.Pattern = d.r.Ref()
		if np := d.r.Count(); np > 0 {
			p.sig.Params = take(&d.params, np)
			for j := range p.sig.Params {
				p.sig.Params[j] = catalog.Param{Name: d.r.Ref(), Value: d.r.Ref(), Prefix: d.r.Bool()}
			}
		}
		p.prefix, p.literal = d.r.Ref(), d.r.Ref()
		p.vendor, p.category = d.vendor(), d.category()
		p.pattern, p.domain = d.r.Ref(), d.r.Ref()
		if d.r.Err() == nil && (p.sig.Pattern == "" || p.sig.Pattern[0] != '/' && p.sig.Pattern[0] != '*') {
			d.r.Fail(msg.Sprintf("path pattern %q does not start with '/' or '*'", p.sig.Pattern))
		}
		db.paths = append(db.paths, p)
	}
}
