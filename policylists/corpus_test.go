package policylists_test

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/snippet"
)

var corpusMisses = flag.Bool("corpus.misses", false, "log every corpus line the embedded lists get wrong")

// corpusLine is one labelled line of testdata/corpus: a request (url, page,
// type, want) or a cookie (name, domain, want).
type corpusLine struct {
	at     string // file:line
	source string // the vendor doc it was written from
	fields []string
	want   consent.Category
}

// readCorpus reads a corpus file: "source ..." lines set the source of the
// lines below them, data lines are TAB-separated with the expected category
// last. Every data line must have a source and the right number of fields.
func readCorpus(t *testing.T, name string, nfields int) []corpusLine {
	t.Helper()
	path := filepath.Join("testdata", "corpus", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines, errs := parseCorpus(path, data, nfields)
	for _, err := range errs {
		t.Error(err)
	}
	if len(lines) == 0 {
		t.Fatalf("%s: no labelled lines", path)
	}
	return lines
}

func parseCorpus(path string, data []byte, nfields int) ([]corpusLine, []error) {
	var out []corpusLine
	var errs []error
	source := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		at := fmt.Sprintf("%s:%d", path, n)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "source "):
			source = strings.TrimSpace(strings.TrimPrefix(line, "source "))
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != nfields {
			errs = append(errs, fmt.Errorf("%s: %d fields, want %d", at, len(f), nfields))
			continue
		}
		if source == "" {
			errs = append(errs, fmt.Errorf("%s: no source line above it", at))
			continue
		}
		want, err := consent.ParseCategory(f[nfields-1])
		if err != nil && f[nfields-1] != "none" {
			errs = append(errs, fmt.Errorf("%s: category: %v", at, err))
			continue
		}
		out = append(out, corpusLine{at: at, source: source, fields: f[:nfields-1], want: want})
	}
	return out, errs
}

// optional reports whether a category needs the visitor's consent.
func optional(c consent.Category) bool {
	return c != consent.None && c != consent.Necessary && c != consent.Consent
}

// requestScore is what the embedded lists make of the request corpus under
// "nothing granted".
type requestScore struct {
	trackers, blocked    int // lines of an optional category, and those blocked
	others, wrongBlocks  int // none/necessary/consent lines, and those blocked
	total, categoryRight int
	misses               []string
}

func (s requestScore) recall() float64      { return ratio(s.blocked, s.trackers) }
func (s requestScore) wrongRate() float64   { return ratio(s.wrongBlocks, s.others) }
func (s requestScore) catAccuracy() float64 { return ratio(s.categoryRight, s.total) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func scoreRequests(e *engine.Engine, lines []corpusLine) (requestScore, error) {
	var s requestScore
	for _, l := range lines {
		typ, ok := filter.ParseType(l.fields[2])
		if !ok {
			return s, fmt.Errorf("%s: unknown type %q", l.at, l.fields[2])
		}
		d := e.Decide(l.fields[0], l.fields[1], typ, consent.State{})
		s.total++
		if d.Category == l.want {
			s.categoryRight++
		}
		if optional(l.want) {
			s.trackers++
			if d.Action == engine.Block {
				s.blocked++
			}
		} else {
			s.others++
			if d.Action == engine.Block {
				s.wrongBlocks++
			}
		}
		if d.Category != l.want {
			s.misses = append(s.misses, fmt.Sprintf("%s: %s got %v (%s), want %v", l.at, l.fields[0], d.Category, d.Rule, l.want))
		}
	}
	return s, nil
}

type cookieScore struct {
	total, categoryRight        int
	optional, removed           int
	necessary, necessaryRemoved int
	misses                      []string
}

func scoreCookies(e *engine.Engine, lines []corpusLine) cookieScore {
	var s cookieScore
	for _, l := range lines {
		m, action, _ := e.DecideCookie(l.fields[0], l.fields[1], consent.State{})
		s.total++
		if m.Category == l.want {
			s.categoryRight++
		} else {
			s.misses = append(s.misses, fmt.Sprintf("%s: %s@%s got %v (%s), want %v", l.at, l.fields[0], l.fields[1], m.Category, m.Pattern, l.want))
		}
		switch {
		case optional(l.want):
			s.optional++
			if action == engine.Block {
				s.removed++
			}
		case l.want == consent.Necessary || l.want == consent.Consent:
			s.necessary++
			if action == engine.Block {
				s.necessaryRemoved++
			}
		}
	}
	return s
}

// Floors of the corpus test: the targets (issue 9).
const (
	floorRecall         = 0.97
	ceilWrongBlocks     = 0.02
	floorCategory       = 0.90
	floorCookieCategory = 0.93
	floorCookiesRemoved = 0.97
)

// TestCorpus measures the embedded lists, with the defaults of `consentguard
// classify` and `consentguard cookies`, on the labelled corpus in
// testdata/corpus, and fails below the floors. -corpus.misses lists every
// line they get wrong.
func TestCorpus(t *testing.T) {
	e, err := policylists.Default()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := scoreRequests(e, readCorpus(t, "requests.tsv", 4))
	if err != nil {
		t.Fatal(err)
	}
	cs := scoreCookies(e, readCorpus(t, "cookies.tsv", 3))
	t.Logf("requests: %d lines, %d trackers; recall %.3f (%d/%d), wrong blocks %.1f%% (%d/%d), category %.3f (%d/%d)",
		rs.total, rs.trackers, rs.recall(), rs.blocked, rs.trackers, 100*rs.wrongRate(), rs.wrongBlocks, rs.others,
		rs.catAccuracy(), rs.categoryRight, rs.total)
	t.Logf("cookies: %d lines; category %.3f (%d/%d), optional removed %.3f (%d/%d), necessary or consent removed %d of %d",
		cs.total, ratio(cs.categoryRight, cs.total), cs.categoryRight, cs.total, ratio(cs.removed, cs.optional), cs.removed, cs.optional,
		cs.necessaryRemoved, cs.necessary)
	if *corpusMisses {
		for _, m := range append(rs.misses, cs.misses...) {
			t.Log(m)
		}
	}
	if rs.recall() < floorRecall {
		t.Errorf("recall %.3f below %.2f", rs.recall(), floorRecall)
	}
	if rs.wrongRate() > ceilWrongBlocks {
		t.Errorf("wrong blocks %.3f above %.2f", rs.wrongRate(), ceilWrongBlocks)
	}
	if rs.catAccuracy() < floorCategory {
		t.Errorf("category accuracy %.3f below %.2f", rs.catAccuracy(), floorCategory)
	}
	if c := ratio(cs.categoryRight, cs.total); c < floorCookieCategory {
		t.Errorf("cookie category accuracy %.3f below %.2f", c, floorCookieCategory)
	}
	if r := ratio(cs.removed, cs.optional); r < floorCookiesRemoved {
		t.Errorf("optional cookies removed %.3f below %.2f", r, floorCookiesRemoved)
	}
	if cs.necessaryRemoved > 0 {
		t.Errorf("%d necessary or consent cookies removed under nothing granted", cs.necessaryRemoved)
	}
}

// holdoutFloors are the least figures a held-out corpus must keep: those
// of its first run (README, Coverage). A held-out corpus exists to show how
// the lists generalise, so the lists are not tuned against it line by line.
type holdoutFloors struct {
	recall, wrongBlocks, category, cookieCategory, cookiesRemoved float64
}

// Floors of the first held-out corpus, at its first run.
var holdoutFloor = holdoutFloors{
	recall:         0.87, // first run: 0.875 (35/40)
	wrongBlocks:    0.06, // first run: 1 of 18 (mapbox-gl.js, listed as a functional map)
	category:       0.89, // first run: 0.897 (52/58)
	cookieCategory: 0.84, // first run: 0.846 (22/26)
}

// Floors of the second held-out corpus (holdout2-*.tsv: ten kinds of whole
// site), at its first run on the lists before the round that followed it.
var holdout2Floor = holdoutFloors{
	recall:         0.83, // first run: 0.831 (196/236)
	wrongBlocks:    0.01, // first run: 0.8%, 1 of 123 (a Gravatar avatar, listed as functional)
	category:       0.83, // first run: 0.838 (301/359)
	cookieCategory: 0.79, // first run: 0.797 (153/192)
	cookiesRemoved: 0.76, // first run: 0.763 (100/131), no necessary or consent cookie removed
}

// TestHoldoutCorpus measures the lists on the first held-out corpus.
func TestHoldoutCorpus(t *testing.T) {
	testHoldout(t, "holdout", holdoutFloor)
}

// TestHoldout2Corpus measures the lists on the second held-out corpus.
func TestHoldout2Corpus(t *testing.T) {
	testHoldout(t, "holdout2", holdout2Floor)
}

func testHoldout(t *testing.T, name string, floor holdoutFloors) {
	e, err := policylists.Default()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := scoreRequests(e, readCorpus(t, name+"-requests.tsv", 4))
	if err != nil {
		t.Fatal(err)
	}
	cs := scoreCookies(e, readCorpus(t, name+"-cookies.tsv", 3))
	t.Logf("%s: requests %d lines; recall %.3f (%d/%d), wrong blocks %.1f%% (%d/%d), category %.3f (%d/%d); cookies %d lines, category %.3f (%d/%d), optional removed %.3f (%d/%d), necessary or consent removed %d",
		name, rs.total, rs.recall(), rs.blocked, rs.trackers, 100*rs.wrongRate(), rs.wrongBlocks, rs.others, rs.catAccuracy(), rs.categoryRight, rs.total,
		cs.total, ratio(cs.categoryRight, cs.total), cs.categoryRight, cs.total, ratio(cs.removed, cs.optional), cs.removed, cs.optional, cs.necessaryRemoved)
	if *corpusMisses {
		for _, m := range append(rs.misses, cs.misses...) {
			t.Log(m)
		}
	}
	if rs.recall() < floor.recall || rs.wrongRate() > floor.wrongBlocks || rs.catAccuracy() < floor.category ||
		ratio(cs.categoryRight, cs.total) < floor.cookieCategory || ratio(cs.removed, cs.optional) < floor.cookiesRemoved ||
		cs.necessaryRemoved > 0 {
		t.Errorf("%s corpus below its floors %+v", name, floor)
	}
}

// floorSnippets is the least share of labelled inline snippets whose
// category the snippet list gets exactly right (a non-tracker script
// matching nothing counts as right).
const floorSnippets = 0.95

// TestSnippetCorpus measures snippets.txt on documented install snippets.
func TestSnippetCorpus(t *testing.T) {
	data, ok := policylists.File("snippets.txt")
	if !ok {
		t.Fatal("no snippets.txt")
	}
	set, errs := snippet.Parse("snippets.txt", data)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	lines := readCorpus(t, "snippets.tsv", 2)
	right, wrongRemovals, others := 0, 0, 0
	for _, l := range lines {
		got := consent.None
		if m, ok := set.Match([]byte(l.fields[0])); ok {
			got = m.Category
		}
		if got == l.want {
			right++
		} else if *corpusMisses {
			t.Logf("%s: got %v, want %v", l.at, got, l.want)
		}
		if !optional(l.want) {
			others++
			if optional(got) {
				wrongRemovals++
			}
		}
	}
	share := ratio(right, len(lines))
	t.Logf("snippets: %d lines, category right %.3f (%d), non-tracker scripts removed %d of %d", len(lines), share, right, wrongRemovals, others)
	if share < floorSnippets || wrongRemovals > 0 {
		t.Errorf("snippet category %.3f below %.2f or %d non-tracker scripts removed", share, floorSnippets, wrongRemovals)
	}
}

// TestCorpusFormat: the reader names the file and line of every bad line and
// keeps the good ones.
func TestCorpusFormat(t *testing.T) {
	data := []byte("x\tanalytics\nsource https://vendor.example/docs\n_ga\tanalytics\nbad line\n_x\tnot-a-category\n_y\tnone\n")
	lines, errs := parseCorpus("c.tsv", data, 2)
	if len(lines) != 2 || lines[0].fields[0] != "_ga" || lines[0].want != consent.Analytics || lines[1].want != consent.None {
		t.Errorf("lines = %+v", lines)
	}
	want := []string{"c.tsv:1: no source", "c.tsv:4: 1 fields", "c.tsv:5: category"}
	if len(errs) != len(want) {
		t.Fatalf("errors = %v, want %d", errs, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("error %d = %q, want prefix %q", i, errs[i], w)
		}
	}
}

// FuzzParseCorpus: the corpus reader never panics, every line it keeps has
// the asked number of fields less the category, and every error names the
// file and line.
func FuzzParseCorpus(f *testing.F) {
	f.Add([]byte("source https://a.example/\n_ga\tanalytics\n"), 2)
	f.Add([]byte("x\ty\tz\tnone\n# c\n\nsource s\nu\tp\tscript\tbad\n"), 4)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		if n < 1 || n > 8 {
			return
		}
		lines, errs := parseCorpus("f.tsv", data, n)
		for _, l := range lines {
			if len(l.fields) != n-1 || l.source == "" || !strings.HasPrefix(l.at, "f.tsv:") {
				t.Fatalf("bad line %+v", l)
			}
		}
		for _, err := range errs {
			if !strings.HasPrefix(err.Error(), "f.tsv:") {
				t.Fatalf("error without file:line: %v", err)
			}
		}
	})
}
