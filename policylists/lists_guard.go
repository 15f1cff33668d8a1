//go:build guard

package policylists

import (
	"errors"
	"path/filepath"

	"github.com/consentguard/consentguard/policylists/snapshot"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/tds"
)

// errGuardList is the error for an Adblock Plus or TDS list given to the
// extension's core (built with -tags guard). That build matches only our
// own catalog, so that guard.wasm links neither list matcher nor regexp;
// the extension blocks network requests with declarativeNetRequest rules
// compiled from such lists at build time.
var errGuardList = errors.New("Adblock Plus and TDS lists are not matched by the extension core (-tags guard): compile them to declarativeNetRequest rules")

// compileFilters reports every Adblock Plus list added as an error naming
// its file: nothing is compiled.
func (b *Builder) compileFilters(p *engine.Parts, rep *Report) {
	for _, l := range b.filters {
		rep.Errors = append(rep.Errors, &fileError{File: l.Name, Err: errGuardList})
		for i := range rep.Files {
			if filepath.Base(rep.Files[i].Name) == l.Name {
				rep.Files[i].Errors++
			}
		}
	}
}

// parseTDS refuses a TDS list in the extension's core.
func parseTDS(name string, data []byte) (*tds.List, []error) {
	return nil, []error{&fileError{File: name, Err: errGuardList}}
}

// fileError is an error about a whole list file.
type fileError struct {
	File string
	Err  error
}

func (e *fileError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *fileError) Unwrap() error { return e.Err }

// defaultEngine decodes the build-time snapshot: the extension's core
// starts without parsing or compiling the text lists.
func defaultEngine() (*engine.Engine, error) { return snapshot.Default() }
