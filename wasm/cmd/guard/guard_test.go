//go:build !(js && wasm)

package main

import (
	"encoding/json"
	"testing"
)

// TestGuardUnderNode builds the real js/wasm core and calls its JS API from
// node, as the extension's service worker does.
func TestGuardUnderNode(t *testing.T) {
	calls := []any{
		[]any{"decide", "https://www.google-analytics.com/g/collect?v=2&tid=G-1", "https://news.example/", "ping", map[string]any{}},
		[]any{"decide", "https://www.google-analytics.com/g/collect?v=2&tid=G-1", "https://news.example/", "ping", map[string]any{"granted": "analytics"}},
		[]any{"decide", "https://connect.facebook.net/en_US/fbevents.js", "https://news.example/", "script", map[string]any{"granted": []string{"advertising"}, "gpc": true}},
		[]any{"decide", "https://news.example/app.js", "https://news.example/", "script", map[string]any{}},
		[]any{"decide", "https://x.example/", "https://news.example/", "script", map[string]any{"granted": "bogus"}},
		[]any{"classifyCookie", "_ga", "news.example"},
		[]any{"decideCookie", "_ga", "news.example", map[string]any{"granted": "analytics"}},
		[]any{"filterCookieHeader", "_ga=GA1.1; PHPSESSID=abc; _fbp=fb.1", "news.example", map[string]any{}},
		[]any{"stripParams", "https://news.example/a?utm_source=x&id=7&fbclid=abc"},
		[]any{"categories"},
	}
	res := nodeCalls(t, calls)
	type dec struct {
		Action, Category, Vendor, Reason, Error, Header, URL, Name string
		ThirdParty                                                 bool
		Removed                                                    json.RawMessage
	}
	get := func(i int) dec {
		var d dec
		if err := json.Unmarshal(res[i], &d); err != nil {
			t.Fatalf("result %d %s: %v", i, res[i], err)
		}
		return d
	}
	if d := get(0); d.Action != "block" || d.Category != "analytics" || d.Vendor != "google-analytics" || !d.ThirdParty {
		t.Errorf("GA without consent: %+v", d)
	}
	if d := get(1); d.Action != "allow" {
		t.Errorf("GA with analytics consent: %+v", d)
	}
	if d := get(2); d.Action != "block" || d.Category != "advertising" {
		t.Errorf("Meta pixel under GPC: %+v", d)
	}
	if d := get(3); d.Action != "allow" || d.Category != "none" {
		t.Errorf("first-party script: %+v", d)
	}
	if d := get(4); d.Error == "" {
		t.Errorf("bad state not reported: %+v", d)
	}
	if d := get(5); d.Category != "analytics" {
		t.Errorf("_ga: %+v", d)
	}
	if d := get(6); d.Action != "allow" {
		t.Errorf("_ga with analytics: %+v", d)
	}
	if d := get(7); d.Header != "PHPSESSID=abc" {
		t.Errorf("cookie header: %+v", d)
	}
	if d := get(8); d.URL != "https://news.example/a?id=7" {
		t.Errorf("stripParams: %+v", d)
	}
	var cats []string
	json.Unmarshal(res[9], &cats)
	if len(cats) != 9 {
		t.Errorf("categories: %v", cats)
	}
}
