//go:build !guard

package policylists

import (
	"fmt"
	"path/filepath"

	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/filter"
	"github.com/consentguard/consentguard/wasm/tds"
)

// compileFilters sets p.TDS to the TDS lists added so far, compiles the
// Adblock Plus lists into p.Filter and counts their rules, skips and errors
// (per file) in rep.
func (b *Builder) compileFilters(p *engine.Parts, rep *Report) {
	p.TDS = b.tds
	if len(b.filters) == 0 {
		return
	}
	fe, fr := filter.Compile(b.filters...)
	p.Filter = fe
	rep.Rules = fr.Rules
	for k, v := range fr.Skipped {
		rep.Skipped[k] += v
	}
	for i := range fr.Errors {
		rep.Errors = append(rep.Errors, &fr.Errors[i])
	}
	// Count filter errors per file.
	for i := range rep.Files {
		for _, pe := range fr.Errors {
			if filepath.Base(rep.Files[i].Name) == pe.List {
				rep.Files[i].Errors++
			}
		}
	}
}

// parseTDS reads a DuckDuckGo Tracker Data Set; errors and warnings name
// the file.
func parseTDS(name string, data []byte) (*tds.List, []error) {
	l, err := tds.Parse(data)
	if err != nil {
		return nil, []error{fmt.Errorf("%s: %w", name, err)}
	}
	var errs []error
	for _, w := range l.Warnings() {
		errs = append(errs, fmt.Errorf("%s: %w", name, w))
	}
	return l, errs
}

// defaultEngine compiles the embedded lists' text.
func defaultEngine() (*engine.Engine, error) { return fromText() }
