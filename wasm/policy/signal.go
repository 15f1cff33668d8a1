package policy

import "regexp"

// Browser privacy signals: Do Not Track and Global Privacy Control. A
// sentence that names a signal and says what is done with it decides the
// claim; a sentence about automated browser signals in general decides both
// when no sentence names the signal itself.
var (
	dntMention = regexp.MustCompile(`do[- ]?not[- ]?track|\bdnt\b|ne pas (me )?(suivre|pister)|nicht (zu )?verfolgen|no (me )?rastrear|no seguimiento`)
	gpcMention = regexp.MustCompile(`global privacy control|\bgpc\b|opt[- ]out preference signals?|contr[ôo]le global de (la )?confidentialit[ée]|signaux? de (pr[ée]f[ée]rence|refus)|opt-out-pr[äa]ferenzsignal|control global de privacidad|se[ñn]ales? de (preferencia de )?exclusi[óo]n`)
	// anySignal is a sentence about browser signals in general ("automated
	// browser signals ... which may include do-not-track").
	anySignal = regexp.MustCompile(`(automated|automatic|any|all|such) (browser |privacy |tracking )?signals|browser signals regarding|signaux automatis[ée]s|automatisierte[n]? (browser)?signale|se[ñn]ales autom[áa]ticas`)

	// signalNo: the signal is not acted on. Matched after the signal's name
	// is removed from the sentence ("do not track" holds a "not").
	signalNo = regexp.MustCompile(`(\bnot\b|\bnever\b|n't\b|\bunable to\b|\bno longer\b)( \S+){0,3}? (currently )?(respond|recogni[sz]|honou?r|support|process|act on|react|comply|treat|alter|change|accept)|\bignore|no (uniform |industry |common )?standard|ne (\S+ ){0,3}(r[ée]pond|r[ée]agi|reconna[iî]|prend|pren|tien|ten|trait|respect|donn|appliqu|honor)\S*( \S+){0,4} (pas|aucun)|n'(honor|accept|r[ée]ag|applique)\S*( \S+){0,3} pas|(reagier|beachte|ber[üu]cksichtig|unterst[üu]tz|erkenn|respektier|verarbeit)\S*( \S+){0,4} (nicht|keine)|\bnicht\b( \S+){0,3} (reagier|beachte|ber[üu]cksichtig|unterst[üu]tz|erkenn|respektier)|\bkeine\b|\bno\b( \S+){0,2} (respond|reconoc|atend|proces|respet|admit)`)
	// signalYes: the signal is acted on.
	signalYes = regexp.MustCompile(`opt (you |users |visitors )?out|(will|shall) not (sell|share)|stop (selling|sharing)|honou?r|respect|respond|recogni[sz]e|comply|process|abide|treat\S* (\S+ ){0,4}as|support|act on|accept|r[ée]pond|respect|reconna[iî]|prenons en compte|tenons compte|beachten|ber[üu]cksichtigen|respektieren|unterst[üu]tzen|verarbeiten|reagieren|respetamos|respondemos|reconocemos|atendemos|procesamos`)
)

// signalWords: a sentence without one of them is not about signals.
var signalWords = []string{"track", "dnt", "suivre", "pister", "verfolg", "rastrear", "seguimiento", "gpc", "privacy control", "signa", "señal", "contrôle global", "control global"}

// othersNot: negations about browsers, not about what the site does ("not
// all browsers support GPC").
var othersNot = regexp.MustCompile(`not all (web )?(browsers|devices|websites|sites)|(browsers|devices) (that|which) (do not|don't) (support|send)`)

// signalVerdict returns honored, not-honored or "" for a sentence with the
// signal's mention removed.
func signalVerdict(rest string) string {
	rest = othersNot.ReplaceAllString(rest, " ")
	switch {
	case signalNo.MatchString(rest):
		return NotHonored
	case signalYes.MatchString(rest):
		return Honored
	}
	return ""
}

// signals sets the DNT and GPC claims.
func signals(ss []sentence, c *Claims, ev map[string]string) {
	var generic, genericEv string
	dnt, gpc := verdicts{}, verdicts{}
	for _, s := range ss {
		if !hasAny(s.norm, signalWords) {
			continue
		}
		d, g := dntMention.MatchString(s.norm), gpcMention.MatchString(s.norm)
		if d {
			dnt.add(signalVerdict(dntMention.ReplaceAllString(s.norm, "signal")), s.raw)
		}
		if g {
			gpc.add(signalVerdict(gpcMention.ReplaceAllString(s.norm, "signal")), s.raw)
		}
		if generic == "" && anySignal.MatchString(s.norm) {
			rest := dntMention.ReplaceAllString(gpcMention.ReplaceAllString(s.norm, "signal"), "signal")
			if v := signalVerdict(rest); v != "" {
				generic, genericEv = v, s.raw
			}
		}
	}
	c.DNT = dnt.decide(generic, genericEv, "dnt", ev)
	c.GPC = gpc.decide(generic, genericEv, "gpc", ev)
}

// verdicts collects the first honored and not-honored sentence of a signal.
type verdicts struct{ honored, notHonored string }

func (v *verdicts) add(verdict, raw string) {
	switch verdict {
	case Honored:
		v.honored = better(v.honored, raw)
	case NotHonored:
		v.notHonored = better(v.notHonored, raw)
	}
}

// decide: a sentence that honors the signal wins (it is the claim an audit
// checks); then one that refuses it; then a general sentence about browser
// signals.
func (v verdicts) decide(generic, genericEv, field string, ev map[string]string) string {
	switch {
	case v.honored != "":
		ev[field] = v.honored
		return Honored
	case v.notHonored != "":
		ev[field] = v.notHonored
		return NotHonored
	case generic != "":
		ev[field] = genericEv
		return generic
	}
	return Unstated
}
