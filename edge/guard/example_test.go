package guard_test

import (
	"fmt"
	"strings"

	"github.com/consentguard/consentguard/edge/guard"
)

func ExampleScript() {
	js := guard.Script(guard.Spec{
		BlockHosts:          []string{"google-analytics.com", "doubleclick.net"},
		BlockCookies:        []string{"_gid"},
		BlockCookiePrefixes: []string{"_ga"},
	})
	// Inject as <script>...</script> at the start of <head>; with a CSP,
	// add guard.Hash(js) to script-src.
	fmt.Println(strings.Contains(string(js), `{"h":["google-analytics.com","doubleclick.net"],"c":["_gid"],"p":["_ga"],"a":0,"b":[],"s":[]}`))
	fmt.Println(strings.HasPrefix(guard.Hash(js), "'sha256-"))
	// Output:
	// true
	// true
}
