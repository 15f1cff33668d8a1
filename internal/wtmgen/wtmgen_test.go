package wtmgen

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/tracker"
)

func TestValues(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{`'a','b c',3,NULL`, []string{"a", "b c", "3", ""}, false},
		{`'it''s', 'x,y'`, []string{"it's", "x,y"}, false},
		{`'open`, nil, true},
		{`'a' 'b'`, nil, true},
		{`'a',`, nil, true},
	}
	for _, tc := range tests {
		got, err := Values(tc.in)
		if (err != nil) != tc.err || (!tc.err && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("Values(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

const dump = `BEGIN TRANSACTION;
INSERT INTO "categories" VALUES(4,'advertising');
INSERT INTO "categories" VALUES(9,'cdn');
INSERT INTO "trackers" VALUES('adco','Ad Co',4,'https://adco.example/','adco','1',NULL,NULL);
INSERT INTO "trackers" VALUES('cdnco','CDN Co',9,NULL,NULL,'2',NULL,NULL);
INSERT INTO "trackers" VALUES('known','Known',4,NULL,NULL,'3',NULL,NULL);
INSERT INTO "tracker_domains" VALUES('adco','adco.example',NULL);
INSERT INTO "tracker_domains" VALUES('adco','ADCO-cdn.example',NULL);
INSERT INTO "tracker_domains" VALUES('cdnco','cdnco.example',NULL);
INSERT INTO "tracker_domains" VALUES('known','px.known.example',NULL);
COMMIT;
`

func TestProposeAndWrite(t *testing.T) {
	db, err := Parse(strings.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	c, errs := catalog.Parse("k", []byte("[k] K\ncategory advertising\nsource https://k.example/\nhost known.example\n"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	known, _ := tracker.Compile(c)
	props := Propose(db, known, nil)
	if len(props) != 1 || props[0].Tracker.ID != "adco" || props[0].Category != consent.Advertising ||
		!reflect.DeepEqual(props[0].Hosts, []string{"adco-cdn.example", "adco.example"}) {
		t.Fatalf("proposals = %+v", props)
	}
	if seen := Propose(db, known, map[string]int{"x.adco.example": 2}); len(seen) != 1 || seen[0].Seen != 2 {
		t.Errorf("with seen: %+v", seen)
	}
	if none := Propose(db, known, map[string]int{"other.example": 1}); len(none) != 0 {
		t.Errorf("unseen trackers proposed: %+v", none)
	}
	var out bytes.Buffer
	if err := Write(&out, props); err != nil {
		t.Fatal(err)
	}
	// The proposal parses as our catalog format.
	pc, errs := catalog.Parse("proposal", out.Bytes())
	if len(errs) > 0 || len(pc.Vendors) != 1 || pc.Vendors[0].ID != "wtm-adco" || len(pc.Vendors[0].Entries) != 2 {
		t.Errorf("proposal does not parse back: %v\n%s", errs, out.String())
	}
}

func TestParseErrorNamesLine(t *testing.T) {
	_, err := Parse(strings.NewReader("BEGIN;\nINSERT INTO \"trackers\" VALUES('a);\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "line 2:") {
		t.Errorf("error = %v, want one naming line 2", err)
	}
}

func TestMainUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main(nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "usage") {
		t.Errorf("Main() = %d, %q", code, errb.String())
	}
	if code := Main([]string{"/nonexistent.sql"}, &out, &errb); code != 1 {
		t.Errorf("Main(missing file) = %d, want 1", code)
	}
}

func FuzzValues(f *testing.F) {
	f.Add(`'a','b',1,NULL`)
	f.Add(`'it''s'`)
	f.Fuzz(func(t *testing.T, s string) {
		vals, err := Values(s)
		if err == nil && len(vals) == 0 {
			t.Errorf("Values(%q): no values and no error", s)
		}
	})
}
