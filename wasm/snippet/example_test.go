package snippet_test

import (
	"fmt"

	"github.com/consentguard/consentguard/wasm/snippet"
)

func Example() {
	list := []byte(`# vendor | category | signature | source
facebook | advertising | re:fbq\(\s*['"]init['"] | https://developers.facebook.com/docs/meta-pixel
hotjar | session-replay | _hjSettings | https://help.hotjar.com/
`)
	set, errs := snippet.Parse("example.txt", list)
	if errs != nil {
		fmt.Println(errs)
	}
	m, ok := set.Match([]byte(`fbq('init', '1234'); fbq('track', 'PageView');`))
	fmt.Println(ok, m.Vendor, m.Category, m.Offset)
	// Output: true facebook advertising 0
}
