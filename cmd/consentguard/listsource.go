package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/engine"
)

// listSource is where a command's lists come from: the embedded lists,
// --list files, and the upstream lists 'lists fetch' cached, used by default.
type listSource struct {
	files      listFlag
	lenient    bool
	noUpstream bool
}

// register adds --list, --lenient and --no-upstream to fs.
func (s *listSource) register(fs *flag.FlagSet) {
	fs.Var(&s.files, "list", "add a list `FILE` (Adblock Plus, Open Cookie Database CSV, TDS JSON or our catalog format); repeatable")
	s.registerModes(fs)
}

// registerModes adds --lenient and --no-upstream (the proxy has its own --list).
func (s *listSource) registerModes(fs *flag.FlagSet) {
	fs.BoolVar(&s.lenient, "lenient", false, "run even when a list has errors (the bad lines are skipped)")
	fs.BoolVar(&s.noUpstream, "no-upstream", false, "do not use the lists 'consentguard lists fetch' cached (default: used when present)")
}

// fetchedLists returns the upstream lists cached in dir, in upstream order.
func fetchedLists(dir string) []string {
	var out []string
	for _, u := range upstream {
		p := filepath.Join(dir, u.name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Size() > 0 {
			out = append(out, p)
		}
	}
	return out
}

// maxListErrors is how many list errors a command prints before "+N more".
const maxListErrors = 20

// engine compiles the embedded lists, the fetched upstream lists (unless
// --no-upstream) and the --list files. It says on stderr which fetched lists
// it uses. A file that is not text is an error; other list errors are
// printed (path:line) and fail the command unless --lenient.
func (s *listSource) engine(cmd string, stderr io.Writer) (*engine.Engine, error) {
	files := append([]string(nil), s.files...)
	if !s.noUpstream {
		dir := defaultCacheDir()
		if fetched := fetchedLists(dir); len(fetched) > 0 {
			names := make([]string, len(fetched))
			for i, f := range fetched {
				st, _ := os.Stat(f)
				names[i] = fmt.Sprintf("%s (fetched %s)", filepath.Base(f), st.ModTime().UTC().Format("2006-01-02"))
			}
			fmt.Fprintf(stderr, "consentguard %s: using fetched lists from %s: %s; --no-upstream to use only the embedded lists\n",
				cmd, dir, strings.Join(names, ", "))
			files = append(fetched, files...)
		}
	}
	if len(files) == 0 {
		return policylists.Default()
	}
	eng, rep, err := policylists.Build(files...)
	if err != nil {
		return nil, err
	}
	if n := len(rep.Errors); n > 0 {
		for i, le := range rep.Errors {
			if i == maxListErrors {
				fmt.Fprintf(stderr, "+%d more list errors (see 'consentguard lists check FILE')\n", n-maxListErrors)
				break
			}
			fmt.Fprintln(stderr, le)
		}
		if !s.lenient {
			return nil, &exitError{1, fmt.Sprintf("%d list errors; fix them, or run with --lenient to skip the bad lines", n)}
		}
		fmt.Fprintf(stderr, "consentguard %s: --lenient: %d bad list lines skipped\n", cmd, n)
	}
	return eng, nil
}

// textFiles refuses the first of files that cannot be read or is not text.
func textFiles(files []string) error {
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := policylists.CheckText(f, data); err != nil {
			return err
		}
	}
	return nil
}
