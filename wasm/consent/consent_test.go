package consent

import (
	"testing"
)

func TestParseCategory(t *testing.T) {
	for _, c := range Categories() {
		got, err := ParseCategory(c.String())
		if err != nil || got != c {
			t.Errorf("ParseCategory(%q) = %v, %v", c.String(), got, err)
		}
	}
	syn := map[string]Category{"Marketing": Advertising, "statistics": Analytics, "preferences": Functional, "essential": Necessary}
	for s, want := range syn {
		if got, err := ParseCategory(s); err != nil || got != want {
			t.Errorf("ParseCategory(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if _, err := ParseCategory("bogus"); err == nil {
		t.Error("ParseCategory accepted bogus")
	}
}

func TestParseSet(t *testing.T) {
	s, err := ParseSet("analytics, functional")
	if err != nil || !s.Has(Analytics) || !s.Has(Functional) || s.Has(Advertising) {
		t.Fatalf("ParseSet = %v, %v", s, err)
	}
	if s.String() != "functional,analytics" {
		t.Errorf("String = %q", s.String())
	}
	all, _ := ParseSet("all")
	for _, c := range Categories() {
		if !all.Has(c) {
			t.Errorf("all misses %v", c)
		}
	}
	if _, err := ParseSet("analytics,nope"); err == nil {
		t.Error("ParseSet accepted an unknown category")
	}
}

func TestAllows(t *testing.T) {
	tests := []struct {
		name string
		st   State
		c    Category
		want bool
	}{
		{"necessary always", State{}, Necessary, true},
		{"cmp always", State{GPC: true}, Consent, true},
		{"non-tracker always", State{}, None, true},
		{"default deny analytics", State{}, Analytics, false},
		{"default deny functional", State{}, Functional, false},
		{"granted analytics", State{Granted: SetOf(Analytics)}, Analytics, true},
		{"GPC beats grant for ads", State{Granted: All, GPC: true}, Advertising, false},
		{"DNT beats grant for replay", State{Granted: All, DNT: true}, SessionReplay, false},
		{"GPC leaves analytics to consent", State{Granted: SetOf(Analytics), GPC: true}, Analytics, true},
		{"GPC denies social", State{Granted: All, GPC: true}, Social, false},
		{"GPC denies fingerprinting", State{Granted: All, GPC: true}, Fingerprinting, false},
		{"tag manager denied by default", State{}, TagManager, false},
		{"tag manager follows analytics", State{Granted: SetOf(Analytics)}, TagManager, true},
		{"tag manager granted itself", State{Granted: SetOf(TagManager)}, TagManager, true},
		{"tag manager not via opted-out ads", State{Granted: SetOf(Advertising), GPC: true}, TagManager, false},
	}
	for _, tc := range tests {
		if got := tc.st.Allows(tc.c); got != tc.want {
			t.Errorf("%s: Allows(%v) = %v", tc.name, tc.c, got)
		}
	}
}

func TestPolicyFor(t *testing.T) {
	p := Policy{Default: SetOf(Functional), Sites: map[string]Set{
		"example.com":      SetOf(Analytics),
		"shop.example.com": All,
	}}
	if st := p.For("other.org", false, false); st.Granted != SetOf(Functional) || st.Recorded {
		t.Errorf("default: %+v", st)
	}
	if st := p.For("www.example.com", false, false); st.Granted != SetOf(Analytics) || !st.Recorded {
		t.Errorf("parent override: %+v", st)
	}
	if st := p.For("shop.example.com", true, false); st.Granted != All || !st.GPC || st.Allows(Advertising) {
		t.Errorf("exact override with GPC: %+v", st)
	}
}
