//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// ffReport is what the extension keeps per tab for its popup and badge
// (background.js report()).
type ffReport struct {
	Tab    int    `json:"tab"`
	Badge  string `json:"badge"`
	Report struct {
		Site    string         `json:"site"`
		Counts  map[string]int `json:"counts"`
		Blocked []struct {
			URL      string `json:"url"`
			Category string `json:"category"`
			Rule     string `json:"rule"`
		} `json:"blocked"`
	} `json:"report"`
	Total string `json:"total"`
}

// TestFirefoxBlockedCounted checks in real Firefox ESR that the requests
// the extension's DNR rules block are counted where the popup and the badge
// read them: the fixture page's Google Analytics (analytics) and Meta
// pixel (advertising) scripts are blocked, then the extension's popup page,
// opened in a second tab at its moz-extension:// address, asks the
// background for the fixture tab's report: one blocked request per
// category with its URL and the core's reason, the badge text "2" and the
// popup's total "2".
func TestFirefoxBlockedCounted(t *testing.T) {
	ext := filepath.Join(extensionDist(t), "firefox")
	site := &ffSiteHandler{seen: map[string][]http.Header{}}
	w := newWorld(t, map[string]http.Handler{ffSite: site})
	site.port = w.Port
	// moz-extension:// pages open over BiDi only with system access.
	t.Setenv("MOZ_REMOTE_ALLOW_SYSTEM_ACCESS", "1")
	ff := newFirefox(t, w)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	id, err := ff.InstallExtension(ctx, ext)
	if err != nil {
		t.Fatalf("webExtension.install %s: %v", ext, err)
	}
	if id != ffExtID {
		t.Fatalf("installed as %q, want %q (the profile's uuid pref names it)", id, ffExtID)
	}
	url := fmt.Sprintf("https://%s:%d/", ffSite, w.Port)
	waitFirefoxExtensionLive(t, ff, w, site, url, 20*time.Second)
	w.Reset()
	ff.Go(t, w, url)
	if hits := w.HitsTo("www.google-analytics.com", "connect.facebook.net"); len(hits) != 0 {
		t.Fatalf("tracker scripts reached their hosts:%s", hitList(hits))
	}

	var created struct {
		Context string `json:"context"`
	}
	if err := ff.Call(ctx, "browsingContext.create", map[string]any{"type": "tab"}, &created); err != nil {
		t.Fatalf("browsingContext.create: %v", err)
	}
	// The popup page reads the fixture tab's report, as when the person
	// clicks the toolbar button (?tab= names the tab).
	var tabID int
	popup := "moz-extension://" + ffExtUUID + "/popup.html"
	if err := ff.Navigate(ctx, created.Context, popup); err != nil {
		t.Fatalf("navigate %s: %v", popup, err)
	}
	var rep ffReport
	for end := time.Now().Add(15 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		v, err := ff.Evaluate(ctx, created.Context, `(async () => {
			const tabs = await browser.tabs.query({});
			const t = tabs.find((x) => (x.url || '').startsWith(`+jsString(url)+`));
			if (!t) return JSON.stringify({ tab: -1 });
			const r = await browser.runtime.sendMessage({ cmd: 'report', tabId: t.id });
			const badge = await browser.action.getBadgeText({ tabId: t.id });
			return JSON.stringify({ tab: t.id, badge, report: r.value });
		})()`)
		if err != nil {
			t.Fatalf("evaluate in %s: %v", popup, err)
		}
		var s string
		json.Unmarshal(v.Value, &s)
		rep = ffReport{}
		if err := json.Unmarshal([]byte(s), &rep); err != nil {
			t.Fatalf("report %s: %v", s, err)
		}
		if (len(rep.Report.Blocked) >= 2 && rep.Badge != "") || time.Now().After(end) {
			t.Logf("report of tab %d: %s", rep.Tab, s)
			break
		}
	}
	tabID = rep.Tab
	if tabID < 0 {
		t.Fatalf("no tab shows %s", url)
	}
	if rep.Report.Counts["analytics"] != 1 || rep.Report.Counts["advertising"] != 1 || len(rep.Report.Blocked) != 2 {
		t.Errorf("counts %v, %d blocked, want analytics 1 and advertising 1", rep.Report.Counts, len(rep.Report.Blocked))
	}
	for _, b := range rep.Report.Blocked {
		if b.Rule == "" {
			t.Errorf("blocked %s has no rule", b.URL)
		}
	}
	if rep.Badge != "2" {
		t.Errorf("badge %q, want 2", rep.Badge)
	}
	// The popup itself, pointed at the tab, shows the same total.
	if err := ff.Navigate(ctx, created.Context, fmt.Sprintf("%s?tab=%d", popup, tabID)); err != nil {
		t.Fatal(err)
	}
	var total string
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		v, err := ff.Evaluate(ctx, created.Context, `document.getElementById('total').textContent`)
		if err == nil {
			json.Unmarshal(v.Value, &total)
		}
		if total == "2" {
			break
		}
	}
	if total != "2" {
		t.Errorf("popup total %q, want 2", total)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
