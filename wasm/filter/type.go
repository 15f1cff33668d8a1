package filter

import "strings"

// Type is a bit set of request (resource) types. A rule carries the set of
// types it applies to; a request has exactly one bit set.
type Type uint16

// Resource types. The names follow the Adblock Plus options.
const (
	TypeOther Type = 1 << iota
	TypeScript
	TypeImage
	TypeStylesheet
	TypeXHR
	TypePing
	TypeSubdocument
	TypeMedia
	TypeFont
	TypeWebsocket
	TypeDocument
	// TypeObject is a plug-in request (ABP "object"). Browsers no longer
	// issue them; a rule limited to objects never matches a modern request.
	TypeObject

	// TypeAll is every type.
	TypeAll = TypeOther | TypeScript | TypeImage | TypeStylesheet | TypeXHR | TypePing |
		TypeSubdocument | TypeMedia | TypeFont | TypeWebsocket | TypeDocument | TypeObject
)

// typeNames are the canonical ABP option names, in bit order.
var typeNames = [...]string{
	"other", "script", "image", "stylesheet", "xmlhttprequest", "ping",
	"subdocument", "media", "font", "websocket", "document", "object",
}

// ParseType maps a type name to its Type. It accepts the Adblock Plus option
// names (script, image, stylesheet, xmlhttprequest, xhr, ping, subdocument,
// frame, media, font, websocket, other, document, object, css, beacon), the
// `cpt` names of the benchmark request set mapped the way the anchor
// benchmark maps them (its "document" is a sub-frame load; fetch is an XHR;
// eventsource, manifest and texttrack are "other"), and the WebExtension
// webRequest / declarativeNetRequest names (main_frame, sub_frame,
// xmlhttprequest, csp_report, beacon, object_subrequest ...).
// Names are case-insensitive. Unknown names give (0, false).
func ParseType(s string) (Type, bool) {
	switch strings.ToLower(s) {
	case "other", "eventsource", "manifest", "texttrack", "csp_report", "cspreport", "speculative",
		"prefetch", "web_manifest", "xml_dtd", "xslt", "imageset_other":
		return TypeOther, true
	case "script", "fedcm", "json":
		return TypeScript, true
	case "image", "imageset", "img":
		return TypeImage, true
	case "stylesheet", "css":
		return TypeStylesheet, true
	case "xmlhttprequest", "xhr", "fetch":
		return TypeXHR, true
	case "ping", "beacon":
		return TypePing, true
	case "subdocument", "sub_frame", "subframe", "frame", "document": // cpt "document" is a frame load
		return TypeSubdocument, true
	case "media":
		return TypeMedia, true
	case "font":
		return TypeFont, true
	case "websocket":
		return TypeWebsocket, true
	case "main_frame", "mainframe", "doc":
		return TypeDocument, true
	case "object", "object_subrequest", "object-subrequest":
		return TypeObject, true
	}
	return 0, false
}

// optionType maps an ABP rule option to a Type. Unlike ParseType, the option
// "document" means a top-level document.
func optionType(s string) (Type, bool) {
	switch s {
	case "document", "doc":
		return TypeDocument, true
	case "script", "image", "stylesheet", "css", "xmlhttprequest", "xhr", "ping", "beacon",
		"subdocument", "frame", "media", "font", "websocket", "other", "object", "object-subrequest":
		return ParseType(s)
	}
	return 0, false
}

// String returns the ABP option names of the set bits joined by ",",
// "" for the empty set and "all" for TypeAll.
func (t Type) String() string {
	if t == TypeAll {
		return "all"
	}
	var b strings.Builder
	for i, n := range typeNames {
		if t&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(n)
		}
	}
	return b.String()
}
