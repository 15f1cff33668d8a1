package guard

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/consentguard/consentguard/internal/fixture"
	"github.com/consentguard/consentguard/wasm/catalog"

	"github.com/consentguard/consentguard/edge/guard/internal/jsmin"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var testSpec = Spec{
	BlockHosts:          []string{"google-analytics.com", "googletagmanager.com", "doubleclick.net", "facebook.net", "facebook.com"},
	BlockCookies:        []string{"_gid", "_fbp", "IDE"},
	BlockCookiePrefixes: []string{"_ga", "_hj"},
	BlockPings:          true,
	BeaconPaths:         []string{"/g/collect?v=2&tid=G-", "/matomo.php?idsite=&rec=1", "/b/ss/", "/api/*/envelope/", "/t.gif?pid=*", "/collect?v=1&tid=UA-"},
}

// TestMinified: the embedded guard.min.js is guard.js as minified now
// (go generate ./edge/guard keeps it so), and much smaller.
func TestMinified(t *testing.T) {
	src, err := os.ReadFile("guard.js")
	if err != nil {
		t.Fatal(err)
	}
	want, err := jsmin.Template(src)
	if err != nil {
		t.Fatalf("minifying guard.js: %v", err)
	}
	if string(want) != minified {
		t.Fatalf("guard.min.js is not the minified guard.js: run go generate ./edge/guard")
	}
	s := Script(testSpec)
	if len(s) >= len(src)*7/10 {
		t.Errorf("minified guard is %d bytes, source %d: minification did not happen", len(s), len(src))
	}
	if bytes.Contains(s, []byte("\n")) {
		t.Errorf("minified guard contains a newline")
	}
}

func TestGolden(t *testing.T) {
	got := Script(testSpec)
	path := filepath.Join("testdata", "guard.min.js")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Script(testSpec) differs from %s (run go test -update after reviewing)", path)
	}
}

// dataLiteral extracts the data object spliced into the script.
func dataLiteral(t testing.TB, s Spec) []byte {
	once.Do(prepare)
	out := Script(s)
	if !bytes.HasPrefix(out, []byte(head)) || !bytes.HasSuffix(out, []byte(tail)) {
		t.Fatalf("script does not start/end with the cached template")
	}
	return out[len(head) : len(out)-len(tail)]
}

func TestDataLiteral(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"empty", Spec{}, `{"h":[],"c":[],"p":[],"a":0,"b":[],"s":[]}`},
		{"hosts", Spec{BlockHosts: []string{"a.com", "b.net"}}, `{"h":["a.com","b.net"],"c":[],"p":[],"a":0,"b":[],"s":[]}`},
		{"cookies", Spec{BlockCookies: []string{"_gid"}, BlockCookiePrefixes: []string{"_ga"}}, `{"h":[],"c":["_gid"],"p":["_ga"],"a":0,"b":[],"s":[]}`},
		{"quote and backslash", Spec{BlockCookies: []string{`a"b\c`}}, `{"h":[],"c":["a\"b\\c"],"p":[],"a":0,"b":[],"s":[]}`},
		{"script end", Spec{BlockHosts: []string{"</script><script>alert(1)//"}}, `{"h":["\u003c/script\u003e\u003cscript\u003ealert(1)//"],"c":[],"p":[],"a":0,"b":[],"s":[]}`},
		{"ampersand controls", Spec{BlockCookies: []string{"a&b\n\t\x00"}}, `{"h":[],"c":["a\u0026b\u000a\u0009\u0000"],"p":[],"a":0,"b":[],"s":[]}`},
		{"line separators", Spec{BlockCookies: []string{"a\u2028b\u2029"}}, `{"h":[],"c":["a\u2028b\u2029"],"p":[],"a":0,"b":[],"s":[]}`},
		{"non-ascii kept", Spec{BlockHosts: []string{"bücher.de"}}, `{"h":["bücher.de"],"c":[],"p":[],"a":0,"b":[],"s":[]}`},
		{"invalid utf-8", Spec{BlockCookies: []string{"a\xffb"}}, `{"h":[],"c":["a\ufffdb"],"p":[],"a":0,"b":[],"s":[]}`},
		{"pings and beacon paths", Spec{BlockPings: true, BeaconPaths: []string{"/g/collect?v=2&tid=G-", "*/i/adsct"}}, `{"h":[],"c":[],"p":[],"a":1,"b":["/g/collect?v=2\u0026tid=G-","*/i/adsct"],"s":[]}`},
		{"block paths", Spec{BlockPaths: []string{"/search-insights@*", "/g/collect?v=2&tid=G-"}}, `{"h":[],"c":[],"p":[],"a":0,"b":[],"s":["/search-insights@*","/g/collect?v=2\u0026tid=G-"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := dataLiteral(t, tt.spec)
			if string(got) != tt.want {
				t.Errorf("data = %s\nwant   %s", got, tt.want)
			}
			if n := Size(tt.spec); n != len(Script(tt.spec)) {
				t.Errorf("Size = %d, len(Script) = %d", n, len(Script(tt.spec)))
			}
		})
	}
}

func TestHash(t *testing.T) {
	// sha256("") in base64.
	if got, want := Hash(nil), "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"; got != want {
		t.Errorf("Hash(nil) = %s, want %s", got, want)
	}
}

func TestAppendScriptAllocs(t *testing.T) {
	buf := make([]byte, 0, Size(testSpec))
	n := testing.AllocsPerRun(100, func() {
		buf = AppendScript(buf[:0], testSpec)
	})
	if n != 0 {
		t.Errorf("AppendScript with capacity: %v allocs, want 0", n)
	}
	n = testing.AllocsPerRun(100, func() { _ = Script(testSpec) })
	if n != 1 {
		t.Errorf("Script: %v allocs, want 1", n)
	}
}

// FuzzDataLiteral checks that the spliced data is a JSON object that
// decodes back to the spec (strings with invalid UTF-8 come back with
// U+FFFD), that it never contains characters that could close the <script>
// element, and that Size is exact.
func FuzzDataLiteral(f *testing.F) {
	f.Add("google-analytics.com", "_gid", "_ga")
	f.Add("</script>", "a\"b\\c", "\u2028")
	f.Add("\xff\xfe", "\x00", "&amp;")
	f.Fuzz(func(t *testing.T, h, c, p string) {
		s := Spec{BlockHosts: []string{h, c}, BlockCookies: []string{c}, BlockCookiePrefixes: []string{p, h}, BlockPings: len(p)%2 == 1, BeaconPaths: []string{c, p}, BlockPaths: []string{p}}
		lit := dataLiteral(t, s)
		if bytes.ContainsAny(lit, "<>&\u2028\u2029\n\r") {
			t.Fatalf("data literal contains an unescaped HTML/JS-sensitive character: %q", lit)
		}
		var got struct{ H, C, P, B, S []string }
		if err := json.Unmarshal(lit, &got); err != nil {
			t.Fatalf("data literal is not JSON: %v: %q", err, lit)
		}
		// One U+FFFD per invalid byte, as encoding/json does.
		fix := func(v string) string {
			var b strings.Builder
			for i := 0; i < len(v); {
				r, n := utf8.DecodeRuneInString(v[i:])
				b.WriteRune(r)
				i += n
			}
			return b.String()
		}
		want := struct{ H, C, P, B, S []string }{[]string{fix(h), fix(c)}, []string{fix(c)}, []string{fix(p), fix(h)}, []string{fix(c), fix(p)}, []string{fix(p)}}
		if strings.Join(got.H, "\x00") != strings.Join(want.H, "\x00") || strings.Join(got.B, "\x00") != strings.Join(want.B, "\x00") ||
			strings.Join(got.C, "\x00") != strings.Join(want.C, "\x00") ||
			strings.Join(got.P, "\x00") != strings.Join(want.P, "\x00") || strings.Join(got.S, "\x00") != strings.Join(want.S, "\x00") {
			t.Fatalf("round trip: got %q, want %q", got, want)
		}
		if Size(s) != len(Script(s)) {
			t.Fatalf("Size = %d, len(Script) = %d", Size(s), len(Script(s)))
		}
	})
}

func nodePath(t *testing.T) string {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no subprocesses under " + runtime.GOOS + ": the node harness runs from the native tests")
	}
	p, err := exec.LookPath("node")
	if err != nil {
		fixture.Missing(t, "node not found: the guard must be executed under node (make test installs it)")
	}
	return p
}

type harnessCase struct {
	Kind string `json:"kind"`
	Arg  string `json:"arg"`
}

type harnessResult struct {
	Reached []string `json:"reached"`
	Result  any      `json:"result"`
	Error   *string  `json:"error"`
}

// TestNode runs the minified guard under node with stubbed globals and
// checks, per call, whether the underlying API was reached.
func TestNode(t *testing.T) {
	node := nodePath(t)
	tests := []struct {
		c       harnessCase
		blocked bool
		result  any // expected result when non-nil
	}{
		{harnessCase{"fetch", "https://www.google-analytics.com/g/collect?v=2"}, true, "rejected TypeError"},
		{harnessCase{"fetch", "//stats.g.doubleclick.net/j/collect"}, true, "rejected TypeError"},
		{harnessCase{"fetch", "https://WWW.GOOGLE-ANALYTICS.COM./x"}, true, nil},
		{harnessCase{"fetch-request", "https://connect.facebook.net/en_US/fbevents.js"}, true, "rejected TypeError"},
		{harnessCase{"fetch", "https://shop.example/api/cart"}, false, "resolved"},
		{harnessCase{"fetch", "/api/relative"}, false, "resolved"},
		{harnessCase{"fetch", "https://notgoogle-analytics.com/x"}, false, nil},
		{harnessCase{"fetch", "https://google-analytics.com.evil.example/x"}, false, nil},
		{harnessCase{"fetch", "data:text/plain,hi"}, false, nil},
		{harnessCase{"xhr", "https://www.facebook.com/tr?id=1"}, true, nil},
		{harnessCase{"xhr", "/api/xhr"}, false, nil},
		{harnessCase{"beacon", "https://region1.google-analytics.com/g/collect"}, true, false},
		{harnessCase{"beacon", "https://shop.example/beacon"}, false, true},
		// First-party beacons: refused at a path signature, any prefix host.
		{harnessCase{"beacon", "https://shop.example/g/collect?v=2&tid=G-ABC123&en=page_view"}, true, false},
		{harnessCase{"beacon", "/g/collect?tid=G-ABC123&v=2"}, true, false},
		{harnessCase{"beacon", "/g/collect?v=1&tid=G-ABC123"}, false, true},
		{harnessCase{"beacon", "/g/collectx?v=2&tid=G-1"}, false, true},
		{harnessCase{"beacon", "/metrics/g/collect?v=2&tid=G-1"}, true, false}, // behind a proxy prefix
		{harnessCase{"beacon", "/metrics/xg/collect?v=2&tid=G-1"}, false, true},
		{harnessCase{"beacon", "/g/collect/extra?v=2&tid=G-1"}, true, false},
		{harnessCase{"beacon", "/matomo.php?rec=1&idsite=3"}, true, false},
		{harnessCase{"beacon", "/matomo.php?idsite=3"}, false, true},
		{harnessCase{"beacon", "/b/ss/rsid/1/JS-2.22"}, true, false},
		{harnessCase{"beacon", "/b/ssx"}, false, true},
		{harnessCase{"beacon", "/api/42/envelope/?sentry_key=x"}, true, false},
		{harnessCase{"beacon", "/api/envelope/"}, false, true},
		{harnessCase{"beacon", "/t.gif?pid=abc"}, true, false},
		{harnessCase{"beacon", "/t.gif?pidx=abc"}, false, true},
		{harnessCase{"beacon", "/collect?v=1&tid=UA-1"}, true, false},
		{harnessCase{"beacon", "/collect?v=1&tid=UA"}, false, true},
		{harnessCase{"cookie", "_ga=GA1.1.1.2; path=/; expires=Wed, 21 Oct 2026 07:28:00 GMT"}, true, nil},
		{harnessCase{"cookie", "_ga_ABC=GS1; path=/"}, true, nil},
		{harnessCase{"cookie", " _gid = x"}, true, nil},
		{harnessCase{"cookie", "_hjSession_1=x"}, true, nil},
		{harnessCase{"cookie", "_fbp=fb.1"}, true, nil},
		{harnessCase{"cookie", "session=abc; Secure"}, false, nil},
		{harnessCase{"cookie", "_gidx=1"}, false, nil},
		{harnessCase{"cookie", "ga=1"}, false, nil},
	}
	// The beacon cases' expectations are the core's own path matching.
	for _, tt := range tests {
		if tt.c.Kind != "beacon" || strings.Contains(tt.c.Arg, "google-analytics") {
			continue
		}
		if core := coreBeaconBlocked(t, tt.c.Arg); core != tt.blocked {
			t.Errorf("beacon %q: the table says blocked=%v, wasm/catalog says %v", tt.c.Arg, tt.blocked, core)
		}
	}
	dir := t.TempDir()
	guardFile := filepath.Join(dir, "guard.js")
	if err := os.WriteFile(guardFile, Script(testSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := make([]harnessCase, len(tests))
	for i, tt := range tests {
		cases[i] = tt.c
	}
	cj, _ := json.Marshal(cases)
	casesFile := filepath.Join(dir, "cases.json")
	if err := os.WriteFile(casesFile, cj, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("testdata", "harness.js"), guardFile, casesFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.Bytes())
	}
	var res []harnessResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("harness output: %v: %s", err, out)
	}
	if len(res) != len(tests)+1 {
		t.Fatalf("harness returned %d results, want %d", len(res), len(tests)+1)
	}
	for i, tt := range tests {
		r := res[i]
		if r.Error != nil {
			t.Errorf("%s %q: threw %s", tt.c.Kind, tt.c.Arg, *r.Error)
			continue
		}
		// A blocked XHR reaches only the dispatched error/loadend events.
		var real []string
		for _, s := range r.Reached {
			if !strings.HasPrefix(s, "event ") {
				real = append(real, s)
			}
		}
		if tt.blocked && len(real) > 0 {
			t.Errorf("%s %q: blocked call reached the API: %q", tt.c.Kind, tt.c.Arg, real)
		}
		if !tt.blocked && len(real) == 0 {
			t.Errorf("%s %q: allowed call did not reach the API", tt.c.Kind, tt.c.Arg)
		}
		if tt.c.Kind == "xhr" && tt.blocked && !(len(r.Reached) == 2 && strings.HasPrefix(r.Reached[0], "event error")) {
			t.Errorf("blocked xhr %q: events %q, want error then loadend", tt.c.Arg, r.Reached)
		}
		if tt.result != nil && r.Result != tt.result {
			t.Errorf("%s %q: result %v, want %v", tt.c.Kind, tt.c.Arg, r.Result, tt.result)
		}
		// Wrapped only once although the guard ran twice.
		if !tt.blocked && tt.c.Kind == "fetch" && len(real) != 1 {
			t.Errorf("%s %q: reached %q, want exactly one call", tt.c.Kind, tt.c.Arg, real)
		}
	}
	log, _ := res[len(tests)].Result.([]any)
	if len(log) == 0 {
		t.Errorf("__consentguard.blocked is empty")
	}
}

func BenchmarkScript(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Script(testSpec)
	}
}

func BenchmarkAppendScript(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, Size(testSpec))
	for b.Loop() {
		buf = AppendScript(buf[:0], testSpec)
	}
	b.SetBytes(int64(len(buf)))
}

func TestCompact(t *testing.T) {
	s := Spec{
		BlockHosts:          []string{"Region1.Google-Analytics.com", "google-analytics.com", "x.y.doubleclick.net", "doubleclick.net.", "facebook.com", "facebook.com", "notfacebook.com", ""},
		BlockCookies:        []string{"_gid", "_ga", "_ga_X", "_fbp", "_fbp"},
		BlockCookiePrefixes: []string{"_ga", "_ga_", "_hj"},
	}
	got := s.Compact()
	want := Spec{
		BlockHosts:          []string{"doubleclick.net", "facebook.com", "google-analytics.com", "notfacebook.com"},
		BlockCookies:        []string{"_fbp", "_gid"},
		BlockCookiePrefixes: []string{"_ga", "_hj"},
	}
	if strings.Join(got.BlockHosts, ",") != strings.Join(want.BlockHosts, ",") ||
		strings.Join(got.BlockCookies, ",") != strings.Join(want.BlockCookies, ",") ||
		strings.Join(got.BlockCookiePrefixes, ",") != strings.Join(want.BlockCookiePrefixes, ",") {
		t.Errorf("Compact = %+v\nwant      %+v", got, want)
	}
}

// TestConcatenation: the edge puts other scripts right after the guard in
// the same <script> element. Without a final ";" the next "(function(){..."
// would call the guard's result and throw.
func TestConcatenation(t *testing.T) {
	s := Script(testSpec)
	if !bytes.HasSuffix(s, []byte(";")) || !bytes.HasPrefix(s, []byte(";")) {
		t.Errorf("guard does not start and end with ';': %.20s...%s", s, s[len(s)-20:])
	}
	node := nodePath(t)
	code := `(function(){globalThis.__before=1})()` + "\n" + string(s) + `(function(){process.stdout.write("after:" + globalThis.__before)})();`
	out, err := exec.Command(node, "-e", code).CombinedOutput()
	if err != nil || string(out) != "after:1" {
		t.Errorf("guard followed by an IIFE: %v: %s", err, out)
	}
}

// coreBeaconBlocked: does a path signature of testSpec match u, as the
// core (wasm/tracker) matches signatures without domain=?
func coreBeaconBlocked(t *testing.T, u string) bool {
	pq := u
	if i := strings.Index(u, "://"); i >= 0 {
		pq = u[i+3:]
		pq = pq[strings.IndexByte(pq, '/'):]
	}
	for _, sig := range testSpec.BeaconPaths {
		p, err := catalog.ParsePath(sig)
		if err != nil {
			t.Fatal(err)
		}
		if p.MatchAnyPrefix(pq) {
			return true
		}
	}
	return false
}
