package catalog

import "testing"

func TestMatchAnyPrefix(t *testing.T) {
	for _, tc := range []struct {
		sig, url string
		want     bool
	}{
		{"/g/collect?v=2&tid=G-", "/g/collect?v=2&tid=G-1", true},
		{"/g/collect?v=2&tid=G-", "/metrics/g/collect?v=2&tid=G-1", true},
		{"/g/collect?v=2&tid=G-", "/a/b/g/collect/x?tid=G-1&v=2#f", true},
		{"/g/collect?v=2&tid=G-", "/metrics/xg/collect?v=2&tid=G-1", false},
		{"/g/collect?v=2&tid=G-", "/g/collectx?v=2&tid=G-1", false},
		{"/g/collect?v=2&tid=G-", "/metrics/g/collect?v=1&tid=G-1", false},
		{"/b/ss/", "/x/b/ss/rsid", true},
		{"/b/ss/", "/x/b/ssx", false},
		{"*/matomo.php?idsite=&rec=1", "/stats/matomo.php?idsite=1&rec=1", true},
	} {
		p, err := ParsePath(tc.sig)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.MatchAnyPrefix(tc.url); got != tc.want {
			t.Errorf("%q.MatchAnyPrefix(%q) = %v", tc.sig, tc.url, got)
		}
	}
}
