package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"sort"

	"github.com/consentguard/consentguard/policylists"
)

// version is set at link time (make build: -ldflags "-X main.version=...");
// otherwise it comes from the build info.
var version = ""

func init() {
	register(command{"version", "print the version and the embedded lists' dates", runVersion})
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: consentguard version")
		return errUsage
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintf(stdout, "consentguard %s\n", buildVersion(info))
	if info != nil {
		fmt.Fprintf(stdout, "built with %s\n", info.GoVersion)
	}
	dates := policylists.Dates()
	names := make([]string, 0, len(dates))
	for n := range dates {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(stdout, "embedded lists:")
	for _, n := range names {
		d := dates[n]
		if d == "" {
			d = "undated"
		}
		fmt.Fprintf(stdout, "  %-14s updated %s\n", n, d)
	}
	return nil
}

// buildVersion is the link-time version, else the module version, else the
// VCS revision and time the go command stamped, else "devel".
func buildVersion(info *debug.BuildInfo) string {
	if version != "" {
		return version
	}
	if info == nil {
		return "devel"
	}
	v := info.Main.Version
	var rev, at, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if v != "" && v != "(devel)" {
		return v
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		return fmt.Sprintf("devel %s%s (%s)", rev, dirty, at)
	}
	return "devel"
}
