package filter_test

import (
	"fmt"

	"github.com/consentguard/consentguard/wasm/filter"
)

func Example() {
	list := []byte(`! a tiny list
||tracker.example^$third-party
/pixel.gif^
@@||tracker.example/consent/
example.com##.banner
`)
	engine, report := filter.Compile(filter.List{Name: "mini.txt", Data: list})
	fmt.Println("rules:", report.Rules, "cosmetic skipped:", report.Skipped["cosmetic"])

	// Serialise once, load fast (e.g. at service worker start).
	b, _ := engine.MarshalBinary()
	engine, _ = filter.Load(b)

	var req filter.Request // reuse: Reset does not allocate
	for _, u := range []string{
		"https://cdn.tracker.example/t.js",
		"https://tracker.example/consent/v2.js",
		"https://news.example.org/img/pixel.gif?id=1",
		"https://news.example.org/logo.png",
	} {
		if err := req.Reset(u, "https://news.example.org/", filter.TypeScript); err != nil {
			fmt.Println(err)
			continue
		}
		v := engine.Match(&req)
		switch {
		case v.Blocked:
			fmt.Printf("block %s (%s in %s)\n", u, v.Rule, v.List)
		case v.Exception != nil:
			fmt.Printf("allow %s (%s)\n", u, v.Exception)
		default:
			fmt.Printf("allow %s\n", u)
		}
	}
	// Output:
	// rules: 3 cosmetic skipped: 1
	// block https://cdn.tracker.example/t.js (||tracker.example^$third-party in mini.txt)
	// allow https://tracker.example/consent/v2.js (@@||tracker.example/consent/)
	// block https://news.example.org/img/pixel.gif?id=1 (/pixel.gif^ in mini.txt)
	// allow https://news.example.org/logo.png
}

// A loaded engine compiles its regular expressions on first use; Warm does
// it up front (with regexp's reusable state), so that matching never
// allocates afterwards.
func ExampleEngine_Warm() {
	e, _ := filter.Compile(filter.List{Name: "re.txt", Data: []byte(`/\/ad[0-9]+\.js/$script`)})
	b, _ := e.MarshalBinary()
	e, _ = filter.Load(b)
	e.Warm()
	req, _ := filter.NewRequest("https://cdn.example/ad42.js", "https://news.example/", filter.TypeScript)
	fmt.Println(e.Match(req).Blocked)
	// Output: true
}

func ExampleRule_Parts() {
	r, _ := filter.ParseRule("@@||cdn.example^$script,third-party,domain=news.example")
	p := r.Parts()
	fmt.Println(p.Exception, p.HostAnchor, p.Pattern, p.ThirdParty && !p.FirstParty, p.Types, p.Domains)
	// Output: true true cdn.example^ true script [news.example]
}
