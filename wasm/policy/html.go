package policy

import (
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipped elements contribute no visible text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Head: true, atom.Svg: true, atom.Math: true, atom.Iframe: true,
	atom.Object: true, atom.Select: true,
}

// blocks end a line of visible text.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true,
	atom.Ol: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Table: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Nav: true, atom.Main: true, atom.Aside: true,
	atom.Blockquote: true, atom.Pre: true, atom.Dt: true, atom.Dd: true,
	atom.Dl: true, atom.Hr: true, atom.Address: true, atom.Figcaption: true,
	atom.Details: true, atom.Summary: true, atom.Form: true, atom.Title: true,
}

// VisibleText returns the text of an HTML page a reader sees: one line per
// block element, scripts, styles, templates and elements with the hidden
// attribute or aria-hidden="true" left out, entities decoded.
func VisibleText(r io.Reader) (string, error) {
	z := html.NewTokenizer(r)
	var b strings.Builder
	skipDepth := 0
	var skipName string
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); err != io.EOF {
				return "", err
			}
			return tidyLines(b.String()), nil
		case html.TextToken:
			if skipDepth == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if skipDepth > 0 {
				if string(name) == skipName && tt == html.StartTagToken {
					skipDepth++
				}
				continue
			}
			if tt == html.StartTagToken && !voidElement(a) && (skipped[a] || (hasAttr && hidden(z))) {
				skipName, skipDepth = string(name), 1
				continue
			}
			if blocks[a] {
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipDepth > 0 {
				if string(name) == skipName {
					skipDepth--
				}
				continue
			}
			if blocks[a] {
				b.WriteByte('\n')
			}
		}
	}
}

func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Img, atom.Input, atom.Meta, atom.Link, atom.Hr, atom.Wbr, atom.Source:
		return true
	}
	return false
}

// hidden reports whether the current tag has the hidden attribute or
// aria-hidden="true" or an inline display:none.
func hidden(z *html.Tokenizer) bool {
	for {
		k, v, more := z.TagAttr()
		switch string(k) {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(string(v), "true") {
				return true
			}
		case "style":
			s := strings.ReplaceAll(strings.ToLower(string(v)), " ", "")
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		}
		if !more {
			return false
		}
	}
}

// tidyLines collapses white space inside lines and drops empty lines.
func tidyLines(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		b.WriteString(strings.Join(f, " "))
		b.WriteByte('\n')
	}
	return b.String()
}
