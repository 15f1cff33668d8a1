// Package cookie classifies cookies by name (cookie name -> vendor ->
// consent category) and filters the Cookie and Set-Cookie headers by a
// visitor's consent.
//
// A DB is compiled from catalogs (wasm/catalog: our policylists/cookies.txt,
// the Open Cookie Database via ParseOCD). Classify looks a name up in three
// tiers: exact names (a map lookup), then prefixes ("_ga_*", longest wins),
// then globs ("mp_*_mixpanel"). An entry with a domain= option applies only to
// cookies whose domain is that domain or a subdomain of it, and within a tier
// it wins over an entry without one. Classify does not allocate.
//
// Unknown cookies: a Filter keeps cookies no list knows, unless its
// UnknownCategory field names a category to treat them as (see Filter).
package cookie

import (
	"slices"
	"strings"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/msg"
)

// Match is the classification of one cookie.
type Match struct {
	// Name is the cookie name that was classified.
	Name string
	// Vendor is the vendor id ("google-analytics"); VendorName its display
	// name ("Google Analytics").
	Vendor, VendorName string
	// Category is the consent category of the cookie.
	Category consent.Category
	// Pattern is the entry that matched: an exact name, a prefix ending in
	// '*' or a glob.
	Pattern string
	// Domain is the entry's domain= scope, "" when it applies everywhere.
	Domain string
	// List and Line locate the entry ("cookies.txt", 42).
	List string
	Line int
}

// Kinds of pattern.
const (
	kindExact = iota
	kindPrefix
	kindGlob
)

type rule struct {
	pattern    string // as written
	key        string // exact name, prefix without '*', or the glob
	kind       uint8
	literal    int    // literal characters of a glob (its specificity)
	lead       string // a glob's literal text before its first '*'
	domain     string
	category   consent.Category
	vendor     string
	vendorName string
	list       string
	line       int
}

// DB is a compiled cookie catalog. Build it with Compile or NewDB and Add;
// after that it is read-only and safe for concurrent Classify calls. Add
// must not run concurrently with Classify.
type DB struct {
	rules    []rule
	exact    map[string][]int32
	prefix   map[string][]int32
	pkeys    []string  // the prefix keys, sorted
	plists   [][]int32 // candidates of pkeys[i]
	globs    []int32   // by specificity, most specific first
	shadowed int
}

// NewDB returns an empty DB.
func NewDB() *DB {
	return &DB{exact: map[string][]int32{}, prefix: map[string][]int32{}}
}

// Compile builds a DB from the cookie entries of the catalogs, in order;
// host and path entries are ignored. When two catalogs give the same pattern
// with the same domain scope, the first one wins (list our own catalog before
// upstream ones); Shadowed counts those. The errors name list and line of
// entries that cannot be used.
func Compile(cats ...*catalog.Catalog) (*DB, []error) {
	db := NewDB()
	var errs []error
	for _, c := range cats {
		if c == nil {
			continue
		}
		errs = append(errs, db.AddCatalog(c)...)
	}
	return db, errs
}

// AddCatalog adds the cookie entries of one catalog.
func (db *DB) AddCatalog(c *catalog.Catalog) []error {
	var entries []Entry
	for i := range c.Vendors {
		v := &c.Vendors[i]
		for _, e := range v.Entries {
			if e.Kind != catalog.KindCookie {
				continue
			}
			entries = append(entries, Entry{
				Pattern: e.Value, Domain: e.Domain, Category: e.Category,
				Vendor: v.ID, VendorName: v.Name, List: c.Name, Line: e.Line,
			})
		}
	}
	return db.Add(entries...)
}

// Entry is one cookie pattern to add to a DB.
type Entry struct {
	// Pattern is an exact name, a prefix ending in a single '*', or a glob
	// with '*' elsewhere.
	Pattern string
	// Domain limits the entry to cookies of that domain and its subdomains.
	Domain   string
	Category consent.Category
	// Vendor id and display name.
	Vendor, VendorName string
	// List and Line say where the entry comes from (for errors and Match).
	List string
	Line int
}

// Add adds entries. An entry whose pattern is empty, matches every name or
// whose category is None is reported and skipped; one that repeats an
// earlier pattern and domain is skipped and counted by Shadowed.
func (db *DB) Add(entries ...Entry) []error {
	if db.exact == nil {
		*db = *NewDB()
	}
	var errs []error
	a := adder{db: db, n: len(entries)}
	for i := range entries {
		if err := a.add(&entries[i]); err != nil {
			errs = append(errs, err)
		}
	}
	a.finish()
	return errs
}

// adder adds entries to db; finish completes the indexes.
type adder struct {
	db                   *DB
	n                    int // entries to add, at most (sizes single)
	resort, resortPrefix bool
	// one-rule candidate lists (nearly all of them) share single; a second
	// rule for the same key moves its list out (append on a full slice),
	// so adding allocates per entry only for repeated keys.
	single []int32
}

// add adds e, or reports why it cannot be used; a repeat of an earlier
// pattern and domain is counted in db.shadowed.
func (a *adder) add(e *Entry) error {
	db := a.db
	if err := checkPattern(e.Pattern); err != nil {
		return msg.Errorf("%s:%d: cookie %q: %v", e.List, e.Line, e.Pattern, err)
	}
	if e.Category == consent.None {
		return msg.Errorf("%s:%d: cookie %q: no category", e.List, e.Line, e.Pattern)
	}
	domain := strings.TrimLeft(strings.ToLower(e.Domain), ".")
	r := rule{pattern: e.Pattern, domain: domain, category: e.Category,
		vendor: e.Vendor, vendorName: e.VendorName, list: e.List, line: e.Line}
	star := strings.IndexByte(e.Pattern, '*')
	idx := int32(len(db.rules))
	var tier map[string][]int32
	switch {
	case star < 0:
		r.kind, r.key, tier = kindExact, e.Pattern, db.exact
	case star == len(e.Pattern)-1:
		r.kind, r.key, tier = kindPrefix, e.Pattern[:star], db.prefix
	default:
		r.kind, r.key = kindGlob, e.Pattern
		r.literal = len(e.Pattern) - strings.Count(e.Pattern, "*")
		r.lead = e.Pattern[:star]
	}
	// A repeat has the same pattern and domain, so the same key: it is in
	// that key's candidates (exact, prefix) or among the globs.
	if tier != nil {
		list := tier[r.key]
		if db.repeats(list, &r) {
			db.shadowed++
			return nil
		}
		if list == nil {
			if len(a.single) == 0 {
				a.single = make([]int32, max(a.n, 1))
			}
			list, a.single = a.single[:0:1], a.single[1:]
		}
		tier[r.key] = insertScoped(list, idx, &r, db.rules)
		a.resortPrefix = a.resortPrefix || r.kind == kindPrefix
	} else {
		if db.repeats(db.globs, &r) {
			db.shadowed++
			return nil
		}
		db.globs = append(db.globs, idx)
		a.resort = true
	}
	db.rules = append(db.rules, r)
	return nil
}

// finish sorts the prefix keys and the globs after rules were added.
func (a *adder) finish() {
	db := a.db
	if a.resortPrefix {
		db.pkeys = db.pkeys[:0]
		for k := range db.prefix {
			db.pkeys = append(db.pkeys, k)
		}
		slices.Sort(db.pkeys)
		db.plists = db.plists[:0]
		for _, k := range db.pkeys {
			db.plists = append(db.plists, db.prefix[k])
		}
	}
	if a.resort {
		slices.SortStableFunc(db.globs, func(i, j int32) int {
			a, b := &db.rules[i], &db.rules[j]
			if (a.domain != "") != (b.domain != "") {
				if a.domain != "" {
					return -1
				}
				return 1
			}
			return b.literal - a.literal
		})
	}
}

// repeats reports whether one of the rules in list has r's pattern and
// domain.
func (db *DB) repeats(list []int32, r *rule) bool {
	for _, j := range list {
		if o := &db.rules[j]; o.domain == r.domain && o.pattern == r.pattern {
			return true
		}
	}
	return false
}

// insertScoped keeps a candidate list ordered: domain-scoped rules first,
// longer (more specific) domains before shorter, then unscoped rules, each
// group in insertion order.
func insertScoped(list []int32, idx int32, r *rule, rules []rule) []int32 {
	if r.domain == "" {
		return append(list, idx)
	}
	at := len(list)
	for i, j := range list {
		o := &rules[j]
		if o.domain == "" || len(o.domain) < len(r.domain) {
			at = i
			break
		}
	}
	list = append(list, 0)
	copy(list[at+1:], list[at:])
	list[at] = idx
	return list
}

func checkPattern(p string) error {
	if p == "" {
		return msg.Errorf("empty pattern")
	}
	if strings.Trim(p, "*") == "" {
		return msg.Errorf("pattern matches every cookie")
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 0x80 {
			return msg.Errorf("non-ASCII byte %#x in a cookie name", c)
		}
		if c <= ' ' || c == 0x7f || c == ';' || c == '=' || c == ',' {
			return msg.Errorf("bad character %q in a cookie name", rune(c))
		}
	}
	return nil
}

// Len returns the number of patterns in the DB.
func (db *DB) Len() int { return len(db.rules) }

// Shadowed returns how many added entries repeated an earlier pattern and
// domain and were skipped.
func (db *DB) Shadowed() int { return db.shadowed }

// Classify returns the category and vendor of the cookie name set by or sent
// to domain (a host or a Set-Cookie Domain attribute; case and a leading dot
// do not matter; "" matches only entries without a domain scope). Exact
// names win over prefixes, prefixes over globs; a longer prefix wins over a
// shorter one. It reports false when no entry matches. It does not allocate.
func (db *DB) Classify(name, domain string) (Match, bool) {
	if db == nil || len(db.rules) == 0 || name == "" {
		return Match{Name: name}, false
	}
	for len(domain) > 0 && domain[0] == '.' {
		domain = domain[1:]
	}
	for len(domain) > 0 && domain[len(domain)-1] == '.' {
		domain = domain[:len(domain)-1]
	}
	if list, ok := db.exact[name]; ok {
		if r := db.pick(list, domain); r != nil {
			return r.match(name), true
		}
	}
	// Longest prefix: the largest key <= s is the longest key that is a
	// prefix of s, if any key is; when it is not, only keys no longer than
	// the common prefix of s and that key can be.
	for s := name; s != ""; {
		i := db.floor(s)
		if i < 0 {
			break
		}
		k := db.pkeys[i]
		if len(k) <= len(s) && s[:len(k)] == k {
			if r := db.pick(db.plists[i], domain); r != nil {
				return r.match(name), true
			}
			s = k[:len(k)-1] // scoped elsewhere: try shorter prefixes
			continue
		}
		c := 0
		for c < len(s) && c < len(k) && s[c] == k[c] {
			c++
		}
		s = s[:c]
	}
	for _, i := range db.globs {
		r := &db.rules[i]
		if len(name) >= len(r.lead) && name[:len(r.lead)] == r.lead &&
			(r.domain == "" || withinFold(domain, r.domain)) && catalog.Glob(r.key, name) {
			return r.match(name), true
		}
	}
	return Match{Name: name}, false
}

// floor returns the index of the largest prefix key <= s, or -1.
func (db *DB) floor(s string) int {
	lo, hi := 0, len(db.pkeys) // invariant: keys[:lo] <= s < keys[hi:]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if db.pkeys[m] <= s {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

func (db *DB) pick(list []int32, domain string) *rule {
	for _, i := range list {
		r := &db.rules[i]
		if r.domain == "" || withinFold(domain, r.domain) {
			return r
		}
	}
	return nil
}

func (r *rule) match(name string) Match {
	return Match{Name: name, Vendor: r.vendor, VendorName: r.vendorName, Category: r.category,
		Pattern: r.pattern, Domain: r.domain, List: r.list, Line: r.line}
}

// withinFold reports whether host equals domain or is a subdomain of it,
// ignoring ASCII case in host (domain is lower-case).
func withinFold(host, domain string) bool {
	if len(host) < len(domain) || domain == "" {
		return false
	}
	off := len(host) - len(domain)
	if off > 0 && host[off-1] != '.' {
		return false
	}
	for i := 0; i < len(domain); i++ {
		c := host[off+i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != domain[i] {
			return false
		}
	}
	return true
}

// Rules calls fn for every pattern in the order added, until fn returns
// false. The Match has an empty Name.
func (db *DB) Rules(fn func(Match) bool) {
	for i := range db.rules {
		if !fn(db.rules[i].match("")) {
			return
		}
	}
}
