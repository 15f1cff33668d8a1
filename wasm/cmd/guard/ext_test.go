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
		[]any{"sitesOf", "https://www.bbc.co.uk/news\nsub.news.test\nabout:blank"},
		// One line per cookie, "state index, name, domain"; a malformed
		// line or an unknown state index gets an empty answer.
		[]any{"decideCookies", "0\t_ga\tnews.example\n1\t_ga\tnews.example\n0\tPHPSESSID\tnews.example\n1\t_fbp\tnews.example\nbad line\n7\t_ga\tx.example",
			[]any{map[string]any{}, map[string]any{"granted": []string{"analytics"}}}},
		[]any{"decideCookie", "_ga", "news.example", map[string]any{}},
		[]any{"decideCookie", "_fbp", "news.example", map[string]any{"granted": []string{"analytics"}}},
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
		"bbc.co.uk\nnews.test\n",
		"block\tanalytics\n\n\nblock\tadvertising\n\n",
	}
	for i := range want {
		if !reflect.DeepEqual(res[i], want[i]) {
			t.Errorf("call %v = %v, want %v", calls[i], res[i], want[i])
		}
	}
	// The batch agrees with decideCookie one by one.
	for i, want := range []string{"block", "block"} {
		d, _ := res[9+i].(map[string]any)
		if d["action"] != want {
			t.Errorf("decideCookie %v = %v, want action %s", calls[9+i], d, want)
		}
	}
}
