package edge

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/edge/demo"
	"github.com/consentguard/consentguard/wasm/consent"
)

// TestConsentGetJSON: the JSON answer lists the categories in effect,
// never "none".
func TestConsentGetJSON(t *testing.T) {
	r := newRig(t, demo.Origin(), nil)
	for _, tc := range []struct {
		headers []string
		want    []string
		rec     bool
		source  string
	}{
		{[]string{"Accept: application/json"}, []string{"necessary", "consent"}, false, "default"},
		{nil, []string{"necessary", "consent"}, false, "default"},
		{[]string{"Accept: application/json", signed(consent.SetOf(consent.Analytics))}, []string{"necessary", "analytics", "tag-manager", "consent"}, true, "consentguard"},
		{[]string{"Accept: application/json, text/html;q=0.5"}, []string{"necessary", "consent"}, false, "default"},
	} {
		resp, body := r.get(ConsentPath, tc.headers...)
		var got struct {
			Granted  []string
			Recorded bool
			Source   string
		}
		if err := json.Unmarshal(body, &got); err != nil || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%v: %s (%v)", tc.headers, body, err)
		}
		if strings.Join(got.Granted, ",") != strings.Join(tc.want, ",") || got.Recorded != tc.rec || got.Source != tc.source {
			t.Errorf("%v: %s", tc.headers, body)
		}
	}
}

// TestConsentPage: a browser's GET gets the form, in its language, with
// the current choices ticked, the return path kept and a strict CSP.
func TestConsentPage(t *testing.T) {
	r := newRig(t, demo.Origin(), func(c *Config) { c.Banner.PolicyURL = "/privacy" })
	accept := "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	resp, body := r.get(ConsentPath+"?return=%2Fshop%3Fa%3D1", accept, "Accept-Language: fr-FR,fr;q=0.9,en;q=0.8",
		signed(consent.SetOf(consent.Analytics, consent.Social)))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`<html lang="fr">`, `value="analytics" checked>`, `value="social" checked>`, `value="advertising">`,
		`name="return" value="/shop?a=1"`, `<a href="/privacy">Politique de confidentialit&#233;</a>`, `value="reject">Tout refuser`,
		`<a href="/shop?a=1">Retour au site</a>`, `method="post" action="` + ConsentPath + `"`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("consent page lacks %s", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("CSP %q", csp)
	}
	// A foreign return path goes home.
	_, body = r.get(ConsentPath+"?return=https%3A%2F%2Fevil.example%2F", accept)
	if !bytes.Contains(body, []byte(`name="return" value="/"`)) {
		t.Error("foreign return kept")
	}
	// The form's POST (no JavaScript) records the choice and goes back.
	resp, _ = r.do("POST", ConsentPath, strings.NewReader("action=save&c=analytics&return=%2Fshop%3Fa%3D1"),
		"Content-Type: application/x-www-form-urlencoded", "Origin: http://harbor.example")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/shop?a=1" {
		t.Errorf("POST: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestBannerOnPage: the two layers, the language from Accept-Language,
// the current choices ticked when the banner reopens, the sentence naming
// the categories removed on the page, and the control with the page as
// its return path.
func TestBannerOnPage(t *testing.T) {
	r := newRig(t, demo.Origin(), func(c *Config) { c.Banner.PolicyURL = "https://harbor.example/privacy" })
	_, body := r.get("/shop?x=1", "Accept-Language: de-DE,de;q=0.9")
	tpl := regexp.MustCompile(`(?s)<template id="cg-banner-tpl" data-show>(.*?)</template>`).FindSubmatch(body)
	if tpl == nil {
		t.Fatal("no banner shown")
	}
	b := tpl[1]
	// First layer: Reject, Accept (same look), Customise; the categories
	// are in the hidden second layer.
	for _, want := range []string{`lang="de"`, `value="reject">Alle ablehnen</button>`, `value="accept">Alle akzeptieren</button>`,
		`id="cg-more" class="cg-s" aria-expanded="false" aria-controls="cg-l2">Anpassen</button>`, `<fieldset id="cg-l2" hidden>`,
		`id="cg-save" class="cg-s" hidden>`, `<a href="https://harbor.example/privacy">Datenschutzerkl&#228;rung</a>`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("banner lacks %s", want)
		}
	}
	m := regexp.MustCompile(`<button ([^>]*)value="(reject|accept)">`).FindAllSubmatch(b, -1)
	if len(m) != 2 || !bytes.Equal(m[0][1], m[1][1]) {
		t.Errorf("Reject and Accept differ: %q", m)
	}
	tail := tailRe.Find(body)
	if tail == nil {
		t.Fatal("no tail")
	}
	// The shop removes analytics, advertising, session replay and an
	// embed; the sentence names them, in German.
	if !bytes.Contains(tail, []byte(`f&#252;r eingebettete Inhalte, Statistik, Werbung und Sitzungsaufzeichnungen.`)) {
		t.Errorf("tail sentence: %s", tail)
	}
	if !bytes.Contains(tail, []byte(`<a id="cg-choices" class="cg-bl" lang="de" href="/.consentguard/consent?return=%2Fshop%3Fx%3D1">Datenschutz-Einstellungen</a>`)) {
		t.Errorf("control: %s", tail)
	}
	// A recorded choice: the banner is there to reopen, not shown, with
	// the choice ticked.
	_, body = r.get("/", signed(consent.SetOf(consent.Advertising)))
	if bytes.Contains(body, []byte(bannerShown)) || !bytes.Contains(body, []byte(`<template id="cg-banner-tpl">`)) ||
		!bytes.Contains(body, []byte(`value="advertising" checked>`)) || bytes.Contains(body, []byte(`value="analytics" checked>`)) {
		t.Error("recorded choice: banner shown, absent or not ticked")
	}
	// Control off: no link, the sentence stays.
	r = newRig(t, demo.Origin(), func(c *Config) { c.Banner.Control = "off" })
	_, body = r.get("/")
	if bytes.Contains(body, []byte(`id="cg-choices"`)) || !bytes.Contains(body, []byte(`<template id="cg-used"`)) {
		t.Error("control off: link still there")
	}
	// Banner off: nothing of it.
	r = newRig(t, demo.Origin(), func(c *Config) { c.Banner.Enabled = false })
	_, body = r.get("/")
	if bytes.Contains(body, []byte(`cg-banner`)) || bytes.Contains(body, []byte(`cg-used`)) || bytes.Contains(body, []byte(`cg-choices`)) {
		t.Error("banner off: banner markup injected") // (cg-embed: the YouTube placeholder stays)
	}
}
