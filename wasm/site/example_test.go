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

func ExamplePublicSuffix() {
	for _, h := range []string{"www.bbc.co.uk", "user.github.io", "a.b.c.ck", "www.ck", "intranet.corp"} {
		s, icann := site.PublicSuffix(h)
		fmt.Println(h, s, icann, site.Domain(h))
	}
	// Output:
	// www.bbc.co.uk co.uk true bbc.co.uk
	// user.github.io github.io false user.github.io
	// a.b.c.ck c.ck true b.c.ck
	// www.ck ck true www.ck
	// intranet.corp corp false intranet.corp
}

func ExampleToASCII() {
	for _, h := range []string{"Bücher.example", "例え.jp", "русский.рф", "bad\u00a0space.example"} {
		a, err := site.ToASCII(h)
		fmt.Println(a, err != nil)
	}
	// Output:
	// xn--bcher-kva.example false
	// xn--r8jz45g.jp false
	// xn--h1acbxfam.xn--p1ai false
	//  true
}
