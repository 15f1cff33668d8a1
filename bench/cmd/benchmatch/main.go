// Command benchmatch runs bench.Match; built for js/wasm it measures the
// engine under node:
//
//	GOOS=js GOARCH=wasm go build -o /tmp/bm.wasm ./bench/cmd/benchmatch
//	node $(go env GOROOT)/lib/wasm/wasm_exec_node.js /tmp/bm.wasm \
//	    --requests ../shared/data/requests/requests.jsonl \
//	    --list ../shared/data/lists/easylist.txt --list ../shared/data/lists/easyprivacy.txt
//
// Relative paths are resolved against the current directory (under node
// through its fs module).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/consentguard/consentguard/bench"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	var lists listFlag
	requests := flag.String("requests", "", "requests file (JSON lines of {url,frameUrl,cpt})")
	flag.Var(&lists, "list", "filter list file (repeatable)")
	flag.Parse()
	if *requests == "" || len(lists) == 0 {
		fmt.Fprintln(os.Stderr, "usage: benchmatch --requests FILE --list FILE [--list FILE...]")
		os.Exit(2)
	}
	if err := bench.Match(*requests, lists, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchmatch:", err)
		os.Exit(1)
	}
}
