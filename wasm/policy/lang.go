package policy

import (
	"strings"
	"unicode"
)

// stopwords are frequent words distinctive of one language (words shared by
// two of them, like "de", "la", "que", "es", "in", are left out).
var stopwords = map[string]map[string]bool{
	"en": set("the and of to we you your is are with for that this our or be by on as it will may not from have which"),
	"fr": set("le les des et est vous nous vos nos pour une dans sur qui pas du au aux avec sont ces ou leur notre votre être par"),
	"de": set("der die das und ist sie wir ihre ihrer nicht mit für von den dem auf eine zu werden oder auch bei wenn unsere diese"),
	"es": set("el los las y por para con su sus usted una del al lo como nuestro nuestra datos son está este esta le pueden"),
}

var langOrder = []string{"en", "fr", "de", "es"}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// languages detects the language of every block (line) of at least six
// words by stopwords and returns the sorted languages that hold at least a
// tenth of the classified words (and eight words).
func languages(ss []sentence) []string {
	words := map[string]int{}
	total := 0
	blockLang, blockWords, blockHits := map[int]string{}, map[int]int{}, map[int]map[string]int{}
	for _, s := range ss {
		if blockHits[s.block] == nil {
			blockHits[s.block] = map[string]int{}
		}
		for _, w := range strings.FieldsFunc(s.norm, func(r rune) bool { return !unicode.IsLetter(r) }) {
			blockWords[s.block]++
			for _, l := range langOrder {
				if stopwords[l][w] {
					blockHits[s.block][l]++
				}
			}
		}
	}
	for b, hits := range blockHits {
		if blockWords[b] < 6 {
			continue
		}
		best, n := "", 0
		for _, l := range langOrder {
			if hits[l] > n {
				best, n = l, hits[l]
			}
		}
		if n >= 2 && n*8 >= blockWords[b] {
			blockLang[b] = best
			words[best] += blockWords[b]
			total += blockWords[b]
		}
	}
	out := []string{}
	for _, l := range langOrder {
		if words[l] >= 8 && words[l]*10 >= total {
			out = append(out, l)
		}
	}
	return sortUnique(out)
}
