package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestHelpEveryCommand: -h and --help work for every registered command and
// every subcommand: exit 0, nothing on stdout, a usage on stderr naming the
// command.
func TestHelpEveryCommand(t *testing.T) {
	var paths [][]string
	for _, c := range commands {
		paths = append(paths, []string{c.name})
		for _, s := range subcommands[c.name] {
			paths = append(paths, []string{c.name, s})
		}
	}
	if len(paths) < 10 {
		t.Fatalf("only %d commands registered: %v", len(paths), paths)
	}
	for _, p := range paths {
		for _, h := range []string{"-h", "--help"} {
			args := append(append([]string(nil), p...), h)
			code, out, errs := run(t, "", args...)
			name := strings.Join(p, " ")
			if code != 0 || out != "" || !strings.Contains(strings.ToLower(errs), "usage: consentguard "+p[0]) {
				t.Errorf("%s %s: exit %d, stdout %q, stderr %q", name, h, code, out, errs)
			}
		}
		// help CMD [SUB] is the same as CMD [SUB] -h.
		code, _, errs := run(t, "", append([]string{"help"}, p...)...)
		if code != 0 || !strings.Contains(errs, "usage: consentguard "+p[0]) {
			t.Errorf("help %v: exit %d, %q", p, code, errs)
		}
	}
	// Without a subcommand: usage and exit 2; an unknown one: exit 2.
	for parent := range subcommands {
		if code, _, errs := run(t, "", parent); code != 2 || !strings.Contains(errs, "usage: consentguard "+parent) {
			t.Errorf("%s alone: %d %q", parent, code, errs)
		}
		if code, _, errs := run(t, "", parent, "nonsense"); code != 2 || !strings.Contains(errs, "nonsense") {
			t.Errorf("%s nonsense: %d %q", parent, code, errs)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, errs := run(t, "", "version")
	if code != 0 {
		t.Fatalf("version: %d %q", code, errs)
	}
	if !regexp.MustCompile(`^consentguard \S`).MatchString(out) {
		t.Errorf("no version line: %q", out)
	}
	for _, name := range []string{"cookies.txt", "params.txt", "snippets.txt", "trackers.txt"} {
		if !regexp.MustCompile(name + `\s+updated \d{4}-\d{2}-\d{2}\n`).MatchString(out) {
			t.Errorf("version does not date %s: %q", name, out)
		}
	}
	old := version
	version = "v9.9.9-test"
	defer func() { version = old }()
	if _, out, _ := run(t, "", "version"); !strings.HasPrefix(out, "consentguard v9.9.9-test\n") {
		t.Errorf("ldflags version not printed: %q", out)
	}
	if code, _, _ := run(t, "", "version", "extra"); code != 2 {
		t.Errorf("version extra: %d", code)
	}
}

// TestProxyHelp: proxy -h says the secret is required and how to make one,
// and lists the CLI's own flags beside the proxy's.
func TestProxyHelp(t *testing.T) {
	code, _, errs := run(t, "", "proxy", "-h")
	for _, want := range []string{"--secret KEY", "required", "openssl rand -base64 32", "-lenient", "-no-upstream", "-origin", "-site"} {
		if code != 0 || !strings.Contains(errs, want) {
			t.Errorf("proxy -h: exit %d, lacks %q", code, want)
		}
	}
}
