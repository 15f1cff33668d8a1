package policy

import (
	"bytes"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// linkRule scores a link whose normalised label (or, for path rules, URL
// path) matches re. A score of 0 excludes the link.
type linkRule struct {
	re    *regexp.Regexp
	score int
}

// labelRules are tried in order; the first match decides.
var labelRules = []linkRule{
	// Not policies: legal notices, terms, opt-out pages and settings buttons.
	{regexp.MustCompile(`aviso legal|impressum|mentions l[ée]gales|legal notice|terms|conditions|nutzungsbedingungen|agb\b|do not sell|ne pas vendre|no vender|settings|preferences|choices|einstellungen|param[eè]tres|pr[ée]f[ée]rences|configuraci[oó]n|gestionar|manage|g[ée]rer|verwalten|opt[- ]out`), 0},
	{regexp.MustCompile(`^(privacy (policy|notice|statement)|data (privacy|protection) (policy|notice)|politique de (confidentialit[ée]|protection des donn[ée]es( personnelles)?)|datenschutz(erkl[äa]rung|hinweise|richtlinie|bestimmungen)?|pol[ií]tica de (privacidad|protecci[oó]n de datos)|aviso de privacidad|confidentialit[ée]|privacidad|privacy)$`), 100},
	{regexp.MustCompile(`privacy|datenschutz|confidentialit[ée]|privacidad|protection des donn[ée]es|donn[ée]es personnelles|protecci[oó]n de datos|vie priv[ée]e`), 80},
	{regexp.MustCompile(`cookie|témoins`), 60},
}

// pathRules score links by URL path when the label says nothing.
var pathRules = []linkRule{
	{regexp.MustCompile(`impressum|aviso-legal|mentions-legales|legal-notice|terms|do-not-sell|opt-out`), 0},
	{regexp.MustCompile(`privacy|datenschutz|confidentialite|privacidad|privacite|data-protection`), 50},
	{regexp.MustCompile(`cookie`), 40},
}

type link struct {
	url   string
	score int
	order int
}

func findLinks(page []byte, base *url.URL) []string {
	z := html.NewTokenizer(bytes.NewReader(page))
	var (
		found    = map[string]int{} // url -> index in links
		links    []link
		inA      bool
		href     string
		label    strings.Builder
		landmark int // depth inside footer/nav
	)
	finish := func() {
		inA = false
		text := normalize(strings.TrimSpace(label.String()))
		if !hasAny(text, policyWords) && !hasAny(strings.ToLower(href), policyWords) {
			return
		}
		u := resolve(base, href)
		if u == "" {
			return
		}
		s := scoreLink(text, u)
		if s == 0 {
			return
		}
		if landmark > 0 {
			s += 5
		}
		if i, ok := found[u]; ok {
			if s > links[i].score {
				links[i].score = s
			}
			return
		}
		found[u] = len(links)
		links = append(links, link{url: u, score: s, order: len(links)})
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		name, hasAttr := z.TagName()
		a := atom.Lookup(name)
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			switch a {
			case atom.Footer, atom.Nav:
				if tt == html.StartTagToken {
					landmark++
				}
			case atom.A:
				if inA {
					finish()
				}
				inA, href = true, ""
				label.Reset()
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "href":
						href = string(v)
					case "title", "aria-label":
						label.WriteString(" " + string(v) + " ")
					}
				}
			case atom.Img:
				if inA {
					for hasAttr {
						var k, v []byte
						k, v, hasAttr = z.TagAttr()
						if string(k) == "alt" {
							label.WriteString(" " + string(v) + " ")
						}
					}
				}
			}
		case html.EndTagToken:
			switch a {
			case atom.Footer, atom.Nav:
				if landmark > 0 {
					landmark--
				}
			case atom.A:
				if inA {
					finish()
				}
			}
		case html.TextToken:
			if inA {
				label.Write(z.Text())
			}
		}
	}
	if inA {
		finish()
	}
	sort.SliceStable(links, func(i, j int) bool { return links[i].score > links[j].score })
	var out []string
	for _, l := range links {
		out = append(out, l.url)
	}
	return out
}

// scoreLink scores a link by its label, or by its URL path when the label
// matches no rule.
func scoreLink(label, u string) int {
	if hasAny(label, policyWords) {
		label = strings.Join(strings.Fields(label), " ")
		for _, r := range labelRules {
			if r.re.MatchString(label) {
				return r.score
			}
		}
	}
	p, err := url.Parse(u)
	if err != nil {
		return 0
	}
	path := strings.ToLower(p.EscapedPath())
	if !hasAny(path, policyWords) {
		return 0
	}
	for _, r := range pathRules {
		if r.re.MatchString(path) {
			return r.score
		}
	}
	return 0
}

// policyWords: a label or path without one of them is no policy link (the
// rules, exclusions included, are tried only on the others).
var policyWords = []string{"priva", "datenschutz", "confidentialit", "donn", "protec", "vie priv", "cookie", "témoins", "data-protection"}

// resolve makes href absolute against base and returns it without its
// fragment, or "" when it is not an http(s) URL with a host.
func resolve(base *url.URL, href string) string {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}
