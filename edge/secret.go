package edge

import (
	"strconv"
	"strings"
)

// SecretHint tells how to make a good secret.
const SecretHint = "make one with: openssl rand -base64 32"

// examplePlaceholders are secrets shipped in examples and docs; a config
// copied from them would let anyone forge consent cookies.
var examplePlaceholders = []string{
	"replace-with-32-random-bytes-of-your-own", // edge/config.example.json
	"at least 16 bytes",                        // the edge.Config doc comment
}

// placeholderWords mark a secret written as a placeholder rather than made
// at random.
var placeholderWords = []string{"replace-with", "change-me", "changeme", "your-secret", "yoursecret", "placeholder", "example-secret"}

// MinSecretLen is the shortest secret accepted, in bytes.
const MinSecretLen = 16

// CheckSecret returns why s is unfit to sign the consent cookie, or "" when
// it is fit: empty, shorter than MinSecretLen, a placeholder from the
// examples, or obviously low in entropy (few distinct bytes, one byte
// repeated through most of it, or a short unit repeated). It does not prove
// a secret random; it refuses the ones that are obviously not.
func CheckSecret(s string) string {
	lower := strings.ToLower(s)
	switch {
	case s == "":
		return "a secret is required to sign the consent cookie; " + SecretHint
	case len(s) < MinSecretLen:
		return "at least 16 bytes are required to sign the consent cookie; " + SecretHint
	}
	for _, p := range examplePlaceholders {
		if lower == p {
			return "this is the example's placeholder: anyone could forge consent cookies; " + SecretHint
		}
	}
	for _, w := range placeholderWords {
		if strings.Contains(lower, w) {
			return "looks like a placeholder (" + w + "): anyone could guess it; " + SecretHint
		}
	}
	if why := lowEntropy(s); why != "" {
		return why + ": too easy to guess; " + SecretHint
	}
	return ""
}

// lowEntropy reports an obviously guessable byte pattern.
func lowEntropy(s string) string {
	var count [256]int
	distinct, most := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if count[c] == 0 {
			distinct++
		}
		count[c]++
		most = max(most, count[c])
	}
	switch {
	case distinct < 6:
		return "only " + strconv.Itoa(distinct) + " distinct characters"
	case most*2 > len(s):
		return "one character makes up most of it"
	}
	for unit := 1; unit <= len(s)/3; unit++ {
		if len(s)%unit == 0 && strings.Repeat(s[:unit], len(s)/unit) == s {
			return "a short pattern repeated"
		}
	}
	return ""
}
