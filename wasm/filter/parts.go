package filter

// Parts is the meaning of a parsed rule, spelled out for translating it to
// another engine (the extension compiles rules to declarativeNetRequest at
// build time). Pattern is the pattern without its anchors ("||", "|" at
// either end, leading/trailing "*"), lower-cased unless MatchCase; for a
// Regex rule it is the regular expression source.
type Parts struct {
	Pattern     string
	Regex       bool
	HostAnchor  bool // "||"
	LeftAnchor  bool // "|" at the start
	RightAnchor bool // "|" at the end
	MatchCase   bool
	Exception   bool // "@@"
	Important   bool
	Badfilter   bool
	Redirect    bool // "redirect=" (applied as a block)
	FirstParty  bool // applies to first-party requests
	ThirdParty  bool // applies to third-party requests
	Types       Type // the request types the rule applies to
	// Domains and ExcludedDomains are the domain= entries (lower case,
	// punycode; "example.*" stands for any public suffix).
	Domains, ExcludedDomains []string
}

// Parts returns r's meaning. The slices are copies.
func (r *Rule) Parts() Parts {
	p := Parts{
		Pattern:     r.pattern,
		Regex:       r.flags&fRegex != 0,
		HostAnchor:  r.flags&fHostAnchor != 0,
		LeftAnchor:  r.flags&fLeftAnchor != 0,
		RightAnchor: r.flags&fRightAnchor != 0,
		MatchCase:   r.flags&fMatchCase != 0,
		Exception:   r.flags&fException != 0,
		Important:   r.flags&fImportant != 0,
		Badfilter:   r.flags&fBadfilter != 0,
		Redirect:    r.flags&fRedirected != 0,
		FirstParty:  r.flags&fFirstParty != 0,
		ThirdParty:  r.flags&fThirdParty != 0,
		Types:       r.types,
	}
	if r.aux != nil {
		p.Domains = append([]string(nil), r.aux.include...)
		p.ExcludedDomains = append([]string(nil), r.aux.exclude...)
	}
	return p
}
