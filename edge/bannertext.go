package edge

import (
	"sort"
	"strconv"
	"strings"

	"github.com/consentguard/consentguard/wasm/consent"
)

// BannerText is every string of the banner, the "Privacy choices" control
// and the consent page, in one language. In the config (banner.texts,
// keyed by language) any field left empty keeps the built-in text.
type BannerText struct {
	// Title heads the banner and the consent page.
	Title string `json:"title,omitempty"`
	// Text is the first layer's sentence when the page is known to use
	// tracking; "{categories}" is replaced by the names (Names) of the
	// categories the proxy removed on the site's pages, joined with And.
	Text string `json:"text,omitempty"`
	// TextGeneric replaces Text when no such category is known.
	TextGeneric string `json:"text_generic,omitempty"`
	Reject      string `json:"reject,omitempty"`
	Accept      string `json:"accept,omitempty"`
	Customise   string `json:"customise,omitempty"`
	Save        string `json:"save,omitempty"`
	// Policy is the text of the privacy-policy link (Banner.PolicyURL).
	Policy string `json:"policy,omitempty"`
	// Control is the text of the "Privacy choices" control.
	Control string `json:"control,omitempty"`
	// Legend heads the second layer's categories.
	Legend    string `json:"legend,omitempty"`
	Necessary string `json:"necessary,omitempty"`
	// Back is the consent page's link back to the page the visitor came from.
	Back string `json:"back,omitempty"`
	And  string `json:"and,omitempty"`
	// Labels are the second layer's category labels, Names the words used
	// in Text, both keyed by category ("analytics").
	Labels map[string]string `json:"labels,omitempty"`
	Names  map[string]string `json:"names,omitempty"`
}

// bannerChoices are the categories the banner offers one by one. Necessary
// and consent are always on; "Accept all" grants every category.
var bannerChoices = []consent.Category{consent.Functional, consent.Analytics, consent.Advertising, consent.Social, consent.SessionReplay}

// builtinTexts are the banner's languages. Every one has every field.
var builtinTexts = map[string]BannerText{
	"en": {
		Title:       "Your privacy choices",
		Text:        "With your consent we and our partners use cookies and similar tools for {categories}. You can change your choice at any time under \u201cPrivacy choices\u201d.",
		TextGeneric: "With your consent we use optional cookies and similar tools. You can change your choice at any time under \u201cPrivacy choices\u201d.",
		Reject:      "Reject all", Accept: "Accept all", Customise: "Customise", Save: "Save choices",
		Policy: "Privacy policy", Control: "Privacy choices", Legend: "Choose what to allow",
		Necessary: "Necessary (always on)", Back: "Back to the site", And: "and",
		Labels: map[string]string{"functional": "Functional (remember preferences, embedded content)", "analytics": "Analytics (measure visits)",
			"advertising": "Advertising (personalised ads, conversion tracking)", "social": "Social media (share buttons, embedded posts)",
			"session-replay": "Session replay (recordings of visits)"},
		Names: map[string]string{"functional": "embedded content", "analytics": "analytics", "advertising": "advertising",
			"social": "social media", "session-replay": "session recordings"},
	},
	"fr": {
		Title:       "Vos choix de confidentialit\u00e9",
		Text:        "Avec votre accord, nous et nos partenaires utilisons des cookies et outils similaires pour {categories}. Vous pouvez modifier votre choix \u00e0 tout moment via \u00ab\u00a0Choix de confidentialit\u00e9\u00a0\u00bb.",
		TextGeneric: "Avec votre accord, nous utilisons des cookies et outils similaires facultatifs. Vous pouvez modifier votre choix \u00e0 tout moment via \u00ab\u00a0Choix de confidentialit\u00e9\u00a0\u00bb.",
		Reject:      "Tout refuser", Accept: "Tout accepter", Customise: "Personnaliser", Save: "Enregistrer mes choix",
		Policy: "Politique de confidentialit\u00e9", Control: "Choix de confidentialit\u00e9", Legend: "Choisissez ce que vous autorisez",
		Necessary: "N\u00e9cessaires (toujours actifs)", Back: "Retour au site", And: "et",
		Labels: map[string]string{"functional": "Fonctionnels (pr\u00e9f\u00e9rences, contenus int\u00e9gr\u00e9s)", "analytics": "Mesure d\u2019audience",
			"advertising": "Publicit\u00e9 (annonces personnalis\u00e9es, suivi des conversions)", "social": "R\u00e9seaux sociaux (boutons de partage, publications int\u00e9gr\u00e9es)",
			"session-replay": "Enregistrement de session (enregistrements des visites)"},
		Names: map[string]string{"functional": "les contenus int\u00e9gr\u00e9s", "analytics": "la mesure d\u2019audience", "advertising": "la publicit\u00e9",
			"social": "les r\u00e9seaux sociaux", "session-replay": "l\u2019enregistrement des visites"},
	},
	"de": {
		Title:       "Ihre Datenschutz-Einstellungen",
		Text:        "Mit Ihrer Einwilligung nutzen wir und unsere Partner Cookies und \u00e4hnliche Techniken f\u00fcr {categories}. Sie k\u00f6nnen Ihre Wahl jederzeit unter \u201eDatenschutz-Einstellungen\u201c \u00e4ndern.",
		TextGeneric: "Mit Ihrer Einwilligung nutzen wir optionale Cookies und \u00e4hnliche Techniken. Sie k\u00f6nnen Ihre Wahl jederzeit unter \u201eDatenschutz-Einstellungen\u201c \u00e4ndern.",
		Reject:      "Alle ablehnen", Accept: "Alle akzeptieren", Customise: "Anpassen", Save: "Auswahl speichern",
		Policy: "Datenschutzerkl\u00e4rung", Control: "Datenschutz-Einstellungen", Legend: "W\u00e4hlen Sie, was Sie erlauben",
		Necessary: "Notwendig (immer aktiv)", Back: "Zur\u00fcck zur Website", And: "und",
		Labels: map[string]string{"functional": "Funktional (Einstellungen, eingebettete Inhalte)", "analytics": "Statistik (Besuche messen)",
			"advertising": "Werbung (personalisierte Anzeigen, Conversion-Messung)", "social": "Soziale Medien (Teilen-Buttons, eingebettete Beitr\u00e4ge)",
			"session-replay": "Sitzungsaufzeichnung (Aufzeichnungen von Besuchen)"},
		Names: map[string]string{"functional": "eingebettete Inhalte", "analytics": "Statistik", "advertising": "Werbung",
			"social": "soziale Medien", "session-replay": "Sitzungsaufzeichnungen"},
	},
	"es": {
		Title:       "Tus opciones de privacidad",
		Text:        "Con tu consentimiento, nosotros y nuestros socios usamos cookies y herramientas similares para {categories}. Puedes cambiar tu elecci\u00f3n en cualquier momento en \u00abOpciones de privacidad\u00bb.",
		TextGeneric: "Con tu consentimiento usamos cookies y herramientas similares opcionales. Puedes cambiar tu elecci\u00f3n en cualquier momento en \u00abOpciones de privacidad\u00bb.",
		Reject:      "Rechazar todo", Accept: "Aceptar todo", Customise: "Personalizar", Save: "Guardar selecci\u00f3n",
		Policy: "Pol\u00edtica de privacidad", Control: "Opciones de privacidad", Legend: "Elige qu\u00e9 permitir",
		Necessary: "Necesarias (siempre activas)", Back: "Volver al sitio", And: "y",
		Labels: map[string]string{"functional": "Funcionales (preferencias, contenido incrustado)", "analytics": "Anal\u00edtica (medir visitas)",
			"advertising": "Publicidad (anuncios personalizados, conversiones)", "social": "Redes sociales (botones para compartir, publicaciones incrustadas)",
			"session-replay": "Grabaci\u00f3n de sesiones (grabaciones de visitas)"},
		Names: map[string]string{"functional": "contenido incrustado", "analytics": "anal\u00edtica", "advertising": "publicidad",
			"social": "redes sociales", "session-replay": "grabaci\u00f3n de sesiones"},
	},
}

// merged returns base with every non-empty field of over on top.
func (base BannerText) merged(over BannerText) BannerText {
	out := base
	for _, f := range []struct{ dst, src *string }{
		{&out.Title, &over.Title}, {&out.Text, &over.Text}, {&out.TextGeneric, &over.TextGeneric},
		{&out.Reject, &over.Reject}, {&out.Accept, &over.Accept}, {&out.Customise, &over.Customise},
		{&out.Save, &over.Save}, {&out.Policy, &over.Policy}, {&out.Control, &over.Control},
		{&out.Legend, &over.Legend}, {&out.Necessary, &over.Necessary}, {&out.Back, &over.Back}, {&out.And, &over.And},
	} {
		if strings.TrimSpace(*f.src) != "" {
			*f.dst = *f.src
		}
	}
	out.Labels = mergeMap(base.Labels, over.Labels)
	out.Names = mergeMap(base.Names, over.Names)
	return out
}

func mergeMap(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if strings.TrimSpace(v) != "" {
			out[k] = v
		}
	}
	return out
}

// normalizeTexts checks the banner's language settings and builds the
// final text of every language (built-in, then the config's texts; the
// legacy title/text/accept/reject/save keys apply to the default language).
func (b *Banner) normalizeTexts() error {
	b.Language = strings.ToLower(strings.TrimSpace(b.Language))
	if b.Language == "" {
		b.Language = "en"
	}
	for lang, t := range b.Texts {
		if lang != strings.ToLower(lang) || !validLangTag(lang) {
			return &FieldError{Field: "banner.texts", Msg: strconv.Quote(lang) + " is not a lower-case language tag (\"fr\", \"pt-br\")"}
		}
		for k := range t.Labels {
			if !isChoice(k) {
				return &FieldError{Field: "banner.texts", Msg: lang + ".labels: " + strconv.Quote(k) + " is not a banner category (functional, analytics, advertising, social, session-replay)"}
			}
		}
		for k := range t.Names {
			if !isChoice(k) {
				return &FieldError{Field: "banner.texts", Msg: lang + ".names: " + strconv.Quote(k) + " is not a banner category (functional, analytics, advertising, social, session-replay)"}
			}
		}
		if t.Text != "" && !strings.Contains(t.Text, "{categories}") {
			return &FieldError{Field: "banner.texts", Msg: lang + ".text must contain {categories} (text_generic is the sentence without them)"}
		}
	}
	base, ok := builtinTexts[b.Language]
	if _, custom := b.Texts[b.Language]; !ok && !custom {
		return &FieldError{Field: "banner.language", Msg: strconv.Quote(b.Language) + ": no built-in text (en, fr, de, es); add it under banner.texts"}
	}
	if !ok {
		base = builtinTexts["en"]
	}
	b.texts = map[string]BannerText{}
	for lang, t := range builtinTexts {
		b.texts[lang] = t.merged(b.Texts[lang])
	}
	for lang, t := range b.Texts {
		if _, done := b.texts[lang]; !done {
			b.texts[lang] = base.merged(t)
		}
	}
	legacy := BannerText{Title: b.Title, Accept: b.Accept, Reject: b.Reject, Save: b.Save}
	if b.Text != "" {
		if strings.Contains(b.Text, "{categories}") {
			legacy.Text = b.Text
		} else {
			legacy.Text, legacy.TextGeneric = b.Text, b.Text
		}
	}
	b.texts[b.Language] = b.texts[b.Language].merged(legacy)
	switch b.Control {
	case "":
		b.Control = "bottom-left"
	case "bottom-left", "bottom-right", "off":
	default:
		return &FieldError{Field: "banner.control", Msg: strconv.Quote(b.Control) + ": want bottom-left, bottom-right or off"}
	}
	return nil
}

func isChoice(k string) bool {
	for _, c := range bannerChoices {
		if c.String() == k {
			return true
		}
	}
	return false
}

func validLangTag(s string) bool {
	if s == "" || len(s) > 35 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return s[0] != '-'
}

// language picks the banner language for an Accept-Language header: the
// visitor's most preferred language the banner has (exact tag first, then
// its primary subtag), else the site's default.
func (b *Banner) language(accept string) string {
	type pref struct {
		tag string
		q   float64
		i   int
	}
	var prefs []pref
	for i, part := range strings.Split(accept, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		if tag == "" || tag == "*" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		if q <= 0 {
			continue
		}
		prefs = append(prefs, pref{tag, q, i})
	}
	sort.SliceStable(prefs, func(i, j int) bool { return prefs[i].q > prefs[j].q })
	for _, p := range prefs {
		if _, ok := b.texts[p.tag]; ok {
			return p.tag
		}
		if primary, _, _ := strings.Cut(p.tag, "-"); primary != p.tag {
			if _, ok := b.texts[primary]; ok {
				return primary
			}
		}
	}
	return b.Language
}

// text returns the strings of a language (the default language's for an
// unknown one).
func (b *Banner) text(lang string) BannerText {
	if t, ok := b.texts[lang]; ok {
		return t
	}
	return b.texts[b.Language]
}

// usedNames renders the names of the categories in used, in the banner's
// order, joined as "a, b and c".
func (t BannerText) usedNames(used consent.Set) string {
	var names []string
	for _, c := range bannerChoices {
		if used.Has(c) {
			names = append(names, t.Names[c.String()])
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + t.And + " " + names[len(names)-1]
}

// sentence is the first layer's text for the categories in used.
func (t BannerText) sentence(used consent.Set) string {
	if n := t.usedNames(used); n != "" {
		return strings.Replace(t.Text, "{categories}", n, 1)
	}
	return t.TextGeneric
}
