package policylists

import (
	"fmt"
	"strings"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/cookie"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/param"
	"github.com/consentguard/consentguard/wasm/tds"
)

// Check validates one list in format f (detected when f is ""). It returns
// what it counted and every error, each naming the file and line.
func Check(name string, data []byte, f Format) (FileReport, []error) {
	if err := CheckText(name, data); err != nil {
		return FileReport{Name: name}, []error{err}
	}
	if f == "" {
		f = Detect(name, data)
	}
	base := name // errors name the path as given
	fr := FileReport{Name: name, Format: f}
	var errs []error
	switch f {
	case FormatCatalog:
		c, es := catalog.Parse(base, data)
		errs = es
		if c != nil {
			fr.Entries = entries(c)
		}
	case FormatParams:
		s, es := param.Parse(base, data)
		errs = es
		if s != nil {
			fr.Entries = len(s.Names())
		}
	case FormatSnippets:
		n, es := checkSnippets(base, data)
		fr.Entries, errs = n, es
	case FormatOCD:
		c, es := cookie.ParseOCD(base, strings.NewReader(string(data)))
		errs = es
		if c != nil {
			fr.Entries = entries(c)
		}
	case FormatTDS:
		// Validate with the full TDS semantics (rules, exceptions), then
		// count what the engine takes from it.
		l, err := tds.Parse(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", base, err))
			break
		}
		for _, w := range l.Warnings() {
			errs = append(errs, fmt.Errorf("%s: %w", base, w))
		}
		fr.Entries = l.Len()
	default:
		fr.Format = FormatABP
		_, rep := filter.Compile(filter.List{Name: base, Data: data})
		fr.Entries = rep.Rules
		fr.Skipped = rep.Skipped
		for i := range rep.Errors {
			errs = append(errs, &rep.Errors[i])
		}
	}
	fr.Errors = len(errs)
	return fr, errs
}
