package main

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/filter"
)

//go:embed sample-page.tsv
var samplePage string

// demoRequests prints how the embedded lists classify a built-in news
// page's requests under three consent states (consentguard demo --requests).
func demoRequests(stdout io.Writer) error {
	eng, err := policylists.Default()
	if err != nil {
		return err
	}
	const page = "https://news.example/article"
	states := []struct {
		name string
		st   consent.State
	}{
		{"no consent", consent.State{}},
		{"analytics", consent.State{Granted: consent.SetOf(consent.Analytics), Recorded: true}},
		{"all + GPC", consent.State{Granted: consent.All, GPC: true, Recorded: true}},
	}
	fmt.Fprintf(stdout, "Requests of %s, decided on the embedded lists:\n\n", page)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "URL\tTYPE\tCATEGORY\tVENDOR")
	for _, s := range states {
		fmt.Fprintf(tw, "\t%s", strings.ToUpper(s.name))
	}
	fmt.Fprintln(tw)
	blocked := make([]int, len(states))
	total := 0
	sc := bufio.NewScanner(strings.NewReader(samplePage))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		u, typ, _ := strings.Cut(line, "\t")
		t, _ := filter.ParseType(typ)
		total++
		c := eng.Classify(u, page, t)
		vendor := c.Vendor
		if vendor == "" {
			vendor = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s", shorten(u, 60), typ, c.Category, vendor)
		for i, s := range states {
			d := eng.Decide(u, page, t, s.st)
			if d.Action.String() == "block" {
				blocked[i]++
			}
			fmt.Fprintf(tw, "\t%s", d.Action)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintln(stdout)
	for i, s := range states {
		fmt.Fprintf(stdout, "%-11s %2d of %d requests blocked\n", s.name+":", blocked[i], total)
	}
	return nil
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
