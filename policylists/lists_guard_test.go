//go:build guard

package policylists

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/filter"
)

// TestGuardRefusesUpstreamLists: the extension's core (-tags guard) decides
// from the embedded catalog alone; an Adblock Plus or TDS list is an error
// naming its file, and the engine is still built from everything else.
func TestGuardRefusesUpstreamLists(t *testing.T) {
	b := NewBuilder()
	b.Add("easyprivacy.txt", []byte("[Adblock Plus 2.0]\n||tracker.example^\n"))
	b.Add("tds.json", []byte(`{"trackers":{}}`))
	e, rep, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, err := range rep.Errors {
		if !errors.Is(err, errGuardList) {
			t.Errorf("unexpected error: %v", err)
		}
		names = append(names, strings.SplitN(err.Error(), ":", 2)[0])
	}
	if strings.Join(names, ",") != "tds.json,easyprivacy.txt" {
		t.Errorf("errors name %v, want tds.json then easyprivacy.txt", names)
	}
	for _, fr := range rep.Files {
		if (fr.Name == "easyprivacy.txt" || fr.Name == "tds.json") && fr.Errors != 1 {
			t.Errorf("%s: %d errors counted, want 1", fr.Name, fr.Errors)
		}
	}
	if e.Filter() != nil || rep.Rules != 0 {
		t.Errorf("filter engine compiled in the guard build: %d rules", rep.Rules)
	}
	d := e.Decide("https://tracker.example/x.js", "https://news.example/", filter.TypeScript, consent.State{})
	if d.Action.String() != "allow" {
		t.Errorf("a host only the refused list names was blocked: %+v", d)
	}
	d = e.Decide("https://www.google-analytics.com/g/collect?v=2&tid=G-1", "https://news.example/", filter.TypePing, consent.State{})
	if d.Action.String() != "block" || d.Vendor != "google-analytics" {
		t.Errorf("embedded catalog no longer blocks GA: %+v", d)
	}
}

// TestGuardDefaultFromSnapshot: the extension's core gets its engine from
// the embedded snapshot, and it is the engine the text compiles to.
func TestGuardDefaultFromSnapshot(t *testing.T) {
	got, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	want, err := fromText()
	if err != nil {
		t.Fatal(err)
	}
	// The guard decodes the tracker vendors' details on first use: read
	// them, then the engines must be equal.
	got.Parts().Trackers.Vendor("google-analytics")
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Default() under -tags guard differs from the engine compiled from the text: %s out of step? run `go generate ./policylists`", SnapshotFile)
	}
	if m := got.Cookie("_ga", "example.com"); m.Vendor != "google-analytics" {
		t.Errorf("Cookie(_ga) = %+v", m)
	}
}
