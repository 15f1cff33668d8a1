package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/filter"
)

func init() {
	register(command{"classify", "classify requests (URL<TAB>PAGE_URL<TAB>TYPE lines, or one URL) as JSON lines", runClassify})
	register(command{"cookies", "classify cookies (NAME<TAB>DOMAIN lines) as JSON lines", runCookies})
}

// engineFlags are the flags every command that builds an engine shares.
type engineFlags struct {
	lists   listSource
	consent string
	gpc     bool
	dnt     bool
}

func (f *engineFlags) register(fs *flag.FlagSet) {
	f.lists.register(fs)
	fs.StringVar(&f.consent, "consent", "", "granted `CATEGORIES`, comma-separated (default: none granted)")
	fs.BoolVar(&f.gpc, "gpc", false, "the visitor sends Sec-GPC: 1")
	fs.BoolVar(&f.dnt, "dnt", false, "the visitor sends DNT: 1")
}

// build compiles the lists (see listSource.engine) and the consent state.
func (f *engineFlags) build(cmd string, stderr io.Writer) (*engine.Engine, consent.State, error) {
	granted, err := consent.ParseSet(f.consent)
	if err != nil {
		return nil, consent.State{}, &exitError{2, "--consent: " + err.Error()}
	}
	st := consent.State{Granted: granted, GPC: f.gpc, DNT: f.dnt, Recorded: f.consent != ""}
	e, err := f.lists.engine(cmd, stderr)
	return e, st, err
}

type classifyOut struct {
	URL        string `json:"url"`
	Page       string `json:"page"`
	Type       string `json:"type"`
	ThirdParty bool   `json:"third_party"`
	Category   string `json:"category"`
	Vendor     string `json:"vendor"`
	Action     string `json:"action"`
	Rule       string `json:"rule"`
	Reason     string `json:"reason,omitempty"`
	Error      string `json:"error,omitempty"`
}

func runClassify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("classify", stderr)
	var ef engineFlags
	ef.register(fs)
	page := fs.String("page", "", "page `URL` for a single URL given as argument")
	typ := fs.String("type", "other", "resource `TYPE` for a single URL (script, image, xhr, sub_frame, ...)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: consentguard classify [flags] [URL]\n\nWithout URL, reads lines URL<TAB>PAGE_URL<TAB>TYPE on stdin and writes one JSON object per line.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	eng, st, err := ef.build("classify", stderr)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	one := func(u, p, t string) classifyOut {
		out := classifyOut{URL: u, Page: p, Type: t}
		ft, ok := filter.ParseType(t)
		if !ok {
			out.Error = fmt.Sprintf("unknown type %q", t)
			ft = filter.TypeOther
		}
		d := eng.Decide(u, p, ft, st)
		out.ThirdParty = d.ThirdParty
		out.Category = d.Category.String()
		out.Vendor = d.Vendor
		out.Action = d.Action.String()
		out.Rule = d.Rule
		out.Reason = d.Reason
		return out
	}
	if fs.NArg() > 0 {
		for _, u := range fs.Args() {
			if err := enc.Encode(one(u, *page, *typ)); err != nil {
				return err
			}
		}
		return nil
	}
	return eachLine(stdin, func(n int, line string) error {
		f := strings.Split(line, "\t")
		u, p, t := f[0], "", "other"
		if len(f) > 1 {
			p = f[1]
		}
		if len(f) > 2 && f[2] != "" {
			t = f[2]
		}
		out := one(u, p, t)
		if out.Error != "" {
			fmt.Fprintf(stderr, "stdin:%d: %s\n", n, out.Error)
		}
		return enc.Encode(out)
	})
}

type cookieOut struct {
	Name     string `json:"name"`
	Domain   string `json:"domain"`
	Category string `json:"category"`
	Vendor   string `json:"vendor"`
	Action   string `json:"action"`
	Pattern  string `json:"pattern,omitempty"`
}

func runCookies(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("cookies", stderr)
	var ef engineFlags
	ef.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: consentguard cookies [flags] [NAME[@DOMAIN]...]\n\nWithout names, reads lines NAME<TAB>DOMAIN on stdin and writes one JSON object per line.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	eng, st, err := ef.build("cookies", stderr)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	one := func(name, domain string) error {
		m, a, _ := eng.DecideCookie(name, domain, st)
		return enc.Encode(cookieOut{Name: name, Domain: domain, Category: m.Category.String(), Vendor: m.Vendor, Action: a.String(), Pattern: m.Pattern})
	}
	if fs.NArg() > 0 {
		for _, a := range fs.Args() {
			name, domain, _ := strings.Cut(a, "@")
			if err := one(name, domain); err != nil {
				return err
			}
		}
		return nil
	}
	return eachLine(stdin, func(_ int, line string) error {
		name, domain, _ := strings.Cut(line, "\t")
		return one(strings.TrimSpace(name), strings.TrimSpace(domain))
	})
}

// eachLine calls fn with each non-blank line of r (CR LF tolerated, lines up
// to 16 MiB) and its 1-based number; a read error names the line.
func eachLine(r io.Reader, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("stdin:%d: %w", n+1, err)
	}
	return nil
}
