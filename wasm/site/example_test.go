package site_test

import (
	"fmt"

	"github.com/consentguard/consentguard/wasm/site"
)

func Example() {
	h := site.Host("https://www.google-analytics.com/g/collect?v=2")
	fmt.Println(h, site.Domain(h), site.ThirdParty(h, "www.bbc.co.uk"))
	// Output: www.google-analytics.com google-analytics.com true
}
