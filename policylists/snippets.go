package policylists

import "github.com/consentguard/consentguard/wasm/snippet"

// checkSnippets validates an inline-script signature list.
func checkSnippets(name string, data []byte) (int, []error) {
	s, errs := snippet.Parse(name, data)
	if s == nil {
		return 0, errs
	}
	return s.Len(), errs
}
