package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/consentguard/consentguard/bench"
)

func init() {
	register(command{"bench", "benchmarks: match (our engine), anchors (peer engines), compare (both, with ratios)", runBench})
	registerSubs("bench", "match", "anchors", "compare")
}

func runBench(args []string, stdout, stderr io.Writer) error {
	if err, ok := dispatchUsage(args, stderr, "usage: consentguard bench match --requests FILE --list FILE... | anchors [--shared DIR] | compare [--shared DIR]"); ok {
		return err
	}
	switch args[0] {
	case "match":
		fs := newFlags("bench match", stderr)
		req := fs.String("requests", "", "requests `FILE` (JSON lines of {url, frameUrl, cpt})")
		var lists listFlag
		fs.Var(&lists, "list", "Adblock Plus list `FILE`; repeatable")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		if *req == "" || len(lists) == 0 {
			fmt.Fprintln(stderr, "consentguard bench match: --requests and at least one --list are required")
			return errUsage
		}
		if err := textFiles(lists); err != nil {
			return err
		}
		return bench.Match(*req, lists, stdout)
	case "anchors":
		fs := newFlags("bench anchors", stderr)
		shared := fs.String("shared", sharedDir(), "the shared `DIR` holding bench/anchors and data")
		what := fs.String("what", "match", "which anchors: match, rewrite or all")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		out, err := runAnchors(*shared, *what, stderr)
		if err != nil {
			return err
		}
		_, err = stdout.Write(out)
		return err
	case "compare":
		fs := newFlags("bench compare", stderr)
		shared := fs.String("shared", sharedDir(), "the shared `DIR` holding bench/anchors and data")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		return benchCompare(*shared, stdout, stderr)
	}
	fmt.Fprintf(stderr, "consentguard bench: unknown benchmark %q\n", args[0])
	return errUsage
}

// sharedDir finds ../shared from the working directory or the repository root.
func sharedDir() string {
	if d := os.Getenv("CONSENTGUARD_SHARED"); d != "" {
		return d
	}
	wd, _ := os.Getwd()
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(wd, "..", "shared")
		}
	}
}

// runAnchors runs the peers' benchmark script from a writable copy (shared/
// is read-only) and returns its JSON objects, one per line.
func runAnchors(shared, what string, stderr io.Writer) ([]byte, error) {
	src := filepath.Join(shared, "bench", "anchors")
	if _, err := os.Stat(filepath.Join(src, "run.sh")); err != nil {
		return nil, fmt.Errorf("peer anchors not found: %w", err)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	work := filepath.Join(cache, "consentguard", "anchors")
	dst := filepath.Join(work, "bench", "anchors")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, err
	}
	for _, f := range []string{"run.sh", "bench-match.mjs", "bench-rewrite.mjs", "package.json"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dst, f), b, 0o755); err != nil {
			return nil, err
		}
	}
	data, _ := filepath.Abs(filepath.Join(shared, "data"))
	link := filepath.Join(work, "data")
	os.Remove(link)
	if err := os.Symlink(data, link); err != nil {
		return nil, err
	}
	cmd := exec.Command("bash", filepath.Join(dst, "run.sh"), what)
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("anchors: %w", err)
	}
	// run.sh prints pretty JSON objects; compact each to one line.
	var buf bytes.Buffer
	dec := json.NewDecoder(bytes.NewReader(extractJSON(out)))
	for dec.More() {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			break
		}
		json.Compact(&buf, v)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// extractJSON keeps the lines that belong to JSON objects.
func extractJSON(out []byte) []byte {
	var b bytes.Buffer
	depth := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		l := sc.Text()
		if depth == 0 && !strings.HasPrefix(strings.TrimSpace(l), "{") {
			continue
		}
		depth += strings.Count(l, "{") - strings.Count(l, "}")
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// benchCompare runs our match benchmark and the anchors in one run and prints
// the ratios of medians.
func benchCompare(shared string, stdout, stderr io.Writer) error {
	data := filepath.Join(shared, "data")
	var ours bytes.Buffer
	err := bench.Match(filepath.Join(data, "requests", "requests.jsonl"),
		[]string{filepath.Join(data, "lists", "easylist.txt"), filepath.Join(data, "lists", "easyprivacy.txt")}, &ours)
	if err != nil {
		return err
	}
	var o struct {
		MedianNS float64 `json:"median_ns"`
		P99NS    float64 `json:"p99_ns"`
		Blocked  int     `json:"blocked"`
	}
	if err := json.Unmarshal(ours.Bytes(), &o); err != nil {
		return fmt.Errorf("our benchmark output: %w", err)
	}
	fmt.Fprintf(stdout, "consentguard: %s", ours.String())
	anch, err := runAnchors(shared, "match", stderr)
	if err != nil {
		return err
	}
	for _, line := range bytes.Split(bytes.TrimSpace(anch), []byte("\n")) {
		var a struct {
			Engine string `json:"engine"`
			Pass1  struct {
				Median float64 `json:"median"`
				P99    float64 `json:"p99"`
			} `json:"pass1_ms"`
			Blocked int `json:"blocked"`
		}
		if json.Unmarshal(line, &a) != nil || a.Engine == "" {
			continue
		}
		fmt.Fprintf(stdout, "%-9s median %.0f ns, p99 %.0f ns, blocked %d; ours is %.1fx faster at the median, %.1fx at p99\n",
			a.Engine, a.Pass1.Median*1e6, a.Pass1.P99*1e6, a.Blocked, a.Pass1.Median*1e6/o.MedianNS, a.Pass1.P99*1e6/o.P99NS)
	}
	return nil
}
