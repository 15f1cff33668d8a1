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
	"sort"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/msg"
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
	file     string // where it was listed, for duplicate reports
	line     int
}

type pathEntry struct {
	sig      catalog.Path
	prefix   string // literal start of the pattern, up to the first '*'
	literal  string // longest literal run of the pattern: must occur in the path
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
	paths    []pathEntry                 // signatures for any host
	scoped   map[string][]int32          // domain -> indices into paths of domain= signatures
	bySeg    map[string][]int32          // first path segment -> indices into paths of unscoped signatures
	starSeg  []int32                     // unscoped signatures whose first segment has a '*'
	details  atomic.Pointer[lazyDetails] // FromSnapshotLazy: the vendors' sources and entries, until decoded
}

// Compile builds a DB from catalogs. Vendors with the same id in several
// catalogs (say trackers.txt and cookies.txt) are merged: entries and sources
// are joined, the first non-empty name and owner win. An entry that repeats
// one already compiled (same kind, value and domain), a vendor without
// category or source, and entries whose category is none are reported and
// skipped.
func Compile(cats ...*catalog.Catalog) (*DB, []error) {
	return compile(false, cats)
}

// compile builds the DB; parsed skips the checks catalog.Parse has already
// made (Load's catalogs come straight from Parse).
func compile(parsed bool, cats []*catalog.Catalog) (*DB, []error) {
	total, nv := 0, 0
	perVendor := map[string]int{}
	for _, c := range cats {
		if c != nil {
			nv += len(c.Vendors)
			for i := range c.Vendors {
				total += len(c.Vendors[i].Entries)
				perVendor[c.Vendors[i].ID] += len(c.Vendors[i].Entries)
			}
		}
	}
	db := &DB{byID: make(map[string]int32, nv), hosts: make(map[string]int32, total),
		hostList: make([]hostEntry, 0, total), vendors: make([]catalog.Vendor, 0, nv), scoped: map[string][]int32{}}
	var errs []error
	type key struct{ kind, value, domain string }
	type origin struct {
		vendor, file string
		line         int
	}
	seen := make(map[key]origin, total/2)
	for _, c := range cats {
		if c == nil {
			continue
		}
		for _, v := range c.Vendors {
			if v.Category == consent.None || len(v.Sources) == 0 {
				errs = append(errs, &catalog.Error{File: c.Name, Line: v.Line,
					Msg: msg.Sprintf("vendor %q skipped: needs a category and at least one source", v.ID)})
				continue
			}
			// Catalogs built in code (upstream formats) get the checks Parse
			// makes, so that the serialised form always parses back.
			if !parsed { // Parse has checked ids, sources and entries
				if err := catalog.CheckID(v.ID); err != nil {
					errs = append(errs, &catalog.Error{File: c.Name, Line: v.Line, Msg: "vendor skipped: " + err.Error()})
					continue
				}
			}
			vi, ok := db.byID[v.ID]
			if !ok {
				vi = int32(len(db.vendors))
				db.byID[v.ID] = vi
				db.vendors = append(db.vendors, catalog.Vendor{
					ID: v.ID, Name: cleanText(v.Name), Owner: cleanText(v.Owner), Category: v.Category, Line: v.Line,
					Entries: make([]catalog.Entry, 0, perVendor[v.ID]),
				})
			}
			mv := &db.vendors[vi]
			if mv.Name == "" {
				mv.Name = cleanText(v.Name)
			}
			if mv.Owner == "" {
				mv.Owner = cleanText(v.Owner)
			}
			for _, s := range v.Sources {
				if !parsed {
					if err := catalog.CheckSource(s); err != nil {
						errs = append(errs, &catalog.Error{File: c.Name, Line: v.Line, Msg: msg.Sprintf("vendor %q: source skipped: %v", v.ID, err)})
						continue
					}
				}
				if !contains(mv.Sources, s) {
					mv.Sources = append(mv.Sources, s)
				}
			}
			for _, e := range v.Entries {
				if e.Category == consent.None {
					errs = append(errs, &catalog.Error{File: c.Name, Line: e.Line,
						Msg: msg.Sprintf("%s %q has no category; skipped", e.Kind, e.Value)})
					continue
				}
				if !parsed {
					if err := checkEntry(&e); err != nil {
						errs = append(errs, &catalog.Error{File: c.Name, Line: e.Line, Msg: msg.Sprintf("vendor %q: %v; skipped", v.ID, err)})
						continue
					}
				}
				// Hosts are deduplicated by the host table itself, the
				// rest by seen.
				var dupOf *origin
				k := key{e.Kind, e.Value, e.Domain}
				if e.Kind == catalog.KindHost {
					if i, dup := db.hosts[e.Value]; dup {
						h := &db.hostList[i]
						dupOf = &origin{db.vendors[h.vendor].ID, h.file, h.line}
					}
				} else if o, dup := seen[k]; dup {
					dupOf = &o
				}
				if dupOf != nil {
					errs = append(errs, &catalog.Error{File: c.Name, Line: e.Line,
						Msg: msg.Sprintf("%s %q of vendor %q already listed for vendor %q at %s:%d; skipped", e.Kind, e.Value, v.ID, dupOf.vendor, dupOf.file, dupOf.line)})
					continue
				}
				switch e.Kind {
				case catalog.KindHost:
					db.hosts[e.Value] = int32(len(db.hostList))
					db.hostList = append(db.hostList, hostEntry{vendor: vi, category: e.Category, pattern: e.Value, file: c.Name, line: e.Line})
				case catalog.KindPath:
					sig, _ := catalog.ParsePath(e.Value) // checked by checkEntry
					db.paths = append(db.paths, pathEntry{sig: sig, prefix: literalPrefix(sig.Pattern),
						literal: longestLiteral(sig.Pattern), vendor: vi, category: e.Category,
						pattern: e.Value, domain: e.Domain})
				}
				if e.Kind != catalog.KindHost {
					seen[k] = origin{v.ID, c.Name, e.Line}
				}
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
	db.index()
	// A vendor whose sources were all invalid cannot be serialised.
	for i := range db.vendors {
		if len(db.vendors[i].Sources) == 0 {
			db.vendors[i].Sources = []string{"urn:consentguard:no-source"}
		}
	}
	return db, errs
}

// index files the path signatures, in their order of specificity, under
// their domain= scope, their literal first segment, or with those whose
// first segment has a '*'.
func (db *DB) index() {
	db.scoped = map[string][]int32{}
	db.bySeg = map[string][]int32{}
	db.starSeg = nil
	for i := range db.paths {
		p := &db.paths[i]
		if p.domain != "" {
			db.scoped[p.domain] = append(db.scoped[p.domain], int32(i))
		} else if seg, ok := literalSegment(p.sig.Pattern); ok {
			db.bySeg[seg] = append(db.bySeg[seg], int32(i))
		} else {
			db.starSeg = append(db.starSeg, int32(i))
		}
	}
}

// checkEntry normalises an entry built in code and validates it the way
// catalog.Parse does.
func checkEntry(e *catalog.Entry) error {
	if e.Domain != "" {
		e.Domain = strings.TrimPrefix(strings.ToLower(e.Domain), ".")
		if err := catalog.CheckHost(e.Domain); err != nil {
			return msg.Errorf("domain=: %v", err)
		}
	}
	switch e.Kind {
	case catalog.KindHost:
		e.Value = strings.TrimSuffix(strings.ToLower(e.Value), ".")
		if e.Domain != "" {
			return msg.Errorf("host %q: domain= does not apply to host entries", e.Value)
		}
		return catalog.CheckHost(e.Value)
	case catalog.KindPath:
		p, err := catalog.ParsePath(e.Value)
		if err == nil {
			e.Value = p.String()
		}
		return err
	case catalog.KindCookie:
		return catalog.CheckCookie(e.Value)
	}
	return msg.Errorf("unknown entry kind %q", e.Kind)
}

// cleanText makes a display name safe for the one-line text form.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// valueLen is the number of parameter-value bytes a signature pins down.
func valueLen(p *catalog.Path) int {
	n := 0
	for _, q := range p.Params {
		n += len(q.Value)
	}
	return n
}

// literalPrefix returns the pattern up to its first '*'.
func literalPrefix(pattern string) string {
	if i := strings.IndexByte(pattern, '*'); i >= 0 {
		return pattern[:i]
	}
	return pattern
}

// longestLiteral returns the longest run of the pattern without '*'.
func longestLiteral(pattern string) string {
	best := ""
	for _, part := range strings.Split(pattern, "*") {
		if len(part) > len(best) {
			best = part
		}
	}
	return best
}

// literalSegment returns the first path segment of a pattern ("/b/ss/" ->
// "b") when it is literal and complete, so that the signature can only match
// paths with that first segment.
func literalSegment(pattern string) (string, bool) {
	if !strings.HasPrefix(pattern, "/") {
		return "", false
	}
	rest := pattern[1:]
	end := strings.IndexByte(rest, '/')
	if end < 0 {
		end = len(rest)
	}
	seg := segKey(rest[:end])
	if strings.IndexByte(seg, '*') >= 0 {
		return "", false
	}
	return seg, true
}

// segKey is the index key of a path segment: the segment up to an '@'
// that follows its first byte, so that an npm package's signature
// ("/mixpanel-browser@*") and its requests ("/mixpanel-browser@2.47.0/",
// "/mixpanel-browser/") share a key on every CDN.
func segKey(seg string) string {
	if i := strings.IndexByte(seg, '@'); i > 0 {
		return seg[:i]
	}
	return seg
}

// firstSegment returns the index key (see segKey) of the first segment of a
// request path.
func firstSegment(path string) string {
	if len(path) == 0 || path[0] != '/' {
		return ""
	}
	rest := path[1:]
	if end := strings.IndexByte(rest, '/'); end >= 0 {
		return segKey(rest[:end])
	}
	return segKey(rest)
}

// match reports whether a path entry matches a request split into path and
// raw query, with cheap literal checks before the glob.
func (p *pathEntry) match(path, query string) bool {
	if !strings.HasPrefix(path, p.prefix) || !strings.Contains(path, p.literal) {
		return false
	}
	return catalog.MatchPath(p.sig.Pattern, path) && catalog.MatchQuery(p.sig.Params, query)
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
// host and at any path prefix, such as a first-party proxy's
// "/metrics/g/collect?v=2&tid=G-". pathAndQuery is
// the request's path with its raw query ("/g/collect?v=2&tid=G-X"); a fragment
// is ignored. It does not allocate.
func (db *DB) URL(host, pathAndQuery string) (Match, bool) {
	if db == nil {
		return Match{}, false
	}
	host = strings.TrimSuffix(host, ".")
	if k := strings.IndexByte(pathAndQuery, '#'); k >= 0 {
		pathAndQuery = pathAndQuery[:k]
	}
	path, query, _ := strings.Cut(pathAndQuery, "?")
	if len(db.scoped) > 0 {
		for h := host; h != ""; {
			if idx, ok := db.scopedFor(h); ok {
				for _, i := range idx {
					if p := &db.paths[i]; p.match(path, query) {
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
	// Unscoped signatures match at any path prefix ("/metrics/g/collect"
	// behind a first-party proxy): those keyed by a segment of the path,
	// tried from every segment on, and those starting with a wildcard, most
	// specific first (paths is sorted, so the lower index wins).
	best := int32(-1)
	for sub := path; sub != ""; {
		for _, i := range db.bySeg[firstSegment(sub)] {
			if best >= 0 && i > best {
				break
			}
			if db.paths[i].match(sub, query) {
				best = i
				break
			}
		}
		j := strings.IndexByte(sub[min(1, len(sub)):], '/')
		if j < 0 {
			break
		}
		sub = sub[j+1:]
	}
	for _, i := range db.starSeg {
		if best >= 0 && i > best {
			break
		}
		if db.paths[i].match(path, query) {
			best = i
			break
		}
	}
	if best >= 0 {
		return db.pathMatch(&db.paths[best]), true
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
	db.loadDetails()
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
	db.loadDetails()
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
		db, errs = compile(true, []*catalog.Catalog{c})
		if len(errs) == 0 {
			return db, nil
		}
	}
	if len(errs) > 3 {
		errs = append(errs[:3], msg.Errorf("and %d more", len(errs)-3))
	}
	return nil, msg.Errorf("tracker: corrupt DB: %w", errors.Join(errs...))
}
