//go:build guard

package engine

import "github.com/consentguard/consentguard/wasm/filter"

// listParts is empty in the extension's core: no Parts.TDS, so that
// guard.wasm links no TDS package (nor encoding/json, whose initialisation
// keeps float formatting in the binary).
type listParts struct{}

// matchLists does nothing in the extension's core (built with -tags guard):
// it decides from the embedded catalog only, so that guard.wasm links
// neither the Adblock Plus matcher nor the TDS matcher and their regexp.
// The extension blocks network requests with declarativeNetRequest rules
// compiled from the lists at build time; policylists refuses Adblock Plus
// and TDS lists in this build, so Parts.Filter stays nil and Parts has no TDS.
func (e *Engine) matchLists(r *filter.Request, d *Decision, known bool) {}
