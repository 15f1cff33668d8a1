// Package wtmgen proposes tracker-list entries from the WhoTracks.me tracker
// database (the SQL dump in ../shared/data/lists, CC-BY-4.0): the domains of
// trackers in categories we can map, that our lists do not know yet, in our
// catalog format with a source line per vendor. The output is a proposal to
// review entry by entry, not a list to paste: WhoTracks.me's categories are
// coarser than ours (a chat widget is "customer_interaction", fraud
// prevention "site_analytics" or "misc").
package wtmgen

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/site"
	"github.com/consentguard/consentguard/wasm/tracker"
)

// Tracker is one WhoTracks.me tracker with its domains.
type Tracker struct {
	ID, Name, Category, Company string
	Domains                     []string
}

// DB is what Parse reads from the dump.
type DB struct {
	Trackers map[string]*Tracker
}

// Parse reads the INSERT statements of the categories, trackers and
// tracker_domains tables. A malformed statement is an error naming its line.
func Parse(r io.Reader) (*DB, error) {
	cats := map[string]string{}
	db := &DB{Trackers: map[string]*Tracker{}}
	type pair struct{ tracker, domain string }
	var domains []pair
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		table, rest, ok := insert(line)
		if !ok {
			continue
		}
		vals, err := Values(rest)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		switch table {
		case "categories":
			if len(vals) < 2 {
				return nil, fmt.Errorf("line %d: categories: %d values, want 2", n, len(vals))
			}
			cats[vals[0]] = vals[1]
		case "trackers":
			if len(vals) < 5 {
				return nil, fmt.Errorf("line %d: trackers: %d values, want at least 5", n, len(vals))
			}
			db.Trackers[vals[0]] = &Tracker{ID: vals[0], Name: vals[1], Category: vals[2], Company: vals[4]}
		case "tracker_domains":
			if len(vals) < 2 {
				return nil, fmt.Errorf("line %d: tracker_domains: %d values, want 2", n, len(vals))
			}
			domains = append(domains, pair{vals[0], vals[1]})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, t := range db.Trackers {
		if name, ok := cats[t.Category]; ok {
			t.Category = name
		}
	}
	for _, p := range domains {
		if t, ok := db.Trackers[p.tracker]; ok {
			t.Domains = append(t.Domains, strings.ToLower(p.domain))
		}
	}
	return db, nil
}

// insert splits `INSERT INTO "table" VALUES(...);` into the table and the
// part inside the parentheses.
func insert(line string) (table, values string, ok bool) {
	rest, ok := strings.CutPrefix(line, "INSERT INTO ")
	if !ok {
		return "", "", false
	}
	table, rest, ok = strings.Cut(rest, " VALUES(")
	if !ok || !strings.HasSuffix(rest, ");") {
		return "", "", false
	}
	return strings.Trim(table, `"`), strings.TrimSuffix(rest, ");"), true
}

// Values splits an SQL value list: 'quoted' strings (” escapes a quote),
// numbers and NULL (as "").
func Values(s string) ([]string, error) {
	var out []string
	for i := 0; ; {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) {
			return out, fmt.Errorf("value list ends after a comma")
		}
		var v string
		if s[i] == '\'' {
			var b strings.Builder
			j := i + 1
			for ; ; j++ {
				if j >= len(s) {
					return out, fmt.Errorf("unterminated string at byte %d", i)
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j++
						continue
					}
					break
				}
				b.WriteByte(s[j])
			}
			v, i = b.String(), j+1
		} else {
			j := strings.IndexByte(s[i:], ',')
			if j < 0 {
				j = len(s) - i
			}
			v, i = strings.TrimSpace(s[i:i+j]), i+j
			if v == "NULL" {
				v = ""
			}
		}
		out = append(out, v)
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) {
			return out, nil
		}
		if s[i] != ',' {
			return out, fmt.Errorf("expected ',' at byte %d", i)
		}
		i++
	}
}

// Category maps a WhoTracks.me category to ours; false for those that
// are not trackers or too vague to propose (cdn, hosting, misc, unknown,
// extensions, email).
func Category(wtm string) (consent.Category, bool) {
	switch wtm {
	case "advertising", "pornvertising":
		return consent.Advertising, true
	case "site_analytics", "telemetry":
		return consent.Analytics, true
	case "social_media":
		return consent.Social, true
	case "audio_video_player", "comments", "customer_interaction":
		return consent.Functional, true
	case "consent":
		return consent.Consent, true
	case "essential":
		return consent.Necessary, true
	}
	return consent.None, false
}

// Proposal is a vendor section to review.
type Proposal struct {
	Tracker  *Tracker
	Category consent.Category
	Hosts    []string // domains no list entry covers yet
	Seen     int      // requests to those domains in the --seen crawl
}

// Propose returns, sorted by tracker id, the trackers whose domains known
// does not cover, with only those domains.
// With seen (request counts by host) non-nil, only trackers seen at least
// once are proposed, most seen first.
func Propose(db *DB, known *tracker.DB, seen map[string]int) []Proposal {
	var out []Proposal
	for _, t := range db.Trackers {
		c, ok := Category(t.Category)
		if !ok {
			continue
		}
		var hosts []string
		for _, d := range t.Domains {
			if catalog.CheckHost(d) != nil {
				continue
			}
			if _, ok := known.Host(d); ok {
				continue
			}
			hosts = append(hosts, d)
		}
		if len(hosts) == 0 {
			continue
		}
		sort.Strings(hosts)
		p := Proposal{Tracker: t, Category: c, Hosts: hosts}
		if seen != nil {
			for h, n := range seen {
				for _, d := range hosts {
					if h == d || strings.HasSuffix(h, "."+d) {
						p.Seen += n
						break
					}
				}
			}
			if p.Seen == 0 {
				continue
			}
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Seen != out[j].Seen {
			return out[i].Seen > out[j].Seen
		}
		return out[i].Tracker.ID < out[j].Tracker.ID
	})
	return out
}

// Write prints proposals in our catalog format.
func Write(w io.Writer, props []Proposal) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# Proposed from the WhoTracks.me tracker database 2023-01 (CC-BY-4.0, https://whotracks.me).")
	fmt.Fprintln(bw, "# Review every entry against the vendor's own docs before moving it into trackers.txt.")
	for _, p := range props {
		id := slug(p.Tracker.ID)
		fmt.Fprintf(bw, "\n[%s] %s\n", id, strings.TrimSpace(p.Tracker.Name))
		fmt.Fprintf(bw, "# whotracks.me category: %s", p.Tracker.Category)
		if p.Seen > 0 {
			fmt.Fprintf(bw, "; %d requests in the crawl", p.Seen)
		}
		fmt.Fprintln(bw)
		fmt.Fprintf(bw, "category %s\n", p.Category)
		fmt.Fprintf(bw, "source https://whotracks.me/trackers/%s.html\n", p.Tracker.ID)
		for _, h := range p.Hosts {
			fmt.Fprintf(bw, "host %s\n", h)
		}
	}
	return bw.Flush()
}

// slug makes a WhoTracks.me id a valid vendor id (lower case, [a-z0-9-]).
func slug(id string) string {
	b := []byte(strings.ToLower(id))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '-'
		}
	}
	return "wtm-" + strings.Trim(string(b), "-")
}

// readSeen counts the requests.jsonl URLs by host.
func readSeen(path string) (map[string]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r struct{ URL string }
		if json.Unmarshal(sc.Bytes(), &r) == nil {
			if h := site.Host(r.URL); h != "" {
				seen[h]++
			}
		}
	}
	return seen, sc.Err()
}

// Main is the command: wtmgen [--known LIST]... [--seen requests.jsonl] DUMP.sql
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wtmgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var known []string
	fs.Func("known", "a catalog whose hosts are already covered (repeatable)", func(s string) error { known = append(known, s); return nil })
	seenFile := fs.String("seen", "", "requests.jsonl: propose only trackers seen there, most seen first")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: wtmgen [--known trackers.txt]... whotracksme-trackerdb.sql")
		return 2
	}
	var cats []*catalog.Catalog
	for _, k := range known {
		data, err := os.ReadFile(k)
		if err != nil {
			fmt.Fprintln(stderr, "wtmgen:", err)
			return 1
		}
		c, errs := catalog.Parse(k, data)
		for _, e := range errs {
			fmt.Fprintln(stderr, "wtmgen:", e)
		}
		cats = append(cats, c)
	}
	kdb, _ := tracker.Compile(cats...)
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "wtmgen:", err)
		return 1
	}
	defer f.Close()
	db, err := Parse(f)
	if err != nil {
		fmt.Fprintf(stderr, "wtmgen: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	var seen map[string]int
	if *seenFile != "" {
		if seen, err = readSeen(*seenFile); err != nil {
			fmt.Fprintln(stderr, "wtmgen:", err)
			return 1
		}
	}
	if err := Write(stdout, Propose(db, kdb, seen)); err != nil {
		fmt.Fprintln(stderr, "wtmgen:", err)
		return 1
	}
	return 0
}
