//go:build !(js && wasm)

package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestExtAPIUnderNode checks the functions the browser extension adds
// (blocked, siteOf) in the real js/wasm core under node.
func TestExtAPIUnderNode(t *testing.T) {
	calls := []any{
		[]any{"blocked", map[string]any{}},
		[]any{"blocked", map[string]any{"granted": []string{"analytics"}}},
		[]any{"blocked", map[string]any{"granted": []string{"analytics", "advertising"}, "gpc": true}},
		[]any{"blocked", map[string]any{"granted": []string{"functional", "analytics", "advertising", "social", "session-replay", "tag-manager", "fingerprinting"}}},
		[]any{"siteOf", "https://www.bbc.co.uk/news"},
		[]any{"siteOf", "sub.news.test"},
		[]any{"siteOf", "about:blank"},
	}
	var res []any
	for _, r := range nodeCalls(t, calls) {
		var v any
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		res = append(res, v)
	}
	all := []any{"functional", "analytics", "advertising", "social", "session-replay", "tag-manager", "fingerprinting"}
	want := []any{
		all,
		// analytics granted: the tag manager that loads it is allowed too.
		[]any{"functional", "advertising", "social", "session-replay", "fingerprinting"},
		// GPC denies advertising even when granted.
		[]any{"functional", "advertising", "social", "session-replay", "fingerprinting"},
		[]any{},
		"bbc.co.uk", "news.test", "",
	}
	for i := range want {
		if !reflect.DeepEqual(res[i], want[i]) {
			t.Errorf("call %v = %v, want %v", calls[i], res[i], want[i])
		}
	}
}
