package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/consentguard/consentguard/policylists"
)

func init() {
	register(command{"lists", "check, show and fetch lists (check FILE..., show, fetch)", runLists})
	registerSubs("lists", "check", "show", "fetch")
}

func runLists(args []string, stdout, stderr io.Writer) error {
	if err, ok := dispatchUsage(args, stderr, "usage: consentguard lists check FILE... | show | fetch [--dir DIR]"); ok {
		return err
	}
	switch args[0] {
	case "check":
		return listsCheck(args[1:], stdout, stderr)
	case "show":
		return listsShow(args[1:], stdout, stderr)
	case "fetch":
		return listsFetch(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "consentguard lists: unknown subcommand %q (check, show, fetch)\n", args[0])
	return errUsage
}

// listsCheck validates each file in its detected format, prints every error
// with file and line, a summary line per file, and fails when any has errors.
func listsCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lists check", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: consentguard lists check [--format F] FILE...\n\nValidates each list; every error names the file and line; exit 1 when a file has errors or is not text.")
		fs.PrintDefaults()
	}
	format := fs.String("format", "", "force the `FORMAT` (catalog, params, snippets, abp, ocd, tds) instead of detecting it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: consentguard lists check [--format F] FILE...")
		return errUsage
	}
	bad := 0
	for _, path := range fs.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", path, err)
			bad++
			continue
		}
		fr, errs := policylists.Check(path, data, policylists.Format(*format))
		if len(errs) == 1 && errors.Is(errs[0], policylists.ErrNotText) {
			fmt.Fprintln(stderr, errs[0]) // one line, not the bytes read as rules
			bad++
			continue
		}
		if len(errs) > 0 {
			// The count heads its own errors on stderr, each on its own
			// line, so that no reader sees a count run into an error.
			bad++
			fmt.Fprintf(stderr, "%s: %s, %d entries, %s:\n", path, fr.Format, fr.Entries, plural(len(errs), "error"))
			for _, e := range errs {
				fmt.Fprintln(stderr, e)
			}
		} else {
			fmt.Fprintf(stdout, "%s: %s, %d entries, ok\n", path, fr.Format, fr.Entries)
		}
		if len(fr.Skipped) > 0 {
			keys := make([]string, 0, len(fr.Skipped))
			for k := range fr.Skipped {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = fmt.Sprintf("%s %d", k, fr.Skipped[k])
			}
			fmt.Fprintf(stdout, "  skipped: %s\n", strings.Join(parts, ", "))
		}
	}
	switch {
	case bad > 0 && fs.NArg() == 1:
		return &exitError{1, ""} // the file's own lines said it
	case bad > 0:
		return &exitError{1, fmt.Sprintf("%d of %d files have errors", bad, fs.NArg())}
	}
	return nil
}

// listsShow prints what the embedded lists hold.
func listsShow(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lists show", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: consentguard lists show\n\nSummarises the embedded lists.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	_, rep, err := policylists.NewBuilder().Build()
	if err != nil {
		return err
	}
	for _, f := range rep.Files {
		fmt.Fprintf(stdout, "%-14s %-9s %5d entries\n", f.Name, f.Format, f.Entries)
	}
	fmt.Fprintf(stdout, "vendors %d, tracker hosts and signatures %d, cookie patterns %d, parameters %d\n",
		rep.Vendors, rep.Trackers, rep.Cookies, rep.Params)
	if len(rep.Errors) > 0 {
		return &exitError{1, fmt.Sprintf("embedded lists have %d errors, first: %v", len(rep.Errors), rep.Errors[0])}
	}
	return nil
}

// Upstream lists and where they live.
var upstream = []struct{ name, url string }{
	{"easylist.txt", "https://easylist.to/easylist/easylist.txt"},
	{"easyprivacy.txt", "https://easylist.to/easylist/easyprivacy.txt"},
	{"open-cookie-database.csv", "https://raw.githubusercontent.com/jkwakman/Open-Cookie-Database/master/open-cookie-database.csv"},
}

func defaultCacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "consentguard", "lists")
	}
	return filepath.Join(os.TempDir(), "consentguard-lists")
}

// listsFetch downloads the upstream lists into a cache directory. Each file is
// validated before it replaces the cached copy, so a failed or garbled
// download never loses a good list.
func listsFetch(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lists fetch", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: consentguard lists fetch [flags]\n\nDownloads EasyList, EasyPrivacy and the Open Cookie Database into the cache;\nclassify, cookies, proxy and demo use the default cache's lists unless --no-upstream.")
		fs.PrintDefaults()
	}
	dir := fs.String("dir", defaultCacheDir(), "cache `DIR`")
	base := fs.String("base-url", "", "fetch every list from `URL`/NAME instead of its upstream (a mirror)")
	timeout := fs.Duration("timeout", 30*time.Second, "per-list download timeout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	client := &http.Client{Timeout: *timeout}
	failed := 0
	for _, u := range upstream {
		src := u.url
		if *base != "" {
			src = strings.TrimRight(*base, "/") + "/" + u.name
		}
		n, err := fetchOne(client, src, filepath.Join(*dir, u.name))
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "%s: %v\n", u.name, explainFetch(err))
			continue
		}
		fmt.Fprintf(stdout, "%s: %d bytes from %s\n", filepath.Join(*dir, u.name), n, src)
	}
	fetchedUsage(stdout, *dir)
	if failed > 0 {
		return &exitError{1, fmt.Sprintf("%d of %d lists not fetched; cached copies in %s are unchanged", failed, len(upstream), *dir)}
	}
	return nil
}

// fetchedUsage says how the lists cached in dir are used.
func fetchedUsage(w io.Writer, dir string) {
	got := fetchedLists(dir)
	if len(got) == 0 {
		return
	}
	if filepath.Clean(dir) == filepath.Clean(defaultCacheDir()) {
		fmt.Fprintln(w, "classify, cookies, proxy and demo use these lists by default (they say so at start; --no-upstream to refuse)")
		return
	}
	args := make([]string, len(got))
	for i, f := range got {
		args[i] = "--list " + f
	}
	fmt.Fprintf(w, "not the default cache (%s): to use these lists, add %s\n", defaultCacheDir(), strings.Join(args, " "))
}

func explainFetch(err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr):
		return "offline? cannot resolve " + dnsErr.Name + " (" + err.Error() + ")"
	case errors.As(err, &opErr):
		return "offline? cannot connect (" + err.Error() + ")"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out (" + err.Error() + ")"
	}
	return err.Error()
}

func fetchOne(client *http.Client, src, dst string) (int, error) {
	resp, err := client.Get(src)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", src, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, fmt.Errorf("GET %s: %w", src, err)
	}
	fr, errs := policylists.Check(dst, data, "")
	if fr.Entries == 0 {
		return 0, fmt.Errorf("GET %s: no entries in the %s format (%d errors), not saved", src, fr.Format, len(errs))
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".fetch-*")
	if err != nil {
		return 0, err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return 0, err
	}
	return len(data), os.Rename(tmp.Name(), dst)
}

// plural writes n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
