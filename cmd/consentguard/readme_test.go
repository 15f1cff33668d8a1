package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
)

var update = flag.Bool("update", false, "rewrite README.md's example outputs from the real ones")

// readmeExample is one "$ command" line of a README code block and the
// output lines under it.
type readmeExample struct {
	cmd        string
	start, end int // output lines [start, end) of the README
}

// readmeExamples finds the "$ " lines of README.md's plain code blocks.
func readmeExamples(lines []string) []readmeExample {
	var out []readmeExample
	fenced, plain := false, false // in a code block; one without a language
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "```") {
			fenced = !fenced
			plain = fenced && l == "```"
			continue
		}
		if !plain || !strings.HasPrefix(l, "$ ") {
			continue
		}
		ex := readmeExample{cmd: strings.TrimPrefix(l, "$ "), start: i + 1}
		j := i + 1
		for j < len(lines) && !strings.HasPrefix(lines[j], "$ ") && !strings.HasPrefix(lines[j], "```") {
			j++
		}
		ex.end = j
		for ex.end > ex.start && lines[ex.end-1] == "" {
			ex.end-- // blank lines between examples
		}
		out = append(out, ex)
		i = j - 1
	}
	return out
}

// printfArg decodes the single-quoted argument of printf as the README
// writes it (\t and \n escapes).
func printfArg(s string) string {
	return strings.NewReplacer(`\t`, "\t", `\n`, "\n", `\\`, `\`).Replace(s)
}

var ports = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// runReadme runs one README command in-process from the repository root and
// returns its stdout; ok is false for commands this test does not run.
func runReadme(t *testing.T, cmd string) (string, bool) {
	in := ""
	if rest, ok := strings.CutPrefix(cmd, "printf '"); ok {
		arg, after, found := strings.Cut(rest, "' | ")
		if !found {
			t.Fatalf("README: cannot parse %q", cmd)
		}
		in, cmd = printfArg(arg), after
	}
	var args []string
	switch {
	case cmd == "make demo":
		args = []string{"demo", "--once"}
	case strings.HasPrefix(cmd, "consentguard bench"):
		return "", false // timings: measured, not reproduced (see Performance)
	case strings.HasPrefix(cmd, "consentguard "):
		for _, a := range strings.Fields(strings.TrimPrefix(cmd, "consentguard ")) {
			if strings.Contains(a, "../shared/") {
				fixture.Shared(t)
			}
			if strings.Contains(a, "*") {
				m, _ := filepath.Glob(a)
				args = append(args, m...)
				continue
			}
			args = append(args, a)
		}
	default:
		return "", false
	}
	code, out, errs := run(t, in, args...)
	if code != 0 {
		t.Errorf("README %q: exit %d: %s", cmd, code, errs)
	}
	return strings.TrimRight(out, "\n"), true
}

// TestREADMEExamples runs every "$ consentguard ..." (and "$ make demo")
// example of README.md and compares its output with what the README shows
// (loopback ports aside). -update rewrites the README's outputs.
func TestREADMEExamples(t *testing.T) {
	root := fixture.Root(t)
	t.Chdir(root)
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	exs := readmeExamples(lines)
	ran := 0
	// From the last example up, so that rewriting keeps earlier line numbers.
	for k := len(exs) - 1; k >= 0; k-- {
		ex := exs[k]
		got, ok := runReadme(t, ex.cmd)
		if !ok {
			continue
		}
		ran++
		want := strings.Join(lines[ex.start:ex.end], "\n")
		if ports.ReplaceAllString(got, "127.0.0.1:PORT") == ports.ReplaceAllString(want, "127.0.0.1:PORT") {
			continue
		}
		if *update {
			lines = append(lines[:ex.start], append(strings.Split(got, "\n"), lines[ex.end:]...)...)
			continue
		}
		t.Errorf("README.md line %d: $ %s\n--- README shows:\n%s\n--- the command prints:\n%s\n(go test ./cmd/consentguard -run TestREADMEExamples -update rewrites it)",
			ex.start, ex.cmd, want, got)
	}
	if ran < 5 {
		t.Errorf("only %d README examples run", ran)
	}
	if *update {
		if err := os.WriteFile("README.md", []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestREADMEBenchCounts: the counts in the README's "bench compare" example
// (not its timings) are what 'bench match' reports on the same data.
func TestREADMEBenchCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the match benchmark over the shared requests (-short)")
	}
	root := fixture.Root(t)
	shared := fixture.Shared(t)
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^consentguard: (\{.*)$`).FindSubmatch(data)
	if line == nil {
		t.Fatal("README has no 'consentguard: {...}' bench compare line")
	}
	code, out, errs := run(t, "", "bench", "match", "--requests", filepath.Join(shared, "data/requests/requests.jsonl"),
		"--list", filepath.Join(shared, "data/lists/easylist.txt"), "--list", filepath.Join(shared, "data/lists/easyprivacy.txt"))
	if code != 0 {
		t.Fatalf("bench match: %d %s", code, errs)
	}
	field := func(s, k string) string {
		m := regexp.MustCompile(`"` + k + `":(\d+)`).FindStringSubmatch(s)
		if m == nil {
			return "(absent)"
		}
		return m[1]
	}
	for _, k := range []string{"requests", "skipped_unsupported", "blocked", "rules", "parse_errors"} {
		if got, want := field(out, k), field(string(line[1]), k); got != want {
			t.Errorf("README bench compare %q: %s, bench match says %s", k, want, got)
		}
	}
}
