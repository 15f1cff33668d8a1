// Package embed renders the click-to-load placeholder that stands in for an
// embed (a video or audio player, a map, a scheduling or comment widget, a
// code embed, a social post) whose consent category the visitor has not
// granted.
//
// The placeholder has the embed's size (from its width and height
// attributes, scaled down to narrow screens), names the vendor and the
// category it needs, and offers two buttons: "Load this once" and "Always
// allow <vendor>". The embed's URL is kept only in a data- attribute, so
// nothing is requested from the vendor before a click.
//
// The markup (Placeholder), the stylesheet (CSS) and the script that
// restores the embed on a click (Script) are plain text shared by the edge
// proxy, the Cloudflare Worker and the browser extension. The script
// carries the stylesheet and installs it as a constructed stylesheet, which
// a Content-Security-Policy does not govern, so a page needs to allow only
// the script. "Always allow" records consent for the category through the
// proxy's consent endpoint (ConsentPath) before it loads the embed.
package embed

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/consentguard/consentguard/wasm/consent"
)

// ConsentPath is the consent endpoint "Always allow" posts to (the edge
// proxy's).
const ConsentPath = "/.consentguard/consent"

// Default size of an embed without usable width or height attributes: the
// HTML default for an iframe.
const (
	DefaultWidth  = 300
	DefaultHeight = 150
)

// Size bounds: an embed smaller than MinSide pixels on a side is not
// something a visitor can choose to load (hidden and 1x1 frames), so it gets
// no placeholder (Offered); larger sides are capped at MaxSide.
const (
	MinSide = 40
	MaxSide = 4000
)

// Embed describes one embed element to replace.
type Embed struct {
	// Tag is the element's name; only "iframe" is restored.
	Tag string
	// URL is the embed's URL (absolute).
	URL string
	// Vendor is the vendor's display name ("YouTube"); VendorID its list id.
	Vendor, VendorID string
	// Category is the consent category the embed needs.
	Category consent.Category
	// Width and Height are the element's attribute values as written
	// ("560", "100%", ""), parsed with ParseDimension.
	Width, Height string
	// Attrs are the element's other attributes (name, decoded value),
	// src excluded, set again on the element when it is restored.
	Attrs [][2]string
	// OptedOut: the visitor's opt-out signal (GPC, DNT) denies the
	// category whatever is granted, so "Always allow" is not offered.
	OptedOut bool
}

// Offered reports whether an embed needing category c gets a placeholder:
// functional and social embeds are content the visitor may want; trackers
// of other categories in frames (ad slots, sync frames) are removed.
func Offered(c consent.Category) bool {
	return c == consent.Functional || c == consent.Social
}

// Needed reports whether a page under effective consent eff may carry
// placeholders, and so needs Script.
func Needed(eff consent.Set) bool {
	return !eff.Has(consent.Functional) || !eff.Has(consent.Social)
}

// Dimension is a parsed width or height attribute.
type Dimension struct {
	Value   float64
	Percent bool
}

// ParseDimension parses a width or height attribute value with HTML's rules
// for parsing dimension values: optional leading white space, digits, an
// optional fraction, then "%" for a percentage; anything after is ignored.
// ok is false when the value has no leading number.
func ParseDimension(s string) (d Dimension, ok bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return Dimension{}, false
	}
	end := i
	if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		end = i
	}
	v, err := strconv.ParseFloat(s[start:end], 64)
	if err != nil { // only out of range: digits and a fraction always parse
		v = MaxSide * 100
	}
	d.Value = v
	d.Percent = i < len(s) && s[i] == '%'
	return d, true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// Box is the placeholder's size: W x H pixels, or a fluid width (a
// percentage width attribute) with the aspect ratio W:H.
type Box struct {
	W, H  int
	Fluid bool
}

// Box returns the placeholder's size, and false when the embed is too
// small to offer (a side under MinSide pixels).
func (e Embed) Box() (Box, bool) {
	w, wok := ParseDimension(e.Width)
	h, hok := ParseDimension(e.Height)
	b := Box{W: DefaultWidth, H: DefaultHeight}
	if hok && !h.Percent {
		b.H = clampSide(h.Value)
	}
	switch {
	case wok && w.Percent:
		b.Fluid = true
		if hok && !h.Percent {
			b.W = clampSide(float64(b.H) * 16 / 9) // no pixel width: a video's ratio
		} else {
			b.W, b.H = 560, 315
		}
	case wok:
		b.W = clampSide(w.Value)
	}
	if wok && !w.Percent && w.Value < MinSide || hok && !h.Percent && h.Value < MinSide {
		return b, false
	}
	return b, true
}

func clampSide(v float64) int {
	switch {
	case v < 1:
		return 1
	case v > MaxSide:
		return MaxSide
	}
	return int(v)
}

// Placeholder appends the placeholder markup for e to dst. The markup is
// ASCII (other characters are written as character references), so it is
// right in a page of any charset; it holds no URL attribute a browser
// would load.
func Placeholder(dst []byte, e Embed) []byte {
	b, _ := e.Box()
	vendor := e.Vendor
	if vendor == "" {
		vendor = e.VendorID
	}
	if vendor == "" {
		vendor = "another site"
	}
	need := categoryText(e.Category)
	dst = append(dst, `<div class="cg-embed`...)
	if b.Fluid {
		dst = append(dst, ` cg-embed-fluid`...)
	}
	dst = append(dst, `" data-cg-embed="" data-cg-tag="iframe" data-cg-src="`...)
	dst = appendEscaped(dst, e.URL)
	dst = append(dst, `" data-cg-category="`...)
	dst = appendEscaped(dst, e.Category.String())
	dst = append(dst, `" data-cg-vendor="`...)
	dst = appendEscaped(dst, e.VendorID)
	dst = append(dst, `" data-cg-attrs="`...)
	dst = appendEscaped(dst, attrsJSON(e.Attrs))
	dst = append(dst, `" role="group" aria-label="Blocked content from `...)
	dst = appendEscaped(dst, vendor)
	dst = append(dst, `"><svg class="cg-embed-box" width="`...)
	dst = strconv.AppendInt(dst, int64(b.W), 10)
	dst = append(dst, `" height="`...)
	dst = strconv.AppendInt(dst, int64(b.H), 10)
	dst = append(dst, `" viewBox="0 0 `...)
	dst = strconv.AppendInt(dst, int64(b.W), 10)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(b.H), 10)
	dst = append(dst, `" aria-hidden="true" focusable="false"></svg><div class="cg-embed-body"><p class="cg-embed-title">`...)
	dst = appendEscaped(dst, vendor)
	dst = append(dst, ` content is blocked</p><p class="cg-embed-text">It needs your consent to `...)
	dst = appendEscaped(dst, need)
	dst = append(dst, `. Loading it lets `...)
	dst = appendEscaped(dst, vendor)
	dst = append(dst, ` set cookies and see that you visited this page.</p><div class="cg-embed-actions"><button type="button" data-cg-action="once">Load this once</button>`...)
	if e.OptedOut {
		dst = append(dst, `</div><p class="cg-embed-note">Your browser asks sites not to share your data (Global Privacy Control), so `...)
		dst = appendEscaped(dst, need)
		dst = append(dst, ` stays off on this site.</p></div></div>`...)
		return dst
	}
	dst = append(dst, `<button type="button" data-cg-action="always" class="cg-embed-always">Always allow `...)
	dst = appendEscaped(dst, vendor)
	dst = append(dst, `</button></div><p class="cg-embed-note">&#8220;Always allow&#8221; turns on `...)
	dst = appendEscaped(dst, need)
	dst = append(dst, ` for this whole site.</p></div></div>`...)
	return dst
}

// categoryText names what a category allows, for the placeholder's text.
func categoryText(c consent.Category) string {
	switch c {
	case consent.Functional:
		return "functional content"
	case consent.Social:
		return "social media content"
	}
	return c.String() + " content"
}

// attrsJSON encodes attributes as a JSON array of [name, value] pairs.
// Names that are not plain attribute names are dropped, and so are src
// (kept apart in data-cg-src) and duplicates (the first counts, as in HTML).
func attrsJSON(attrs [][2]string) string {
	var b strings.Builder
	b.WriteByte('[')
	seen := map[string]bool{"src": true}
	n := 0
	for _, a := range attrs {
		name := strings.ToLower(a[0])
		if !validName(name) || seen[name] {
			continue
		}
		seen[name] = true
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		b.WriteByte('[')
		writeJSONString(&b, name)
		b.WriteByte(',')
		writeJSONString(&b, a[1])
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return b.String()
}

// validName accepts the attribute names setAttribute takes without an
// exception and an HTML author would write: letters, digits, '-', '_',
// ':' and '.', starting with a letter.
func validName(s string) bool {
	if s == "" || len(s) > 64 || !(s[0] >= 'a' && s[0] <= 'z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':' || c == '.') {
			return false
		}
	}
	return true
}

// writeJSONString writes s as an ASCII JSON string (invalid UTF-8 becomes
// U+FFFD).
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r < 0x20 || r >= 0x7f && r <= 0xffff:
			b.WriteString(`\u`)
			for s := 12; s >= 0; s -= 4 {
				b.WriteByte(hex[r>>s&0xf])
			}
		case r > 0xffff:
			r -= 0x10000
			for _, u := range [2]rune{0xd800 + r>>10, 0xdc00 + r&0x3ff} {
				b.WriteString(`\u`)
				for s := 12; s >= 0; s -= 4 {
					b.WriteByte(hex[u>>s&0xf])
				}
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// appendEscaped appends s escaped for HTML text and quoted attribute
// values, non-ASCII characters as numeric references (invalid UTF-8 as
// U+FFFD).
func appendEscaped(dst []byte, s string) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '<':
				dst = append(dst, "&lt;"...)
			case '>':
				dst = append(dst, "&gt;"...)
			case '&':
				dst = append(dst, "&amp;"...)
			case '"':
				dst = append(dst, "&quot;"...)
			case '\'':
				dst = append(dst, "&#39;"...)
			default:
				if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
					dst = append(dst, "&#65533;"...) // controls are parse errors in HTML
				} else {
					dst = append(dst, c)
				}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= 0x80 && r <= 0x9f {
			r = utf8.RuneError // C1 controls
		}
		dst = append(dst, "&#"...)
		dst = strconv.AppendInt(dst, int64(r), 10)
		dst = append(dst, ';')
		i += n
	}
	return dst
}
