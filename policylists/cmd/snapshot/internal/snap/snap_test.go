package snap

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/policylists"
)

func TestMainWritesSnapshot(t *testing.T) {
	out := filepath.Join(t.TempDir(), "guard.snap")
	var so, se bytes.Buffer
	if code := Main([]string{"-o", out}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := policylists.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("written file differs from policylists.Snapshot()")
	}
	if _, err := policylists.FromSnapshot(string(got)); err != nil {
		t.Fatal(err)
	}
	// A second run finds it unchanged and writes nothing.
	so.Reset()
	if code := Main([]string{"-o", out}, &so, &se); code != 0 || so.Len() != 0 {
		t.Fatalf("second run: exit %d, output %q", code, so.String())
	}
}

func TestMainErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"-o", filepath.Join(t.TempDir(), "no", "such", "dir", "x")}, 1, "no such file or directory"},
	} {
		var so, se bytes.Buffer
		if code := Main(tc.args, &so, &se); code != tc.code || !strings.Contains(se.String(), tc.want) {
			t.Errorf("Main(%q) = %d, %q; want %d, %q", tc.args, code, se.String(), tc.code, tc.want)
		}
	}
}
