package wasmsize

import (
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
)

// Main prints the per-package table of one module built without -s:
//
//	wasmsize [-top N] [-min BYTES] FILE.wasm
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wasmsize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	top := fs.Int("top", 40, "rows to print (0: all)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: wasmsize [-top N] FILE.wasm")
		return 2
	}
	b, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "wasmsize:", err)
		return 1
	}
	m, err := Parse(b)
	if err != nil {
		fmt.Fprintf(stderr, "wasmsize: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	if len(m.Funcs) > 0 && m.Funcs[0].Name == "func0" {
		fmt.Fprintf(stderr, "wasmsize: %s has no name section (built with -ldflags=-s?)\n", fs.Arg(0))
		return 1
	}
	Write(stdout, m, *top)
	return 0
}

// Write prints the table: code bytes and gzip -9 per package, then totals.
func Write(w io.Writer, m *Module, top int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "code\tgzip\tfuncs\t package\t")
	rows := m.Rows()
	var restCode, restGz, restN int
	for i, r := range rows {
		if top > 0 && i >= top {
			restCode += r.Code
			restGz += r.Gzip
			restN += r.Funcs
			continue
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t %s\t\n", r.Code, r.Gzip, r.Funcs, r.Package)
	}
	if restN > 0 {
		fmt.Fprintf(tw, "%d\t%d\t%d\t (%d more packages)\t\n", restCode, restGz, restN, len(rows)-top)
	}
	tw.Flush()
	fmt.Fprintf(w, "sections: code %d (gzip -9 %d), data %d (gzip -9 %d), other (names, types, ...) %d; file %d bytes\n",
		m.Code, m.CodeGzip, m.Data, m.DataGzip, m.Other, m.Size)
}
