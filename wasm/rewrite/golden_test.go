package rewrite

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the .golden files in testdata")

const testInject = "<script>/*consentguard*/</script>"

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	h := trackerHandler{hosts: testHosts}
	opt := Options{Inject: []byte(testInject)}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, r := rewriteChunks(src, nil, h, opt)
		golden := strings.TrimSuffix(f, ".html") + ".golden"
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%s (run go test -update): %v", golden, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: output differs from %s\n got:\n%s", f, golden, got)
		}
		cuts := make([]int, len(src))
		for i := range cuts {
			cuts[i] = i
		}
		if bb, _ := rewriteChunks(src, cuts, h, opt); !bytes.Equal(bb, got) {
			t.Errorf("%s: byte-by-byte output differs", f)
		}
		if out := Rewrite(nil, src, KeepAll{}, Options{}); !bytes.Equal(out, src) {
			t.Errorf("%s: keep-all output differs", f)
		}
		t.Logf("%s: removed %d", f, r.Removed())
	}
}

// TestWindows1252 checks that a page in a single-byte charset comes out
// identical except for the removed elements.
func TestWindows1252(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "win1252.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.ContainsAny(src, "\x80\x93\x94\xe9\xff") {
		t.Fatal("testdata/win1252.html lost its windows-1252 bytes")
	}
	want := bytes.Replace(src, []byte("<img src=\"https://www.facebook.com/tr?id=1252\" alt=\"\xe9t\xe9\">"), nil, 1)
	want = bytes.Replace(want, []byte("<script>var s=\"\xe9\";fbq(\"x\")</script>"), nil, 1)
	want = bytes.Replace(want, []byte("<head>"), []byte("<head>"+testInject), 1)
	got, r := rewriteChunks(src, []int{7, 100, 101, 230}, trackerHandler{hosts: testHosts}, Options{Inject: []byte(testInject)})
	if !bytes.Equal(got, want) || r.Removed() != 2 {
		t.Errorf("removed %d\n got %q\nwant %q", r.Removed(), got, want)
	}
}
