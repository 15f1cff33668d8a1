package policy

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	siteAt = regexp.MustCompile(`\b(?:website|site|webseite|website|sitio web|site web|site internet|internetseite)s?\s+(?:at|à|unter|en)?\s*(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})\b`)
	email  = regexp.MustCompile(`(?i)[a-z0-9._%+-]+@((?:[a-z0-9-]+\.)+[a-z]{2,})\b`)
)

// siteOf guesses the site the policy belongs to: the URL on its first line
// (saved pages start with it), else "our website at example.com", else the
// most frequent e-mail domain. "www." is dropped.
func siteOf(text string, ss []sentence) string {
	first := strings.TrimSpace(text)
	if i := strings.IndexByte(first, '\n'); i >= 0 {
		first = strings.TrimSpace(first[:i])
	}
	if strings.HasPrefix(first, "http://") || strings.HasPrefix(first, "https://") {
		if u, err := url.Parse(first); err == nil && u.Hostname() != "" {
			return bareHost(u.Hostname())
		}
	}
	for _, s := range ss {
		if strings.Contains(s.norm, "site") && strings.Contains(s.norm, ".") {
			if m := siteAt.FindStringSubmatch(s.norm); m != nil {
				return bareHost(m[1])
			}
		}
	}
	if !strings.Contains(text, "@") {
		return ""
	}
	count := map[string]int{}
	best := ""
	for _, m := range email.FindAllStringSubmatch(text, -1) {
		d := bareHost(m[1])
		count[d]++
		if best == "" || count[d] > count[best] {
			best = d
		}
	}
	return best
}

func bareHost(h string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(h, ".")), "www.")
}
