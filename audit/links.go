package audit

import (
	"net/url"
	"strings"

	"github.com/consentguard/consentguard/wasm/site"
	"golang.org/x/net/html"
)

// innerPages returns up to n same-site http(s) links of a page (the href
// of <a> and <area> elements), in page order, without fragments, without
// duplicates and without the page itself. It reads the HTML with the
// x/net/html tokenizer, so hrefs in comments, scripts or text are not links.
func innerPages(doc, base string, n int) []string {
	b, err := url.Parse(base)
	if err != nil || n <= 0 || (b.Scheme != "http" && b.Scheme != "https") || b.Hostname() == "" {
		return nil
	}
	var out []string
	self := *b
	self.Fragment, self.RawFragment = "", ""
	seen := map[string]bool{self.String(): true}
	z := html.NewTokenizer(strings.NewReader(doc))
	for len(out) < n {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr || (string(name) != "a" && string(name) != "area") {
			continue
		}
		for {
			k, v, more := z.TagAttr()
			if string(k) == "href" {
				if u := sameSiteLink(b, string(v)); u != "" && !seen[u] {
					seen[u] = true
					out = append(out, u)
				}
				break
			}
			if !more {
				break
			}
		}
	}
	return out
}

// sameSiteLink resolves raw against base and returns it without its
// fragment when it is an http(s) URL of base's site, else "".
func sameSiteLink(base *url.URL, raw string) string {
	u, err := base.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || site.ThirdParty(u.Hostname(), base.Hostname()) {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}
