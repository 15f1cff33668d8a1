package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/consentguard/consentguard/audit"
)

func init() {
	register(command{"audit", "audit sites in real Chromium: before consent, under GPC, after reject/accept all, against their privacy policy ('audit merge DIR...' joins shards)", runAudit})
}

type auditFlags struct {
	json, html, out, urls, shard, failOn string
	hostRules, ca, chromium, remote      string
	concurrency, pages                   int
	timeout                              time.Duration
	resume, noShots, quiet               bool
}

func (f *auditFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.json, "json", "", "write the JSON report to `FILE` (one URL: the site report; several: the batch summary)")
	fs.StringVar(&f.html, "html", "", "write the HTML report of the one URL to `FILE`")
	fs.StringVar(&f.out, "out", "", "write one JSON and one HTML report per site, and batch.json, into `DIR`")
	fs.StringVar(&f.urls, "urls", "", "read URLs from `FILE`, one a line (# comments)")
	fs.StringVar(&f.shard, "shard", "", "audit only shard `i/n` of the URLs (0 <= i < n; split by URL hash)")
	fs.StringVar(&f.failOn, "fail-on", "", "exit 3 when a finding has this `SEVERITY` or higher (info, low, medium, high)")
	fs.StringVar(&f.hostRules, "host-rules", "", "Chromium --host-resolver-rules `RULES` (\"MAP * 127.0.0.1:8443\")")
	fs.StringVar(&f.ca, "ca", "", "trust the CA certificates in PEM `FILE` (their public keys)")
	fs.StringVar(&f.chromium, "chromium", "/usr/bin/chromium", "Chromium executable `PATH`")
	fs.StringVar(&f.remote, "remote", "", "drive the browser at `ws://HOST:PORT` (DevTools) instead of starting Chromium")
	fs.IntVar(&f.concurrency, "concurrency", 1, "sites audited at once")
	fs.IntVar(&f.pages, "pages", 1, "pages per site: the home page and up to N-1 same-site pages it links")
	fs.DurationVar(&f.timeout, "timeout", 20*time.Second, "page load timeout")
	fs.BoolVar(&f.resume, "resume", false, "with --out: skip sites whose report is there with status ok")
	fs.BoolVar(&f.noShots, "no-screenshots", false, "leave screenshots out of the reports")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress and no summary")
}

// parseInterleaved parses flags that may come after positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func runAudit(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "merge" {
		return runAuditMerge(args[1:], stdout, stderr)
	}
	fs := newFlags("audit", stderr)
	var f auditFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: consentguard audit [flags] URL...\n       consentguard audit merge [--json FILE] DIR...\n\nEach site runs in four passes, each in a fresh profile: first visit, GPC, \"reject all\", \"accept all\".\nExit code: 0 done, 1 a site could not be audited, 2 usage, 3 --fail-on met.")
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	urls, err := auditURLs(pos, f.urls)
	if err != nil {
		return &exitError{2, err.Error()}
	}
	if f.shard != "" {
		sh, err := audit.ParseShard(f.shard)
		if err != nil {
			return &exitError{2, "--shard: " + err.Error()}
		}
		urls = sh.Select(urls)
	}
	if f.failOn != "" && audit.SevRank(f.failOn) < 0 {
		return &exitError{2, fmt.Sprintf("--fail-on %q: want info, low, medium or high", f.failOn)}
	}
	if f.html != "" && len(urls) > 1 {
		return &exitError{2, "--html writes one site's report; use --out DIR for several"}
	}
	if f.resume && f.out == "" {
		return &exitError{2, "--resume needs --out DIR"}
	}
	if len(pos) == 0 && f.urls == "" {
		fs.Usage()
		return errUsage
	}
	sc, err := f.scanner(stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var prog io.Writer
	if !f.quiet {
		prog = stderr
	}
	reps, werr := audit.Run(ctx, sc, urls, audit.BatchOptions{Concurrency: f.concurrency, Out: f.out, HTML: f.out != "", Resume: f.resume, Progress: prog, Terminal: isTerminal(stderr)})
	if werr != nil {
		return werr
	}
	if err := f.write(reps); err != nil {
		return err
	}
	if !f.quiet {
		for _, r := range reps {
			audit.Summary(stdout, r)
		}
	}
	return exitFor(reps, f.failOn, ctx.Err())
}

func (f *auditFlags) scanner(stderr io.Writer) (*audit.Scanner, error) {
	sc := &audit.Scanner{Browser: audit.Browser{Chromium: f.chromium, HostRules: f.hostRules, Remote: f.remote}, Timeout: f.timeout, Pages: f.pages, Screenshots: !f.noShots}
	if f.ca != "" {
		spki, err := audit.CASPKI(f.ca)
		if err != nil {
			return nil, &exitError{2, "--ca: " + err.Error()}
		}
		sc.Browser.SPKI = spki
	}
	var ef engineFlags
	eng, _, err := ef.build("audit", stderr)
	if err != nil {
		return nil, err
	}
	sc.Engine = eng
	return sc, nil
}

// write writes --json, --html and the batch summary of --out.
func (f *auditFlags) write(reps []*audit.SiteReport) error {
	if f.out != "" {
		data, err := audit.MarshalJSON(audit.Summarize(reps))
		if err != nil {
			return err
		}
		if err := audit.WriteFileAtomic(filepath.Join(f.out, "batch.json"), data); err != nil {
			return err
		}
	}
	if f.json != "" {
		var v any = audit.Summarize(reps)
		if len(reps) == 1 {
			v = reps[0]
		}
		data, err := audit.MarshalJSON(v)
		if err != nil {
			return err
		}
		if err := audit.WriteFileAtomic(f.json, data); err != nil {
			return err
		}
	}
	if f.html != "" && len(reps) == 1 {
		h, err := audit.HTML(reps[0])
		if err != nil {
			return err
		}
		return audit.WriteFileAtomic(f.html, h)
	}
	return nil
}

// exitFor: 3 when a finding meets --fail-on, 1 when a site failed.
func exitFor(reps []*audit.SiteReport, failOn string, interrupted error) error {
	if interrupted != nil {
		return &exitError{1, "interrupted; finished reports are written"}
	}
	if failOn != "" {
		min := audit.SevRank(failOn)
		for _, r := range reps {
			for _, x := range r.Findings {
				if audit.SevRank(x.Severity) >= min {
					return &exitError{3, fmt.Sprintf("%s: %s finding: %s", r.URL, x.Severity, x.Title)}
				}
			}
		}
	}
	var failed []string
	for _, r := range reps {
		if r.Status != audit.StatusOK {
			failed = append(failed, r.URL)
		}
	}
	if len(failed) > 0 {
		return &exitError{1, fmt.Sprintf("%d of %d sites could not be audited: %s", len(failed), len(reps), strings.Join(failed, ", "))}
	}
	return nil
}

// auditURLs joins the arguments and the --urls file; a bad line names the
// file and line.
func auditURLs(args []string, file string) ([]string, error) {
	urls := append([]string(nil), args...)
	if file != "" {
		fh, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("--urls: %w", err)
		}
		defer fh.Close()
		err = eachLine(fh, func(n int, line string) error {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "#") {
				return nil
			}
			if strings.ContainsAny(line, " \t") {
				return fmt.Errorf("%s:%d: not a URL: %q", file, n, line)
			}
			urls = append(urls, line)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	out := urls[:0]
	for _, u := range urls {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	if len(out) == 0 && file != "" {
		return nil, fmt.Errorf("%s: no URLs", file)
	}
	return out, nil
}

func runAuditMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit merge", stderr)
	jsonOut := fs.String("json", "", "write the batch summary to `FILE` (default: stdout)")
	failOn := fs.String("fail-on", "", "exit 3 when a finding has this `SEVERITY` or higher")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fmt.Fprintln(stderr, "usage: consentguard audit merge [--json FILE] DIR...")
		return errUsage
	}
	if *failOn != "" && audit.SevRank(*failOn) < 0 {
		return &exitError{2, fmt.Sprintf("--fail-on %q: want info, low, medium or high", *failOn)}
	}
	b, reps, err := audit.Merge(pos...)
	if err != nil {
		return err
	}
	data, err := audit.MarshalJSON(b)
	if err != nil {
		return err
	}
	if *jsonOut == "" {
		_, err = stdout.Write(data)
	} else {
		err = audit.WriteFileAtomic(*jsonOut, data)
	}
	if err != nil {
		return err
	}
	return exitFor(reps, *failOn, nil)
}

// isTerminal tells whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
