package policy

import (
	"regexp"
	"strings"
)

// names holds phrases that contain a negation but are names of things:
// "Do Not Track", "Do Not Sell My Personal Information". Rules that look for
// negations see them blanked.
var names = regexp.MustCompile(`do[- ]?not[- ]?track|do[- ]?not[- ]?sell( or share)? my( personal( information| data)?)?`)

func stripNames(norm string) string {
	if !strings.Contains(norm, "not") {
		return norm
	}
	return names.ReplaceAllString(norm, "_")
}

// minEvidenceWords: shorter sentences (headings, list labels) are evidence
// only until a full sentence supports the claim too.
const minEvidenceWords = 6

// better returns the evidence to keep: the current one, unless it is a
// heading and cand is a longer sentence.
func better(cur, cand string) string {
	if cur == "" || (words(cur) < minEvidenceWords && words(cand) > words(cur)) {
		return cand
	}
	return cur
}

func words(s string) int { return len(strings.Fields(s)) }

// polarity rules: a sentence that matches no is a denial, else one that
// matches yes an admission. Any admission makes the claim yes (it is what an
// audit checks); otherwise any denial makes it no.
type polarity struct {
	field    string
	keywords []string       // a sentence without one of them is skipped
	mention  *regexp.Regexp // nil: yes and no are tried on every sentence
	yes, no  *regexp.Regexp
	neutral  *regexp.Regexp // sentences that look like claims but are not
}

func (p polarity) decide(ss []sentence, ev map[string]string) string {
	var yes, no string
	for _, s := range ss {
		if !hasAny(s.norm, p.keywords) {
			continue
		}
		norm := stripNames(s.norm)
		if p.mention != nil && !p.mention.MatchString(norm) {
			continue
		}
		if p.neutral != nil && p.neutral.MatchString(norm) {
			continue
		}
		switch {
		case p.no.MatchString(norm):
			no = better(no, s.raw)
		case p.yes.MatchString(norm):
			yes = better(yes, s.raw)
		}
	}
	switch {
	case yes != "":
		ev[p.field] = yes
		return Yes
	case no != "":
		ev[p.field] = no
		return No
	}
	return Unstated
}

// sells: "we do not sell your personal information" / "we may sell".
var sells = polarity{
	field:    "sells_personal_data",
	keywords: []string{"sell", "sold", "vend", "verkauf", "venta"},
	mention:  regexp.MustCompile(`(\b(sell|sells|sold|selling)\b|\bvend(ons|re|u|us|ent|emos|er|ido|en)\b|verkauf|\bventa\b).*\b(personal|information|data|donn[ée]es|informations|daten|datos|informaci[óo]n)`),
	neutral:  regexp.MustCompile(`\bif we\b|\bsi nous\b|\bfalls wir\b|\bsi (nosotros )?vend|(sell|sale of) (\S+ ){0,2}(business|company|assets|products|services|stock|shares)\b`),
	no:       regexp.MustCompile(`(\bnot\b|\bnever\b|n't\b|\bno longer\b|\bnor\b)( \S+){0,3}? (sell|sold)\b|\bne (\S+ ){0,2}vend\S*( \S+){0,4} (pas|jamais)\b|\bn'(avons|ont) (jamais|pas) vendu|\b(verkaufen|verkauft)\b( \S+){0,5} (nicht|keine|niemals)\b|\b(nicht|keine|niemals)\b( \S+){0,4} (verkauf|verkauft)|\b(no|nunca)\b( \S+){0,2} vend`),
	yes:      regexp.MustCompile(`\bwe\b( \S+){0,3}? (sell|sold)( \S+){0,3}? (personal|data|information|categories|identifiers|email addresses|profiles)|\bnous\b( \S+){0,3} vend|\bwir\b( \S+){0,3} verkauf|verkaufen wir|\bvendemos\b|(podemos|podr[íi]amos) vender`),
}

// advertising: third-party (interest-based, targeted) advertising.
var advertising = polarity{
	field:    "third_party_advertising",
	keywords: []string{"advertis", " ads", " ad ", "marketing", "retarget", "remarket", "publicit", "werb", "third part", "third-part", "across", "over time"},
	yes: regexp.MustCompile(`third[- ]party advertis|advertis\S* (partners?|networks?|companies|providers?|vendors?|cookies|technolog)|\bad (networks?|partners?|servers?)\b|interest[- ]based (ads|advertis)|(targeted|personali[sz]ed|behaviou?ral|retargeting|remarketing) (ads|advertis)|\b(serve|display|show|deliver|tailor|target)\S* (\S+ ){0,3}(ads|advertisements)\b|marketing cookies|retargeting|remarketing|` +
		`publicit[ée]s? (cibl[ée]es?|personnalis[ée]es?|comportementales?)|partenaires publicitaires|r[ée]gies publicitaires|cookies (publicitaires|de ciblage)|` +
		`werbepartner|werbenetzwerk|(personalisierte|interessenbezogene|zielgerichtete|nutzungsbasierte) werbung|(marketing|werbe)-?cookies|` +
		`publicidad (personalizada|dirigida|comportamental|basada en (sus |tus )?intereses)|socios publicitarios|redes publicitarias|cookies (publicitarias|de publicidad|de marketing)`),
	no: regexp.MustCompile(`(\bnot\b|\bnever\b|n't\b)( \S+){0,4} (allow|permit|authori[sz]e|use|display|serve|show|work with|sell to|share (\S+ ){0,3}with) (\S+ ){0,3}(third[- ]part\S* )?(advertis|ads\b|ad networks)|\bno (third[- ]party )?(advertising|ads|advertisements)\b|nor does it authori[sz]e third parties|(\bnot\b|\bnor\b)( \S+){0,12} (across|over time)( \S+){0,6} (websites|sites|services)|` +
		`(aucune|pas de) (\S+ ){0,2}publicit|n'(affich|utilis)\S* (\S+ ){0,2}(pas|aucune) (de )?(publicit|cookies? publicitaires)|` +
		`keine (\S+ ){0,2}(werbung|werbe)|` +
		`\bno (mostramos|utilizamos|usamos) (\S+ ){0,3}(publicidad|cookies publicitarias)|ninguna publicidad`),
}

// Implied consent: "by continuing to use this site you consent". A sentence
// counts when it infers agreement from use (impliedUse), is about consent or
// cookies (impliedObjectWords) and is not about accepting changes to the policy.
var (
	impliedUse = regexp.MustCompile(`\b(by|if you|when you|as you|once you)\b (\S+ ){0,2}(continu|keep|proceed|brows|navigat|remain|us(e|ing) (this|our|the) (site|website))\S*( \S+){0,14}? (you (are )?(consent|agree|accept)\S*|(you )?(are|will be) deemed to (have )?(consent|agree|accept)\S*|constitutes? (your )?(consent|agreement|acceptance))|` +
		`(en|si vous) (continu|poursuiv|naviguant|utilisant)\S*( \S+){0,10}? (vous acceptez|vous consentez|vous donnez votre (accord|consentement)|vous [êe]tes r[ée]put[ée])|` +
		`(durch die (weitere )?nutzung|mit der (weiteren )?nutzung|wenn sie (\S+ ){0,3}weiter(hin)? (nutzen|besuchen|surfen)|indem sie (\S+ ){0,3}(weiter|nutzen))\S*( \S+){0,12}? (stimmen sie|einverstanden|willigen sie|erkl[äa]ren sie sich)|` +
		`(si (contin[úu]as?|sigues?) (navegando|utilizando|usando)|al (continuar|seguir) (navegando|utilizando|usando)|al (navegar|utilizar|usar))\S*( \S+){0,12}? (aceptas?|consientes?|consiente|est[áa]s? de acuerdo|presta su consentimiento)`)
	// impliedObjectWords: the sentence is about consent, cookies or
	// tracking; impliedUseWords: it speaks of using or browsing the site.
	impliedObjectWords = []string{"consent", "cookie", "tracking", "traceur", "témoin", "temoin", "einwillig", "einverstanden", "zustimm"}
	impliedUseWords    = []string{"contin", "keep", "proceed", "brows", "navig", "remain", "using", "use this", "use our", "use the", "poursuiv", "utilis", "weiter", "nutz", "sigu", "usando", "usar"}
	impliedNot         = regexp.MustCompile(`changes|modifications|[äa]nderungen|cambios|modificaciones`)
	// explicitConsent: consent asked for before cookies are set.
	explicitConsent = regexp.MustCompile(`(ask|request|obtain|seek)\S* (for )?your (prior |explicit |express )?consent|only (with|after) your (prior |explicit |express )?consent|(demandons|recueillons) votre consentement|mit ihrer (ausdr[üu]cklichen )?einwilligung|(solicitamos|pedimos) (su|tu) consentimiento`)
	consentWords    = []string{"consent", "einwillig", "zustimmung"}
	// consentMention: the text speaks of consent at all.
	consentMention = regexp.MustCompile(`\bconsent|consentement|einwillig|zustimmung|consentimiento`)
)

// impliedConsent is yes when a sentence infers consent from use; no when the
// text asks for consent or speaks of it without inferring it; unstated when
// it never mentions consent.
func impliedConsent(ss []sentence, ev map[string]string) string {
	for _, s := range ss {
		if hasAny(s.norm, impliedObjectWords) && hasAny(s.norm, impliedUseWords) && !impliedNot.MatchString(s.norm) && impliedUse.MatchString(s.norm) {
			ev["implied_consent"] = s.raw
			return Yes
		}
	}
	for _, s := range ss {
		if hasAny(s.norm, consentWords) && explicitConsent.MatchString(s.norm) {
			ev["implied_consent"] = s.raw
			return No
		}
	}
	for _, s := range ss {
		if hasAny(s.norm, consentWords) && consentMention.MatchString(s.norm) {
			return No
		}
	}
	return Unstated
}

// term maps phrases to one identifier of a list field.
type term struct {
	id string
	re *regexp.Regexp
}

// termSet is a list of terms with the keywords one of which a sentence must
// hold to be tried.
type termSet struct {
	keywords []string
	terms    []term
}

// technologies: tracking technologies the policy says are used. A sentence
// that says "we do not use X" does not count.
var technologies = termSet{
	keywords: []string{"cookie", "témoin", "traceur", "beacon", "pixel", "gif", "balise", "baliza", "píxel", "storage", "shared object", "indexeddb", "stockage", "speicher", "almacenamiento", "fingerprint", "empreinte", "huella", "fingerabdruck"},
	terms: []term{
		{"cookies", regexp.MustCompile(`\bcookies?\b|\btémoins\b|\btraceurs\b`)},
		{"web-beacons", regexp.MustCompile(`web[- ]?beacons?|pixel[- ]tags?|tracking[- ]pixels?|clear gifs?|single[- ]pixel gifs?|spy pixels?|pixels? (espions?|invisibles?|de suivi)|balises (web|pixels?)|z[äa]hlpixel|balizas web|p[íi]xeles (de seguimiento|invisibles)|\bpixels? (tags?|code)\b|\bpixels?\b.*\b(cookies?|track\S*|ads|advertis\S*)\b|\b(cookies?|track\S*|advertis\S*)\b.*\bpixels?\b`)},
		{"local-storage", regexp.MustCompile(`local[- ]?storage|html5 (local )?storage|local shared objects?|flash cookies|web storage|session[- ]?storage|indexeddb|stockage local|lokale[rn]? speicher|almacenamiento local`)},
		{"fingerprinting", regexp.MustCompile(`fingerprint|empreinte (num[ée]rique|digitale) (du navigateur|de l'appareil|du terminal)|huella digital (del dispositivo|del navegador)|geräte-?fingerabdruck|browser-?fingerabdruck`)},
	}}

var notUsed = regexp.MustCompile(`(\bnot\b|\bnever\b|n't\b)( \S+){0,2} (use|employ|deploy|rely on|place|set)\b|\bne (\S+ ){0,2}(utilis|recour|d[ée]pos)\S*( \S+){0,3} (pas|jamais|aucun)|(verwenden|nutzen|setzen) (\S+ ){0,2}(keine|nicht)|\bno (utilizamos|usamos|empleamos)`)

// categories: cookie categories the policy names.
var categories = termSet{keywords: []string{"cookie"}, terms: []term{
	{"necessary", regexp.MustCompile(`(strictly |absolutely |technically )?(necessary|essential|required) cookies|cookies (strictement |techniques )?(n[ée]cessaires|essentiels|indispensables)|(technisch )?(notwendige|essenzielle|erforderliche|unbedingt erforderliche) cookies|cookies (estrictamente )?(necesarias|esenciales|t[ée]cnicas)`)},
	{"functional", regexp.MustCompile(`functional(ity)? cookies|cookies (fonctionnels|de fonctionnalit[ée])|funktionale|funktionelle cookies|cookies (funcionales|de funcionalidad|de personalizaci[óo]n)`)},
	{"preferences", regexp.MustCompile(`preferences? cookies|cookies de pr[ée]f[ée]rences?|pr[äa]ferenz-?cookies|cookies de preferencias`)},
	{"analytics", regexp.MustCompile(`analytic\S*(/\S+)? cookies|(performance|statistics?|statistical|measurement) cookies|cookies (analytiques|de mesure d'audience|statistiques|de performance)|(statistik|analyse|performance)-?cookies|cookies (anal[íi]ticas|de an[áa]lisis|de rendimiento|estad[íi]sticas)`)},
	{"advertising", regexp.MustCompile(`(marketing|advertising|targeting|ad) cookies|cookies (publicitaires|de ciblage|marketing|de publicit[ée])|(marketing|werbe)-?cookies|cookies (publicitarias|de publicidad|de marketing|de orientaci[óo]n)`)},
	{"social-media", regexp.MustCompile(`social media cookies|cookies (des |de )?r[ée]seaux sociaux|social-media-cookies|cookies de redes sociales`)},
}}

// terms returns the sorted ids of the terms some sentence mentions, with the
// first sentence for each as evidence under field.id.
func terms(ss []sentence, ts termSet, field string, skip *regexp.Regexp, ev map[string]string) []string {
	out := []string{}
	var cand []sentence
	for _, s := range ss {
		if hasAny(s.norm, ts.keywords) {
			cand = append(cand, s)
		}
	}
	for _, t := range ts.terms {
		for _, s := range cand {
			if !t.re.MatchString(s.norm) || (skip != nil && skip.MatchString(s.norm)) {
				continue
			}
			if _, ok := ev[field+"."+t.id]; !ok {
				out = append(out, t.id)
			}
			ev[field+"."+t.id] = better(ev[field+"."+t.id], s.raw)
			if words(s.raw) >= minEvidenceWords {
				break
			}
		}
	}
	return sortUnique(out)
}
