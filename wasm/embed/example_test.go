package embed_test

import (
	"fmt"
	"strings"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/embed"
)

// A YouTube iframe under "nothing granted" becomes a placeholder of its
// size; its URL is only in data-cg-src.
func ExamplePlaceholder() {
	e := embed.Embed{
		Tag: "iframe", URL: "https://www.youtube.com/embed/dQw4w9WgXcQ",
		Vendor: "YouTube", VendorID: "youtube", Category: consent.Functional,
		Width: "560", Height: "315",
		Attrs: [][2]string{{"width", "560"}, {"height", "315"}, {"allowfullscreen", ""}},
	}
	if !embed.Offered(e.Category) {
		return
	}
	b, _ := e.Box()
	html := string(embed.Placeholder(nil, e))
	fmt.Println(b.W, b.H)
	fmt.Println(strings.Contains(html, ` data-cg-src="https://www.youtube.com/embed/dQw4w9WgXcQ"`))
	fmt.Println(strings.Contains(html, ` src=`))
	fmt.Println(strings.Contains(html, `>Always allow YouTube</button>`))
	// Output:
	// 560 315
	// true
	// false
	// true
}
