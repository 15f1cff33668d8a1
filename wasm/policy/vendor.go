package policy

import (
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
)

// Vendor names come from policylists/trackers.txt (the display name of each
// vendor section, split at " / " and parentheses: "Meta (Facebook,
// Instagram)" gives Meta, Facebook and Instagram) plus aliases for the
// names policies use ("reCAPTCHA").
//
// aliases maps extra names to vendor ids of trackers.txt (a test checks that
// every id exists).
var aliases = map[string]string{
	"reCAPTCHA":                  "google-recaptcha",
	"Universal Analytics":        "google-analytics",
	"GA4":                        "google-analytics",
	"Google Signals":             "google-ads",
	"Facebook Pixel":             "meta",
	"Meta Pixel":                 "meta",
	"Snapchat":                   "snap",
	"Nielsen":                    "nielsen",
	"Clearbit":                   "clearbit",
	"ZoomInfo":                   "zoominfo",
	"FingerprintJS":              "fingerprintjs",
	"Amplitude Analytics":        "amplitude",
	"Heap Analytics":             "heap",
	"Segment.io":                 "segment",
	"Twilio Segment":             "segment",
	"Bing Ads":                   "microsoft-ads",
	"Microsoft Advertising":      "microsoft-ads",
	"Piwik":                      "matomo",
	"Reddit":                     "reddit",
	"Quora":                      "quora",
	"Twitter":                    "x",
	"Pardot":                     "pardot",
	"Salesforce Marketing Cloud": "salesforce-marketing-cloud",
	"Adobe Analytics":            "adobe-analytics",
	"Crazy Egg":                  "crazy-egg",
	"Matomo":                     "matomo",
}

// ambiguous names are ordinary words or too short to mean the vendor in a
// policy's prose; they are never matched.
var ambiguous = map[string]bool{
	"Meta": true, "X": true, "Snap": true, "Line": true, "Convert": true, "Heap": true,
	"Segment": true, "Drift": true, "Crisp": true, "Castle": true, "Impact": true,
	"Sift": true, "Piano": true, "Unruly": true, "Decibel": true, "Alexa": true,
	"Amplitude": true, "HUMAN": true, "Fingerprint": true, "US Privacy": true,
	"Privacy & messaging": true, "Account Engagement": true, "Epsilon": true,
	"Sentry": true, "Braze": true, "Ad Manager": true, "Basis": true, "Launch": true,
	"Turn": true, "Oracle": true, "TransUnion": true, "Exponential": true,
	"Conversant": true, "TNS": true, "Munchkin": true, "Cookie Information": true,
}

// trailing words of display names that are descriptions, not names.
var descriptive = []string{" embeds", " widgets", " chat", " counter", " Pixel"}

type vendorTable struct {
	ids       map[string]string // name (tokens joined by one space) -> id
	first     map[string]bool   // first tokens of names
	maxWords  int               // tokens in the longest name
	analytics map[string]bool   // id -> analytics or session replay
}

var (
	vendorsOnce sync.Once
	vendors     vendorTable
)

func loadVendors() {
	data, _ := policylists.File("trackers.txt")
	cat, _ := catalog.Parse("trackers.txt", data)
	names := map[string]string{}
	vendors.analytics = map[string]bool{}
	if cat != nil {
		for _, v := range cat.Vendors {
			if v.Category == consent.Analytics || v.Category == consent.SessionReplay {
				vendors.analytics[v.ID] = true
			}
			for _, n := range displayNames(v.Name) {
				if !ambiguous[n] {
					names[n] = v.ID
				}
			}
		}
	}
	for n, id := range aliases {
		names[n] = id
	}
	vendors.ids, vendors.first = map[string]string{}, map[string]bool{}
	for n, id := range names {
		for _, v := range variants(n) {
			t := tokens(v)
			if len(t) == 0 {
				continue
			}
			vendors.first[t[0]] = true
			key := strings.Join(t, " ")
			if _, dup := vendors.ids[key]; !dup {
				vendors.ids[key] = id
			}
			if len(t) > vendors.maxWords {
				vendors.maxWords = len(t)
			}
		}
	}
}

// tokens splits s into words: letters and digits, with . - & inside a word
// ("Customer.io", "Cookie-Script") kept.
func tokens(s string) []string {
	var out []string
	start := -1
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	rs := []rune(s)
	for i, r := range rs {
		inner := (r == '.' || r == '-' || r == '&') && start >= 0 && i+1 < len(rs) && isWord(rs[i+1])
		if isWord(r) || inner {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, string(rs[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, string(rs[start:]))
	}
	return out
}

// displayNames splits a display name into the names it holds.
func displayNames(name string) []string {
	var parts []string
	main, paren := name, ""
	if i := strings.Index(name, " ("); i >= 0 {
		main, paren = name[:i], strings.TrimSuffix(name[i+2:], ")")
	}
	parts = append(parts, strings.Split(main, " / ")...)
	for _, p := range strings.FieldsFunc(paren, func(r rune) bool { return r == ',' || r == '/' }) {
		p = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p), "incl. "))
		// lower-case words in parentheses describe ("discontinued", "with Webvisor").
		if p != "" && unicode.IsUpper([]rune(p)[0]) {
			parts = append(parts, p)
		}
	}
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		for _, d := range descriptive {
			if strings.HasSuffix(p, d) && len(p) > len(d)+2 {
				out = append(out, strings.TrimSuffix(p, d))
			}
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// variants are the spellings matched: the name as the list writes it, with
// a capital first letter (sentence start: "ReCAPTCHA") and in capitals
// (headings). Case matters otherwise, so "stripe" the word or "improve
// digital services" never name a vendor.
func variants(n string) []string {
	r := []rune(n)
	title := string(unicode.ToUpper(r[0])) + string(r[1:])
	out := []string{n}
	for _, v := range []string{title, strings.ToUpper(n)} {
		if v != out[len(out)-1] && v != n {
			out = append(out, v)
		}
	}
	return out
}

// namedVendors returns the sorted analytics and other vendor ids the
// sentences name, with evidence under analytics_vendors.ID or
// other_vendors.ID.
func namedVendors(ss []sentence, ev map[string]string) (analytics, other []string) {
	vendorsOnce.Do(loadVendors)
	analytics, other = []string{}, []string{}
	seen := map[string]bool{}
	for _, s := range ss {
		words := tokens(s.raw)
		for i := 0; i < len(words); i++ {
			id, n := lookupVendor(words[i:])
			if id == "" {
				continue
			}
			i += n - 1
			key := "other_vendors." + id
			if vendors.analytics[id] {
				key = "analytics_vendors." + id
			}
			if !seen[id] {
				seen[id] = true
				if vendors.analytics[id] {
					analytics = append(analytics, id)
				} else {
					other = append(other, id)
				}
			}
			ev[key] = better(ev[key], s.raw)
		}
	}
	return sortUnique(analytics), sortUnique(other)
}

// lookupVendor returns the vendor named by the longest run of words at the
// start of words, and the number of words in the name.
func lookupVendor(words []string) (string, int) {
	if !vendors.first[words[0]] {
		return "", 0
	}
	n := min(vendors.maxWords, len(words))
	for ; n > 0; n-- {
		if id, ok := vendors.ids[strings.Join(words[:n], " ")]; ok {
			return id, n
		}
	}
	return "", 0
}

// sortUnique sorts ids and drops duplicates in place.
func sortUnique(ids []string) []string {
	sort.Strings(ids)
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}
