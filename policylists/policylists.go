// Package policylists embeds consentguard's own curated lists and compiles
// them, with any upstream lists a user adds, into an engine.
//
// The lists are plain text written in this repository, one fact per line,
// each vendor with its sources (the format is documented in package
// wasm/catalog and at the top of each file):
//
//	trackers.txt  tracker hosts and path signatures -> vendor -> category
//	cookies.txt   cookie names and patterns -> vendor -> category
//	params.txt    tracking URL parameters to strip
//	snippets.txt  inline-script signatures of tag snippets
//
// Upstream formats are loaded beside them: Adblock Plus filter lists
// (EasyList, EasyPrivacy), the Open Cookie Database CSV and DuckDuckGo's
// Tracker Data Set (TDS) JSON.
package policylists

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/cookie"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/msg"
	"github.com/consentguard/consentguard/wasm/param"
	"github.com/consentguard/consentguard/wasm/tds"
	"github.com/consentguard/consentguard/wasm/tracker"
)

//go:embed *.txt
var embedded embed.FS

// Files returns the embedded lists by name, sorted.
func Files() map[string][]byte {
	out := map[string][]byte{}
	ents, _ := fs.ReadDir(embedded, ".")
	for _, e := range ents {
		b, err := embedded.ReadFile(e.Name())
		if err == nil {
			out[e.Name()] = b
		}
	}
	return out
}

// File returns one embedded list.
func File(name string) ([]byte, bool) {
	b, err := embedded.ReadFile(name)
	return b, err == nil
}

// Format is a list format.
type Format string

// The formats Detect knows.
const (
	FormatCatalog  Format = "catalog"  // our vendor catalog (trackers.txt, cookies.txt)
	FormatParams   Format = "params"   // our tracking-parameter list
	FormatSnippets Format = "snippets" // our inline-script signatures
	FormatABP      Format = "abp"      // Adblock Plus network filters
	FormatOCD      Format = "ocd"      // Open Cookie Database CSV
	FormatTDS      Format = "tds"      // DuckDuckGo Tracker Data Set JSON
)

// Detect tells a list's format from its name and first bytes.
func Detect(name string, data []byte) Format {
	base := strings.ToLower(filepath.Base(name))
	switch {
	case strings.HasPrefix(base, "params"):
		return FormatParams
	case strings.HasPrefix(base, "snippets"):
		return FormatSnippets
	case strings.HasSuffix(base, ".csv"):
		return FormatOCD
	case strings.HasSuffix(base, ".json"):
		return FormatTDS
	}
	head := data
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	for _, line := range strings.Split(string(head), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "!") {
			continue
		}
		switch {
		case strings.HasPrefix(line, "[Adblock") || strings.HasPrefix(line, "[uBlock"):
			return FormatABP
		case strings.HasPrefix(line, "{"):
			return FormatTDS
		case strings.HasPrefix(line, "ID,") && strings.Contains(line, "Cookie"):
			return FormatOCD
		case strings.HasPrefix(line, "[") && strings.Contains(line, "]"):
			return FormatCatalog
		}
		return FormatABP
	}
	return FormatABP
}

// Report says what compiling lists found: counts and every error, each
// naming its file and line.
type Report struct {
	Files    []FileReport
	Errors   []error
	Trackers int // hosts + path signatures
	Vendors  int
	Cookies  int
	Rules    int // network filter rules
	Params   int
	// Skipped counts filter lines skipped by kind (cosmetic, scriptlet, ...).
	Skipped map[string]int
}

// FileReport is one list's outcome.
type FileReport struct {
	Name    string
	Format  Format
	Entries int
	Errors  int
	// Skipped counts lines skipped on purpose, by kind (filter lists:
	// cosmetic, scriptlet, redirect, ...).
	Skipped map[string]int
}

// Builder gathers lists and compiles them into an engine.
type Builder struct {
	catalogs []*catalog.Catalog
	filters  []filter.List
	params   []string
	tds      []*tds.List
	listCat  map[string]consent.Category
	report   Report
}

// NewBuilder returns a builder holding the embedded lists.
func NewBuilder() *Builder {
	b := &Builder{listCat: map[string]consent.Category{}, report: Report{Skipped: map[string]int{}}}
	names := make([]string, 0)
	for n := range Files() {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		data, _ := File(n)
		b.addOwn(n, Detect(n, data), data)
	}
	return b
}

// AddFile reads and adds a list from disk.
func (b *Builder) AddFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := CheckText(path, data); err != nil {
		return err
	}
	b.Add(path, data)
	return nil
}

// SetListCategory sets the category a filter list's blocks get when the
// catalog does not classify the request.
func (b *Builder) SetListCategory(list string, c consent.Category) { b.listCat[list] = c }

// Add adds a list of any known format; problems go to the report.
func (b *Builder) Add(name string, data []byte) {
	if err := CheckText(name, data); err != nil {
		b.record(FileReport{Name: name}, []error{err})
		return
	}
	f := Detect(name, data)
	switch f {
	case FormatOCD, FormatTDS:
		b.addUpstream(name, f, data)
	default:
		b.addOwn(name, f, data)
	}
}

// addOwn adds a list in one of our formats or Adblock Plus syntax. It is kept
// apart from addUpstream so that the js/wasm core, which only loads the
// embedded lists, does not link the CSV and JSON loaders.
func (b *Builder) addOwn(name string, f Format, data []byte) {
	fr := FileReport{Name: name, Format: f}
	var errs []error
	switch f {
	case FormatCatalog:
		c, es := catalog.Parse(name, data)
		errs = es
		if c != nil {
			b.catalogs = append(b.catalogs, c)
			fr.Entries = entries(c)
		}
	case FormatParams:
		s, es := param.Parse(name, data)
		errs = es
		if s != nil {
			b.params = append(b.params, s.Names()...)
			fr.Entries = len(s.Names())
		}
	case FormatSnippets:
		// Inline-script signatures are compiled by the edge rewriter; here
		// they are only counted (lists check validates them).
		fr.Entries = countLines(data)
	default:
		fr.Format = FormatABP
		b.filters = append(b.filters, filter.List{Name: filepath.Base(name), Data: data})
	}
	b.record(fr, errs)
}

// addUpstream adds an Open Cookie Database CSV or a TDS JSON.
func (b *Builder) addUpstream(name string, f Format, data []byte) {
	fr := FileReport{Name: name, Format: f}
	var errs []error
	var c *catalog.Catalog
	if f == FormatOCD {
		c, errs = cookie.ParseOCD(filepath.Base(name), strings.NewReader(string(data)))
	} else {
		var l *tds.List
		l, errs = parseTDS(filepath.Base(name), data)
		if l != nil {
			b.tds = append(b.tds, l)
			fr.Entries = l.Len()
		}
	}
	if c != nil {
		b.catalogs = append(b.catalogs, c)
		fr.Entries = entries(c)
	}
	b.record(fr, errs)
}

func (b *Builder) record(fr FileReport, errs []error) {
	fr.Errors = len(errs)
	b.report.Errors = append(b.report.Errors, errs...)
	b.report.Files = append(b.report.Files, fr)
}

func entries(c *catalog.Catalog) int {
	n := 0
	for _, v := range c.Vendors {
		n += len(v.Entries)
	}
	return n
}

// Build compiles everything added so far.
func (b *Builder) Build() (*engine.Engine, *Report, error) {
	rep := b.report
	rep.Errors = append([]error(nil), rep.Errors...)
	p := engine.Parts{ListCategory: b.listCat}
	var errs []error
	p.Trackers, errs = tracker.Compile(b.catalogs...)
	rep.Errors = append(rep.Errors, errs...)
	p.Cookies, errs = cookie.Compile(b.catalogs...)
	rep.Errors = append(rep.Errors, errs...)
	b.compileFilters(&p, &rep)
	if len(b.params) > 0 {
		s, err := param.New(b.params)
		if err != nil {
			return nil, &rep, err
		}
		p.Params = s
		rep.Params = len(b.params)
	}
	rep.Trackers = p.Trackers.Hosts()
	rep.Vendors = p.Trackers.Vendors()
	rep.Cookies = p.Cookies.Len()
	return engine.New(p), &rep, nil
}

var (
	defOnce sync.Once
	defEng  *engine.Engine
	defErr  error
)

// Default returns the engine compiled from the embedded lists alone. It is
// built once and shared; an embedded list with errors is a build bug and
// makes Default fail. The extension's core (-tags guard) decodes it from
// the build-time snapshot (SnapshotFile) instead of compiling the text.
func Default() (*engine.Engine, error) {
	defOnce.Do(func() { defEng, defErr = defaultEngine() })
	return defEng, defErr
}

// fromText compiles the embedded lists' text; an error in them is an error.
func fromText() (*engine.Engine, error) {
	e, rep, err := NewBuilder().Build()
	if err == nil && len(rep.Errors) > 0 {
		err = msg.Errorf("embedded lists: %d errors, first: %v", len(rep.Errors), rep.Errors[0])
	}
	return e, err
}

// Build compiles the embedded lists plus the given files (any format Detect
// knows). Errors in the files are in the report; the engine is built from
// everything that parsed.
func Build(files ...string) (*engine.Engine, *Report, error) {
	b := NewBuilder()
	for _, f := range files {
		if err := b.AddFile(f); err != nil {
			return nil, nil, err
		}
	}
	e, rep, err := b.Build()
	if rep != nil {
		namePaths(rep)
	}
	return e, rep, err
}

func countLines(data []byte) int {
	n := 0
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			n++
		}
	}
	return n
}
