package rewrite

// tagInfo describes what the tokenizer must know about a tag name.
type tagInfo uint16

const (
	tiVoid     tagInfo = 1 << iota // HTML void element
	tiScript                       // script data
	tiRawText                      // style, xmp, iframe, noembed, noframes
	tiRCDATA                       // title, textarea
	tiPlain                        // plaintext
	tiBreakout                     // leaves foreign content
	tiSVG                          // svg
	tiMath                         // math
	tiSVGInt                       // HTML integration point in SVG
	tiMathInt                      // HTML integration point in MathML
)

type tagEntry struct {
	key  uint64 // first 8 bytes of the name, little-endian
	n    uint8  // name length; 0: empty slot
	info tagInfo
	name string
}

const tagBits = 9

// tagTable is a small open-addressing hash table keyed by the packed name,
// so that classifying a tag costs a multiply and a compare (no string
// comparisons, which matter under js/wasm).
var tagTable [1 << tagBits]tagEntry

func tagSlot(key uint64, n int) uint32 {
	return uint32(((key ^ uint64(n)<<56) * 0x9E3779B97F4A7C15) >> (64 - tagBits))
}

func packName(name string) uint64 {
	var k uint64
	for i := 0; i < len(name) && i < 8; i++ {
		k |= uint64(name[i]) << (8 * i)
	}
	return k
}

func addTags(info tagInfo, names ...string) {
	for _, name := range names {
		key := packName(name)
		i := tagSlot(key, len(name))
		for {
			e := &tagTable[i]
			if e.n == 0 {
				*e = tagEntry{key: key, n: uint8(len(name)), info: info, name: name}
				break
			}
			if e.name == name {
				e.info |= info
				break
			}
			i = (i + 1) & (1<<tagBits - 1)
		}
	}
}

func init() {
	addTags(tiVoid, "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "image",
		"input", "keygen", "link", "meta", "param", "source", "track", "wbr")
	addTags(tiBreakout, "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
		"embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
		"menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike",
		"sub", "sup", "table", "tt", "u", "ul", "var")
	addTags(tiScript, "script")
	addTags(tiRawText, "style", "xmp", "iframe", "noembed", "noframes")
	addTags(tiRCDATA, "title", "textarea")
	addTags(tiPlain, "plaintext")
	addTags(tiSVG, "svg")
	addTags(tiMath, "math")
	addTags(tiSVGInt, "foreignobject", "desc", "title")
	addTags(tiMathInt, "mi", "mo", "mn", "ms", "mtext")
}

// lookupTag returns the entry for a lower-case name whose packed first 8
// bytes are key, or nil.
func lookupTag(key uint64, name []byte) *tagEntry {
	i := tagSlot(key, len(name))
	for {
		e := &tagTable[i]
		if e.n == 0 {
			return nil
		}
		if e.key == key && int(e.n) == len(name) && (len(name) <= 8 || e.name == string(name)) {
			return e
		}
		i = (i + 1) & (1<<tagBits - 1)
	}
}
