// Package snap is the snapshot command: it writes policylists.Snapshot to
// a file.
package snap

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/consentguard/consentguard/policylists"
)

// Main runs the command with args (without the program name) and returns
// its exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", policylists.SnapshotFile, "file to write")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "snapshot: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	b, err := policylists.Snapshot()
	if err != nil {
		fmt.Fprintf(stderr, "snapshot: %v\n", err)
		return 1
	}
	if old, err := os.ReadFile(*out); err == nil && bytes.Equal(old, b) {
		return 0 // unchanged: keep the file's time, so make sees nothing new
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintf(stderr, "snapshot: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "snapshot: wrote %s (%d bytes)\n", *out, len(b))
	return 0
}
