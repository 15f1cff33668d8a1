package policylists

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/snippet"
)

// tdsCatalog turns a DuckDuckGo Tracker Data Set (TDS) JSON into catalog
// vendors: every tracker domain becomes a host entry of its owner, with the
// category its TDS categories imply. Trackers whose default action is
// "ignore" and that carry no blocking rules are not trackers for us.
func tdsCatalog(name string, data []byte) (*catalog.Catalog, error) {
	var doc struct {
		Trackers map[string]struct {
			Domain string `json:"domain"`
			Owner  struct {
				Name        string `json:"name"`
				DisplayName string `json:"displayName"`
			} `json:"owner"`
			Categories []string          `json:"categories"`
			Default    string            `json:"default"`
			Rules      []json.RawMessage `json:"rules"`
		} `json:"trackers"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not a TDS JSON document: %w", name, err)
	}
	if doc.Trackers == nil {
		return nil, fmt.Errorf("%s: no \"trackers\" object: not a TDS document", name)
	}
	byOwner := map[string]*catalog.Vendor{}
	domains := make([]string, 0, len(doc.Trackers))
	for d := range doc.Trackers {
		domains = append(domains, d)
	}
	sort.Strings(domains)
	for _, d := range domains {
		t := doc.Trackers[d]
		if t.Default == "ignore" && len(t.Rules) == 0 {
			continue
		}
		owner := t.Owner.DisplayName
		if owner == "" {
			owner = t.Owner.Name
		}
		if owner == "" {
			owner = d
		}
		id := slug(owner)
		v := byOwner[id]
		if v == nil {
			v = &catalog.Vendor{ID: id, Name: owner, Owner: t.Owner.Name, Category: tdsCategory(t.Categories), Sources: []string{"tds:" + name}}
			byOwner[id] = v
		}
		v.Entries = append(v.Entries, catalog.Entry{Kind: catalog.KindHost, Value: strings.ToLower(d), Category: tdsCategory(t.Categories)})
	}
	c := &catalog.Catalog{Name: name}
	ids := make([]string, 0, len(byOwner))
	for id := range byOwner {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c.Vendors = append(c.Vendors, *byOwner[id])
	}
	return c, nil
}

// tdsCategory maps TDS categories to ours, the most privacy-invasive first.
func tdsCategory(cats []string) consent.Category {
	has := func(names ...string) bool {
		for _, c := range cats {
			for _, n := range names {
				if strings.EqualFold(c, n) {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has("Consent Management Platform"):
		return consent.Consent
	case has("Session Replay"):
		return consent.SessionReplay
	case has("Advertising", "Ad Motivated Tracking", "Ad Fraud", "Action Pixels", "Third-Party Analytics Marketing"):
		return consent.Advertising
	case has("Social Network", "Social - Share", "Social - Comment"):
		return consent.Social
	case has("Analytics", "Audience Measurement"):
		return consent.Analytics
	case has("Tag Manager"):
		return consent.TagManager
	case has("Embedded Content", "Support Chat Widget", "Badge", "Federated Login", "SSO", "CDN", "Online Payment"):
		return consent.Functional
	}
	return consent.Advertising
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		default:
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		out = "unknown"
	}
	return out
}

// checkSnippets validates an inline-script signature list.
func checkSnippets(name string, data []byte) (int, []error) {
	s, errs := snippet.Parse(name, data)
	if s == nil {
		return 0, errs
	}
	return s.Len(), errs
}
