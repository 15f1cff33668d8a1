package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sentence is one sentence of the input: raw is the exact substring of the
// input (trimmed), norm the text the rules match: lower-case, typographic
// quotes and dashes made plain, whitespace collapsed.
type sentence struct {
	raw  string
	norm string
	// block is the index of the line (paragraph) the sentence is in.
	block int
}

// abbreviations whose trailing period does not end a sentence (lower-case,
// without the period).
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "inc": true, "ltd": true, "co": true, "corp": true,
	"u.s": true, "u.k": true, "etc": true, "vs": true, "mr": true, "mrs": true,
	"dr": true, "no": true, "art": true, "para": true, "s.a": true, "z.b": true,
	"bzw": true, "ggf": true, "usw": true, "d.h": true, "u.a": true, "nr": true,
	"abs": true, "p.ej": true, "ej": true, "approx": true, "st": true,
}

// sentences splits text into sentences: every line is a block and ends a
// sentence; inside a line a sentence ends at . ! or ? followed by a space
// and an upper-case letter, digit, quote or list mark, unless the word
// before is an abbreviation or an initial.
func sentences(text string) []sentence {
	var out []sentence
	block := 0
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		for _, s := range splitLine(line) {
			if raw := trimSentence(s); raw != "" {
				out = append(out, sentence{raw: raw, norm: normalize(raw), block: block})
			}
		}
		block++
	}
	return out
}

func splitLine(line string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(line) && (line[j] == '"' || line[j] == ')' || line[j] == '\'') {
			j++
		}
		if j >= len(line) || (line[j] != ' ' && line[j] != '\t') {
			continue
		}
		k := j
		for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
			k++
		}
		if k >= len(line) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(line[k:])
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) && !strings.ContainsRune("\"“‘'«(¿¡•-", r) {
			continue
		}
		if c == '.' && isAbbreviation(line[start:i]) {
			continue
		}
		parts = append(parts, line[start:j])
		start = j
	}
	return append(parts, line[start:])
}

// isAbbreviation reports whether the text before a period ends with an
// abbreviation or a single letter (an initial).
func isAbbreviation(before string) bool {
	w := before
	if i := strings.LastIndexAny(before, " \t(\"“"); i >= 0 {
		w = before[i+1:]
	}
	w = strings.ToLower(w)
	if abbreviations[w] {
		return true
	}
	return utf8.RuneCountInString(w) == 1 && w != "" && !unicode.IsDigit(rune(w[0]))
}

// trimSentence trims spaces and list markers around a sentence; the result
// is still a substring of the input.
func trimSentence(s string) string {
	for {
		t := strings.TrimFunc(s, func(r rune) bool {
			return unicode.IsSpace(r) || r == '•' || r == '·' || r == '\u00a0' || r == '\ufeff' || r == '*'
		})
		t = strings.TrimPrefix(t, "- ")
		if t == s {
			return t
		}
		s = t
	}
}

// hasAny reports whether s contains one of the keywords: a cheap test before
// a rule's regular expressions.
func hasAny(s string, keywords []string) bool {
	for _, k := range keywords {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

var normReplacer = strings.NewReplacer(
	"’", "'", "‘", "'", "“", "\"", "”", "\"", "„", "\"", "«", "\"", "»", "\"",
	"–", "-", "—", "-", "‐", "-", "‑", "-", "\u00a0", " ", "\u202f", " ", "\t", " ",
)

// normalize lower-cases s, makes quotes and dashes plain and collapses runs
// of spaces.
func normalize(s string) string {
	s = strings.ToLower(normReplacer.Replace(s))
	if !strings.Contains(s, "  ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
