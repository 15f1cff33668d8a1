package cookie

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
)

// OCDURL is where the Open Cookie Database CSV is published.
const OCDURL = "https://raw.githubusercontent.com/jkwakman/Open-Cookie-Database/master/open-cookie-database.csv"

const ocdHome = "https://github.com/jkwakman/Open-Cookie-Database"

// The Open Cookie Database columns ParseOCD needs, by header name.
var ocdColumns = []string{"Platform", "Category", "Cookie / Data Key name", "Domain", "Wildcard match"}

// OCDCategory maps an Open Cookie Database category to ours: Functional and
// Personalization -> functional, Analytics -> analytics, Marketing ->
// advertising, Security and Necessary -> necessary.
func OCDCategory(s string) (consent.Category, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "functional", "personalization", "personalisation", "preferences":
		return consent.Functional, true
	case "analytics", "statistics":
		return consent.Analytics, true
	case "marketing", "advertising":
		return consent.Advertising, true
	case "security", "necessary", "strictly necessary":
		return consent.Necessary, true
	}
	return consent.None, false
}

// ParseOCD reads the Open Cookie Database CSV (columns ID, Platform,
// Category, Cookie / Data Key name, Domain, Description, Retention period,
// Data Controller, User Privacy & GDPR Rights Portals, Wildcard match; found
// by header name, so their order may change) into a catalog with one vendor
// per platform.
//
//   - Categories map as OCDCategory says.
//   - A row with Wildcard match 1 becomes a prefix pattern ("_ga_" ->
//     "_ga_*"); a name that already holds '*' is kept as a glob.
//   - The Domain column is free text ("doubleclick.net (3rd party)"). An
//     entry is scoped to the domain(s) when the row marks them "3rd party",
//     and names shorter than three characters ("i", "mc") are scoped to
//     their domain when one is given and skipped when none is: unscoped, they
//     would misclassify unrelated sites' cookies.
//
// A bad row (wrong field count, unknown category, empty or invalid name,
// bad wildcard flag) is reported as "name:line: ..." and skipped; the rest is
// still returned. The error list is nil when every row was used.
func ParseOCD(name string, r io.Reader) (*catalog.Catalog, []error) {
	cat := &catalog.Catalog{Name: name}
	var errs []error
	errf := func(line int, format string, args ...any) {
		errs = append(errs, &catalog.Error{File: name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			err = errors.New("empty file")
		}
		errf(1, "header: %v", err)
		return cat, errs
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	idx := make([]int, len(ocdColumns))
	for i, c := range ocdColumns {
		j, ok := col[c]
		if !ok {
			errf(1, "header: missing column %q (is this the Open Cookie Database CSV?)", c)
			return cat, errs
		}
		idx[i] = j
	}
	portal, hasPortal := col["User Privacy & GDPR Rights Portals"]
	need := 0
	for _, j := range idx {
		need = max(need, j+1)
	}
	vendors := map[string]int{} // vendor id -> index in cat.Vendors
	seen := map[string]int{}    // pattern \x00 domain -> line
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				// An I/O error: the reader cannot go on.
				errf(0, "%v", err)
				break
			}
			errf(pe.StartLine, "%v", pe.Err)
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < need {
			errf(line, "%d fields, want at least %d", len(rec), need)
			continue
		}
		platform := strings.TrimSpace(rec[idx[0]])
		catName := rec[idx[1]]
		cname := strings.TrimSpace(rec[idx[2]])
		domainCol := rec[idx[3]]
		wild := strings.TrimSpace(rec[idx[4]])
		c, ok := OCDCategory(catName)
		if !ok {
			errf(line, "Category: unknown %q", catName)
			continue
		}
		if cname == "" {
			errf(line, "Cookie / Data Key name: empty")
			continue
		}
		if err := checkPattern(cname); err != nil {
			errf(line, "Cookie / Data Key name %q: %v", cname, err)
			continue
		}
		pattern := cname
		switch wild {
		case "0", "":
		case "1":
			if !strings.HasSuffix(cname, "*") {
				pattern = cname + "*"
			}
		default:
			errf(line, "Wildcard match: want 0 or 1, got %q", wild)
			continue
		}
		domains, third := ocdDomains(domainCol)
		var scope []string
		switch {
		case third && len(domains) > 0:
			scope = domains
		case len(strings.TrimRight(cname, "*")) < 3:
			if len(domains) == 0 {
				errf(line, "Cookie / Data Key name %q: too generic to use without a domain", cname)
				continue
			}
			scope = domains
		default:
			scope = []string{""}
		}
		if platform == "" {
			platform = "Unknown"
		}
		id := slug(platform)
		vi, ok := vendors[id]
		if !ok {
			vi = len(cat.Vendors)
			vendors[id] = vi
			v := catalog.Vendor{ID: id, Name: platform, Category: c, Line: line, Sources: []string{ocdHome}}
			if hasPortal && portal < len(rec) {
				if p := strings.TrimSpace(rec[portal]); strings.HasPrefix(p, "https://") && !strings.ContainsAny(p, " \t") {
					v.Sources = append(v.Sources, p)
				}
			}
			cat.Vendors = append(cat.Vendors, v)
		}
		for _, d := range scope {
			k := pattern + "\x00" + d
			if _, dup := seen[k]; dup {
				// The database lists some names under several platforms;
				// the first row wins, like Compile does across lists.
				continue
			}
			seen[k] = line
			cat.Vendors[vi].Entries = append(cat.Vendors[vi].Entries, catalog.Entry{
				Kind: catalog.KindCookie, Value: pattern, Category: c, Domain: d, Line: line,
			})
		}
	}
	return cat, errs
}

// ocdDomains extracts host names from the free-text Domain column and
// reports whether it marks them third party.
func ocdDomains(s string) (hosts []string, third bool) {
	low := strings.ToLower(s)
	third = strings.Contains(low, "3rd party") || strings.Contains(low, "third party")
	low = strings.NewReplacer("(3rd party)", " ", "(third party)", " ", " or ", " ", ",", " ", ";", " ").Replace(low)
	for _, f := range strings.Fields(low) {
		f = strings.Trim(f, ".")
		if isHost(f) {
			hosts = append(hosts, f)
		}
	}
	return hosts, third
}

// isHost accepts a lower-case DNS name with at least one dot.
func isHost(h string) bool {
	if len(h) < 3 || len(h) > 253 || !strings.Contains(h, ".") {
		return false
	}
	label := 0
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			label++
			if label > 63 {
				return false
			}
		case c == '.':
			if label == 0 {
				return false
			}
			label = 0
		default:
			return false
		}
	}
	return label > 0
}

// slug turns a platform name into a vendor id: "Google Analytics" ->
// "google-analytics".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "unknown"
	}
	return b.String()
}
