// Package tracker compiles catalogs (our curated lists, see package catalog)
// into a lookup database that maps a request's host, or its path and query,
// to the tracker vendor and consent category.
//
// Host lookups find the longest listed suffix on label boundaries:
// "ssl.google-analytics.com" matches a "google-analytics.com" entry, while
// "notgoogle-analytics.com" does not. Path signatures recognise trackers that
// are served from any host, including the site's own (first-party proxies and
// server-side tagging). Lookups do not allocate.
package tracker

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
)

// Match describes what a lookup found.
type Match struct {
	// Vendor is the vendor id ("google-analytics").
	Vendor string
	// Name is the vendor's display name.
	Name string
	// Category is the entry's effective category.
	Category consent.Category
	// Kind is "host" or "path".
	Kind string
	// Pattern is the catalog entry that matched (a host or a path signature).
	Pattern string
}

type hostEntry struct {
	vendor   int32
	category consent.Category
	pattern  string
}

type pathEntry struct {
	sig      catalog.Path
	vendor   int32
	category consent.Category
	pattern  string
	domain   string
}

// DB is a compiled set of catalogs. It is safe for concurrent lookups.
type DB struct {
	vendors  []catalog.Vendor
	byID     map[string]int32
	hosts    map[string]int32 // host -> index into hostList
	hostList []hostEntry
	paths    []pathEntry        // signatures for any host
	scoped   map[string][]int32 // domain -> indices into paths of domain= signatures
	global   []pathEntry        // the tail of paths without domain=
}

// Compile builds a DB from catalogs. Vendors with the same id in several
// catalogs (say trackers.txt and cookies.txt) are merged: entries and sources
// are joined, the first non-empty name and owner win. An entry that repeats
// one already compiled (same kind, value and domain), a vendor without
// category or source, and entries whose category is none are reported and
// skipped.
func Compile(cats ...*catalog.Catalog) (*DB, []error) {
	db := &DB{byID: map[string]int32{}, hosts: map[string]int32{}, scoped: map[string][]int32{}}
	var errs []error
	type origin struct {
		vendor string
		where  string
	}
	seen := map[string]origin{}
	for _, c := range cats {
		if c == nil {
			continue
		}
		for _, v := range c.Vendors {
			at := func(line int) string { return fmt.Sprintf("%s:%d", c.Name, line) }
			if v.Category == consent.None || len(v.Sources) == 0 {
				errs = append(errs, &catalog.Error{File: c.Name, Line: v.Line,
					Msg: fmt.Sprintf("vendor %q skipped: needs a category and at least one source", v.ID)})
				continue
			}
			vi, ok := db.byID[v.ID]
			if !ok {
				vi = int32(len(db.vendors))
				db.byID[v.ID] = vi
				db.vendors = append(db.vendors, catalog.Vendor{
					ID: v.ID, Name: v.Name, Owner: v.Owner, Category: v.Category, Line: v.Line,
				})
			}
			mv := &db.vendors[vi]
			if mv.Name == "" {
				mv.Name = v.Name
			}
			if mv.Owner == "" {
				mv.Owner = v.Owner
			}
			for _, s := range v.Sources {
				if !contains(mv.Sources, s) {
					mv.Sources = append(mv.Sources, s)
				}
			}
			for _, e := range v.Entries {
				if e.Category == consent.None {
					errs = append(errs, &catalog.Error{File: c.Name, Line: e.Line,
						Msg: fmt.Sprintf("%s %q has no category; skipped", e.Kind, e.Value)})
					continue
				}
				key := e.Kind + "\x00" + e.Value + "\x00" + e.Domain
				if o, dup := seen[key]; dup {
					errs = append(errs, &catalog.Error{File: c.Name, Line: e.Line,
						Msg: fmt.Sprintf("%s %q of vendor %q already listed for vendor %q at %s; skipped", e.Kind, e.Value, v.ID, o.vendor, o.where)})
					continue
				}
				switch e.Kind {
				case catalog.KindHost:
					db.hosts[e.Value] = int32(len(db.hostList))
					db.hostList = append(db.hostList, hostEntry{vendor: vi, category: e.Category, pattern: e.Value})
				case catalog.KindPath:
					sig, err := catalog.ParsePath(e.Value)
					if err != nil {
						errs = append(errs, &catalog.Error{File: c.Name, Line: e.Line, Msg: err.Error()})
						continue
					}
					db.paths = append(db.paths, pathEntry{sig: sig, vendor: vi, category: e.Category,
						pattern: e.Value, domain: e.Domain})
				}
				seen[key] = origin{v.ID, at(e.Line)}
				mv.Entries = append(mv.Entries, e)
			}
		}
	}
	// Most specific signatures first: scoped to a domain, then more
	// required parameters, then longer parameter values, then longer
	// patterns; ties keep list order.
	sort.SliceStable(db.paths, func(i, j int) bool {
		a, b := &db.paths[i], &db.paths[j]
		if (a.domain != "") != (b.domain != "") {
			return a.domain != ""
		}
		if len(a.sig.Params) != len(b.sig.Params) {
			return len(a.sig.Params) > len(b.sig.Params)
		}
		if va, vb := valueLen(&a.sig), valueLen(&b.sig); va != vb {
			return va > vb
		}
		return len(a.sig.Pattern) > len(b.sig.Pattern)
	})
	n := 0
	for i := range db.paths {
		if d := db.paths[i].domain; d != "" {
			db.scoped[d] = append(db.scoped[d], int32(i))
			n++
		}
	}
	db.global = db.paths[n:]
	return db, errs
}

// valueLen is the number of parameter-value bytes a signature pins down.
func valueLen(p *catalog.Path) int {
	n := 0
	for _, q := range p.Params {
		n += len(q.Value)
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Host looks up a host name: the longest listed suffix on label boundaries.
// The host should be lower-case as site.Host returns it; upper case and a
// trailing dot are tolerated. It does not allocate for hosts up to 253 bytes.
func (db *DB) Host(host string) (Match, bool) {
	if db == nil || len(db.hosts) == 0 {
		return Match{}, false
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return Match{}, false
	}
	upper := false
	for i := 0; i < len(host); i++ {
		if c := host[i]; c >= 'A' && c <= 'Z' {
			upper = true
			break
		}
	}
	if upper {
		var buf [253]byte
		if len(host) > len(buf) {
			return db.hostLower(strings.ToLower(host))
		}
		b := buf[:len(host)]
		for i := 0; i < len(host); i++ {
			c := host[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		for i := 0; ; {
			if idx, ok := db.hosts[string(b[i:])]; ok {
				return db.hostMatch(idx), true
			}
			j := bytes.IndexByte(b[i:], '.')
			if j < 0 {
				return Match{}, false
			}
			i += j + 1
		}
	}
	return db.hostLower(host)
}

func (db *DB) hostLower(host string) (Match, bool) {
	for {
		if idx, ok := db.hosts[host]; ok {
			return db.hostMatch(idx), true
		}
		j := strings.IndexByte(host, '.')
		if j < 0 {
			return Match{}, false
		}
		host = host[j+1:]
	}
}

func (db *DB) hostMatch(idx int32) Match {
	e := &db.hostList[idx]
	v := &db.vendors[e.vendor]
	return Match{Vendor: v.ID, Name: v.Name, Category: e.category, Kind: catalog.KindHost, Pattern: e.pattern}
}

// URL looks up a request. The order goes from most to least specific:
// path signatures scoped to the request's domain (domain=, longest domain
// first), then the host (see Host), then the path signatures that apply on any
// host, such as a first-party proxy's "/g/collect?v=2&tid=G-". pathAndQuery is
// the request's path with its raw query ("/g/collect?v=2&tid=G-X"); a fragment
// is ignored. It does not allocate.
func (db *DB) URL(host, pathAndQuery string) (Match, bool) {
	if db == nil {
		return Match{}, false
	}
	host = strings.TrimSuffix(host, ".")
	if len(db.scoped) > 0 {
		for h := host; h != ""; {
			if idx, ok := db.scopedFor(h); ok {
				for _, i := range idx {
					if p := &db.paths[i]; p.sig.Match(pathAndQuery) {
						return db.pathMatch(p), true
					}
				}
			}
			j := strings.IndexByte(h, '.')
			if j < 0 {
				break
			}
			h = h[j+1:]
		}
	}
	if m, ok := db.Host(host); ok {
		return m, true
	}
	for i := range db.global {
		if p := &db.global[i]; p.sig.Match(pathAndQuery) {
			return db.pathMatch(p), true
		}
	}
	return Match{}, false
}

// scopedFor looks up domain= signatures for exactly h, ignoring ASCII case
// without allocating for hosts up to 253 bytes.
func (db *DB) scopedFor(h string) ([]int32, bool) {
	for i := 0; i < len(h); i++ {
		if c := h[i]; c >= 'A' && c <= 'Z' {
			if len(h) > 253 {
				idx, ok := db.scoped[strings.ToLower(h)]
				return idx, ok
			}
			var buf [253]byte
			b := buf[:len(h)]
			for k := 0; k < len(h); k++ {
				c := h[k]
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				b[k] = c
			}
			idx, ok := db.scoped[string(b)]
			return idx, ok
		}
	}
	idx, ok := db.scoped[h]
	return idx, ok
}

func (db *DB) pathMatch(p *pathEntry) Match {
	v := &db.vendors[p.vendor]
	return Match{Vendor: v.ID, Name: v.Name, Category: p.category, Kind: catalog.KindPath, Pattern: p.pattern}
}

// Vendor returns a vendor with its merged sources and entries.
func (db *DB) Vendor(id string) (catalog.Vendor, bool) {
	if db == nil {
		return catalog.Vendor{}, false
	}
	i, ok := db.byID[id]
	if !ok {
		return catalog.Vendor{}, false
	}
	return db.vendors[i], true
}

// VendorIDs returns every vendor id in compile order.
func (db *DB) VendorIDs() []string {
	out := make([]string, len(db.vendors))
	for i := range db.vendors {
		out[i] = db.vendors[i].ID
	}
	return out
}

// Hosts returns the number of host entries.
func (db *DB) Hosts() int { return len(db.hostList) }

// Paths returns the number of path signatures.
func (db *DB) Paths() int { return len(db.paths) }

// Vendors returns the number of vendors.
func (db *DB) Vendors() int { return len(db.vendors) }

// magic starts the serialised form.
const magic = "consentguard-tracker-db 1\n"

// MarshalBinary serialises the DB. The form is the merged catalog in
// canonical text after a version line: rebuilding from it is fast (see
// BenchmarkLoad), and it stays readable and diffable.
func (db *DB) MarshalBinary() ([]byte, error) {
	c := catalog.Catalog{Vendors: db.vendors}
	return []byte(magic + c.String()), nil
}

// Load rebuilds a DB from MarshalBinary's output. Any problem in the data
// is an error.
func Load(data []byte) (*DB, error) {
	if !bytes.HasPrefix(data, []byte(magic)) {
		return nil, errors.New("tracker: not a serialised tracker DB (bad header)")
	}
	c, errs := catalog.Parse("tracker-db", data[len(magic):])
	if len(errs) == 0 {
		var db *DB
		db, errs = Compile(c)
		if len(errs) == 0 {
			return db, nil
		}
	}
	if len(errs) > 3 {
		errs = append(errs[:3], fmt.Errorf("and %d more", len(errs)-3))
	}
	return nil, fmt.Errorf("tracker: corrupt DB: %w", errors.Join(errs...))
}
