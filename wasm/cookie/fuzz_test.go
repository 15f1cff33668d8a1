package cookie

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/wasm/catalog"
	"github.com/consentguard/consentguard/wasm/consent"
)

// FuzzParseSetCookie: never panics; an accepted line has a name without '='
// or ';', no control characters, and its canonical form parses back to the
// same fields and the same canonical form; names agree with net/http's
// parser wherever it accepts the line.
func FuzzParseSetCookie(f *testing.F) {
	for _, s := range []string{
		"_ga=GA1.2.3.4; Path=/; Domain=.example.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Max-Age=63072000; Secure; SameSite=Lax",
		"id=a3fWa; Expires=Wed, 21-Oct-2026 07:28:00 GMT; HttpOnly; Partitioned",
		"nameless", "=v", "a=b=c", `q="x"`, "k=v; Max-Age=-0", "k=v; Domain=..A.b.", "k=v; Expires=Mon Jan  2 15:04:05 2006",
		"k=v; expires=Monday, 02-Jan-06 15:04:05 PST", "", ";", "a\x00=1", "k=v; SameSite=none; Path=/x;y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := ParseSetCookie(s)
		if sc.Raw != s {
			t.Fatalf("Raw %q != input", sc.Raw)
		}
		// The allocation-free path AllowSetCookie takes agrees.
		n, v, attrs, err2 := splitSetCookie(s)
		if err2 != err || n != sc.Name || v != sc.Value {
			t.Fatalf("splitSetCookie(%q) = %q %q %v, ParseSetCookie %q %q %v", s, n, v, err2, sc.Name, sc.Value, err)
		}
		if err != nil {
			return
		}
		if d := setCookieDomain(attrs); strings.ToLower(d) != sc.Domain {
			t.Fatalf("setCookieDomain(%q) = %q, ParseSetCookie %q", s, d, sc.Domain)
		}
		if strings.ContainsAny(sc.Name, "=;") || strings.Contains(sc.Value, ";") || hasCTL(sc.Name) || hasCTL(sc.Value) {
			t.Fatalf("bad name/value %q=%q from %q", sc.Name, sc.Value, s)
		}
		if sc.Name == "" && sc.Value == "" {
			t.Fatalf("accepted empty cookie from %q", s)
		}
		out := sc.String()
		sc2, err := ParseSetCookie(out)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", out, s, err)
		}
		if !sameSetCookie(sc, sc2) {
			t.Fatalf("round trip of %q via %q:\n %+v\n %+v", s, out, sc, sc2)
		}
		if out2 := sc2.String(); out2 != out {
			t.Fatalf("String not stable: %q -> %q", out, out2)
		}
		if ref, err := http.ParseSetCookie(s); err == nil && ref.Name != sc.Name {
			t.Fatalf("name %q, net/http says %q, for %q", sc.Name, ref.Name, s)
		}
	})
}

// FuzzCookieHeader: with everything granted the header comes back unchanged;
// with nothing granted the kept pairs are an in-order subsequence of the
// input pairs, every kept cookie is allowed and every removed one is not,
// and kept plus removed account for every pair.
func FuzzCookieHeader(f *testing.F) {
	for _, s := range []string{
		"_ga=GA1.2.3.4; PHPSESSID=abc; _fbp=fb.1.2; OptanonConsent=x; theme=dark",
		" a=1 ;;_ga=2;  b=3 ", "nameless; =v; _gid", "NID=1; SID=2", "", ";;;", "_ga=1;_ga=2;_ga",
	} {
		f.Add(s, "www.example.com")
	}
	f.Add("NID=1; SID=2; __Secure-3PSID=3", "www.google.com")
	filt := ourFilter(f)
	f.Fuzz(func(t *testing.T, h, host string) {
		if got, removed := filt.FilterCookieHeader(h, host, allGranted); got != h || removed != nil {
			t.Fatalf("all granted changed %q to %q (removed %v)", h, got, removed)
		}
		var in []string
		forPairs(h, func(_, _, pair string, _, _ int) bool { in = append(in, pair); return true })
		kept, removed := filt.FilterCookieHeader(h, host, noConsent)
		var out []string
		forPairs(kept, func(name, _, pair string, _, _ int) bool {
			out = append(out, pair)
			if _, ok := filt.Allowed(name, host, noConsent); !ok {
				t.Fatalf("kept a cookie that is not allowed: %q", pair)
			}
			return true
		})
		j := 0
		for _, p := range out {
			for j < len(in) && in[j] != p {
				j++
			}
			if j == len(in) {
				t.Fatalf("output %q is not a subsequence of input %q", out, in)
			}
			j++
		}
		if len(out)+len(removed) != len(in) {
			t.Fatalf("%d kept + %d removed != %d pairs in %q", len(out), len(removed), len(in), h)
		}
		for _, m := range removed {
			if noConsent.Allows(m.Category) {
				t.Fatalf("removed an allowed cookie %+v", m)
			}
		}
		if len(removed) == 0 && kept != h {
			t.Fatalf("nothing removed but header changed: %q -> %q", h, kept)
		}
	})
}

// FuzzOCD: never panics; every accepted entry has a usable non-empty
// pattern, a category, a line; the result compiles without errors.
func FuzzOCD(f *testing.F) {
	f.Add([]byte(ocdHeader + "1,Google Analytics,Analytics,_ga_,,x,2 years,Google,https://g/,1\n2,X,Marketing,mc,quantserve.com (3rd party),,,,,0\n"))
	f.Add([]byte(ocdHeader + "1,\"a,b\",Security,\"x\"\"y\",,,,,,0\n3,A,Functional,,,,,,,0\n"))
	f.Add([]byte("Platform,Category,Cookie / Data Key name,Domain,Wildcard match\nA,Analytics,a*b,,1\n"))
	if p := sharedFileOrEmpty(); p != "" {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data[:min(len(data), 4000)])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, errs := ParseOCD("f.csv", bytes.NewReader(data))
		if c == nil {
			t.Fatal("nil catalog")
		}
		for _, e := range errs {
			if !strings.HasPrefix(e.Error(), "f.csv:") {
				t.Fatalf("error without file name: %v", e)
			}
		}
		for _, v := range c.Vendors {
			if v.ID == "" || len(v.Sources) == 0 {
				t.Fatalf("vendor %+v", v)
			}
			for _, e := range v.Entries {
				if e.Value == "" || checkPattern(e.Value) != nil || e.Category == consent.None || e.Line < 2 || e.Kind != catalog.KindCookie {
					t.Fatalf("bad entry %+v", e)
				}
			}
		}
		if _, errs := Compile(c); len(errs) > 0 {
			t.Fatalf("accepted entries do not compile: %v", errs)
		}
	})
}

// sharedFileOrEmpty returns the OCD path under ../shared, or "" (seeding
// and extra checks only; TestOCDConformance enforces presence under CI).
func sharedFileOrEmpty() string {
	dir, _ := os.Getwd()
	for dir != "/" && dir != "." {
		if _, err := os.Stat(dir + "/go.mod"); err == nil {
			break
		}
		dir = filepath.Dir(dir)
	}
	p := dir + "/../shared/data/cookies/open-cookie-database.csv"
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// FuzzClassify checks the indexed lookup against a linear scan over the
// same entries with the documented precedence.
func FuzzClassify(f *testing.F) {
	for _, s := range [][2]string{{"_ga", ""}, {"_ga_X", "a.b"}, {"mp_1_mixpanel", ""}, {"NID", "www.google.com"},
		{"MUID", "c.clarity.ms"}, {"_hjSession_1", ""}, {"wordpress_logged_in_1", ""}, {"_a_session", ""}, {"SL_C_1_SID", ""}} {
		f.Add(s[0], s[1])
	}
	_, db, _ := ourList(f)
	f.Fuzz(func(t *testing.T, name, domain string) {
		got, ok := db.Classify(name, domain)
		want, wok := linearClassify(db, name, domain)
		if ok != wok || got != want {
			t.Fatalf("Classify(%q, %q) = %+v %v, linear scan %+v %v", name, domain, got, ok, want, wok)
		}
	})
}

func linearClassify(db *DB, name, domain string) (Match, bool) {
	d := strings.Trim(domain, ".")
	if name == "" {
		return Match{Name: name}, false
	}
	better := func(a, b *rule) bool { // a preferred over b, same tier
		if (a.domain != "") != (b.domain != "") {
			return a.domain != ""
		}
		return len(a.domain) > len(b.domain)
	}
	for _, kind := range []uint8{kindExact, kindPrefix, kindGlob} {
		var best *rule
		for i := range db.rules {
			r := &db.rules[i]
			if r.kind != kind || (r.domain != "" && !withinFold(d, r.domain)) {
				continue
			}
			var hit bool
			switch kind {
			case kindExact:
				hit = r.key == name
			case kindPrefix:
				hit = strings.HasPrefix(name, r.key)
			default:
				hit = catalog.Glob(r.key, name)
			}
			if !hit {
				continue
			}
			switch {
			case best == nil:
				best = r
			case kind == kindPrefix && len(r.key) != len(best.key):
				if len(r.key) > len(best.key) {
					best = r
				}
			case kind == kindGlob:
				// scoped first, then more literal characters, then order
				if (r.domain != "") != (best.domain != "") {
					if r.domain != "" {
						best = r
					}
				} else if r.literal > best.literal {
					best = r
				}
			case better(r, best):
				best = r
			}
		}
		if best != nil {
			return best.match(name), true
		}
	}
	return Match{Name: name}, false
}

// TestClassifyMatchesLinear derives names from every pattern of cookies.txt
// (and the Open Cookie Database when present): the pattern with '*'
// replaced, extended and cut short, under several domains, and checks the
// indexed lookup against the linear scan.
func TestClassifyMatchesLinear(t *testing.T) {
	c, db, _ := ourList(t)
	dbs := []*DB{db}
	if p := sharedFileOrEmpty(); p != "" {
		if f, err := os.Open(p); err == nil {
			oc, _ := ParseOCD("ocd.csv", f)
			f.Close()
			all, _ := Compile(c, oc)
			dbs = append(dbs, all)
		}
	}
	for di, d := range dbs {
		checked := 0
		for ri, r := range d.rules {
			if di > 0 && ri%5 != 0 {
				continue // the linear scan is slow: sample the big DB
			}
			var names []string
			for _, fill := range []string{"", "x", "_1.abc"} {
				n := strings.ReplaceAll(r.pattern, "*", fill)
				names = append(names, n, n+"z", n[:len(n)/2], n[:max(len(n)-1, 0)])
			}
			for _, n := range names {
				for _, dom := range []string{"", r.domain, "sub." + r.domain, "Other.Example", "." + r.domain} {
					got, ok := d.Classify(n, dom)
					want, wok := linearClassify(d, n, dom)
					if ok != wok || got != want {
						t.Fatalf("Classify(%q, %q) = %+v %v, linear scan %+v %v", n, dom, got, ok, want, wok)
					}
					checked++
				}
			}
		}
		t.Logf("%d patterns, %d lookups agree with the linear scan", d.Len(), checked)
	}
}

// FuzzSplitSetCookies: lines in canonical form (what ParseSetCookie and
// String produce, whose only commas are in Expires dates or values without
// "=" after them) joined with ", " split back to the same lines.
func FuzzSplitSetCookies(f *testing.F) {
	f.Add("_ga=GA1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/", "sid=x; HttpOnly")
	f.Add("a=1", "b=2; Max-Age=10")
	f.Fuzz(func(t *testing.T, a, b string) {
		var lines []string
		for _, s := range []string{a, b} {
			sc, err := ParseSetCookie(s)
			if err != nil || sc.Name == "" || !isTokenString(sc.Name) || strings.Contains(sc.Value, ",") {
				return
			}
			lines = append(lines, sc.String())
		}
		if got := SplitSetCookies(strings.Join(lines, ", ")); strings.Join(got, "\n") != strings.Join(lines, "\n") {
			t.Fatalf("split %q\n got %q", lines, got)
		}
	})
}

func isTokenString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isToken(s[i]) {
			return false
		}
	}
	return s != ""
}
