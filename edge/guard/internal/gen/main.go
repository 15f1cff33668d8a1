// Command gen minifies the guard template (edge/guard/guard.js) with
// tdewolff/minify into edge/guard/guard.min.js, at build time: the proxy
// and the Worker then only splice per-request data into it, and never run
// the JS minifier. Run it with go generate ./edge/guard; a test fails when
// guard.min.js is not the minified guard.js.
package main

import (
	"fmt"
	"os"

	"github.com/consentguard/consentguard/edge/guard/internal/jsmin"
)

func main() {
	src, err := os.ReadFile("guard.js")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	out, err := jsmin.Template(src)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen: guard.js:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("guard.min.js", out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
