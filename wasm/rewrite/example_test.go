package rewrite_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/consentguard/consentguard/wasm/rewrite"
)

// policy removes scripts from a tracker host, pixels in <noscript>, and
// inline scripts that call fbq(.
type policy struct{}

func (policy) StartTag(e *rewrite.Element) rewrite.Action {
	switch string(e.Name()) {
	case "script":
		if !e.HasAttr("src") {
			return rewrite.Inspect // decide in Content
		}
		if strings.Contains(e.AttrDecoded("src"), "tracker.example") {
			return rewrite.Remove
		}
	case "img":
		if strings.Contains(e.AttrDecoded("src"), "tracker.example") {
			return rewrite.Remove
		}
	}
	return rewrite.Keep
}

func (policy) Content(e *rewrite.Element, body []byte) rewrite.Action {
	if bytes.Contains(body, []byte("fbq(")) {
		return rewrite.Remove
	}
	return rewrite.Keep
}

func Example() {
	page := `<html><head><title>Hi</title>
<script src="https://tracker.example/t.js"></script><script>fbq('init', '1')</script><script>app()</script>
</head><body><noscript><img src="https://tracker.example/p.gif"></noscript>Caf&eacute;</body></html>`

	w := rewrite.New(os.Stdout, policy{}, rewrite.Options{Inject: []byte("<script>guard()</script>")})
	// input may arrive in any pieces
	for _, chunk := range []string{page[:50], page[50:51], page[51:]} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	fmt.Printf("\nremoved %d\n", w.Removed())
	// Output:
	// <html><head><script>guard()</script><title>Hi</title>
	// <script>app()</script>
	// </head><body><noscript></noscript>Caf&eacute;</body></html>
	// removed 3
}

func ExampleRewrite() {
	out := rewrite.Rewrite(nil, []byte(`<p>a<img src=x.gif>b</p>`), rewrite.KeepAll{}, rewrite.Options{Inject: []byte("<!--i-->")})
	fmt.Println(string(out))
	// Output: <!--i--><p>a<img src=x.gif>b</p>
}
