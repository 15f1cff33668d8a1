package policy

import (
	"regexp"
	"strconv"
	"strings"
)

// Retention: the longest period the policy says data or cookies are kept,
// from sentences that speak of keeping, storing, deleting or expiry.
var (
	retentionVerb = regexp.MustCompile(`retain|retention|\bkeep|\bkept\b|\bstore|\bhold|\bheld\b|delet|eras|expir|lifetime|\blast\b|conserv|supprim|dur[ée]e de (vie|conservation)|aufbewahr|speicher|gel[öo]scht|l[öo]sch|laufzeit|almacen|elimin|suprim|caduc|plazo`)
	duration      = regexp.MustCompile(`(?:^|[^\p{L}\p{N}])(\d{1,4}|` + numberWords + `)(?: \(\d{1,4}\))? ?(days?|weeks?|months?|years?|jours?|semaines?|mois|ans|ann[ée]es?|tagen?|wochen|monaten?|jahren?|d[íi]as|semanas?|meses|mes|a[ñn]os?)\b`)
	// notRetention: ages and look-backs, not storage periods.
	durationBefore = regexp.MustCompile(`(under|over|aged|above|below|than|last|past|age of|within|in the|moins de|plus de|unter|über|menores de|mayores de)\s*$`)
	durationAfter  = regexp.MustCompile(`^\s*(of age|old|ago|preceding|prior|before|d'[âa]ge|alt|de edad)`)
)

// retentionWords: a sentence without one of them says nothing of keeping
// data (retentionVerb then decides).
var retentionWords = []string{"retain", "retention", "keep", "kept", "store", "hold", "held", "delet", "eras", "expir", "lifetime", "last", "conserv", "supprim", "durée", "aufbewahr", "speicher", "lösch", "losch", "laufzeit", "almacen", "elimin", "suprim", "caduc", "plazo"}

// unitWords: a sentence without one of them states no period.
var unitWords = []string{"day", "week", "month", "year", "jour", "semaine", "mois", "ans", "année", "tag", "woche", "monat", "jahr", "día", "dia", "semana", "mes", "año", "ano"}

const numberWords = `one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|eighteen|twenty[- ]four|twenty|thirty|sixty|ninety|un|une|deux|trois|quatre|cinq|six|sept|dix|douze|treize|trente|ein|einem|einen|eines|zwei|drei|vier|fünf|sechs|sieben|zehn|zwölf|dreizehn|dreißig|uno|una|dos|tres|cuatro|cinco|seis|siete|diez|doce|trece|treinta`

var numberValue = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "eighteen": 18, "twenty": 20,
	"twenty-four": 24, "twenty four": 24, "thirty": 30, "sixty": 60, "ninety": 90,
	"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "dix": 10, "douze": 12, "treize": 13, "trente": 30,
	"ein": 1, "einem": 1, "einen": 1, "eines": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "zehn": 10, "zwölf": 12, "dreizehn": 13, "dreißig": 30,
	"uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "diez": 10, "doce": 12, "trece": 13, "treinta": 30,
}

// unitDays converts a unit word to days.
func unitDays(unit string) int {
	switch {
	case strings.HasPrefix(unit, "day"), strings.HasPrefix(unit, "jour"), strings.HasPrefix(unit, "tag"), strings.HasPrefix(unit, "día"), strings.HasPrefix(unit, "dia"):
		return 1
	case strings.HasPrefix(unit, "week"), strings.HasPrefix(unit, "semaine"), strings.HasPrefix(unit, "woche"), strings.HasPrefix(unit, "semana"):
		return 7
	case strings.HasPrefix(unit, "month"), unit == "mois", strings.HasPrefix(unit, "monat"), unit == "meses", unit == "mes":
		return 30
	}
	return 365
}

// maxRetention returns the longest retention period in days, or nil.
func maxRetention(ss []sentence, ev map[string]string) *int {
	best := -1
	for _, s := range ss {
		if !hasAny(s.norm, unitWords) || !hasAny(s.norm, retentionWords) || !retentionVerb.MatchString(s.norm) {
			continue
		}
		for _, m := range duration.FindAllStringSubmatchIndex(s.norm, -1) {
			if durationBefore.MatchString(s.norm[:m[2]]) || durationAfter.MatchString(s.norm[m[1]:]) {
				continue
			}
			num := s.norm[m[2]:m[3]]
			n, err := strconv.Atoi(num)
			if err != nil {
				n = numberValue[num]
			}
			if d := n * unitDays(s.norm[m[4]:m[5]]); n > 0 && d > best {
				best = d
				ev["retention_max_days"] = s.raw
			}
		}
	}
	if best < 0 {
		return nil
	}
	return &best
}
