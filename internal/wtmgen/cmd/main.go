// Command wtmgen proposes tracker-list entries from the WhoTracks.me
// database: go run ./internal/wtmgen/cmd --known policylists/trackers.txt
// ../shared/data/lists/whotracksme-trackerdb-2023-01.sql
package main

import (
	"os"

	"github.com/consentguard/consentguard/internal/wtmgen"
)

func main() { os.Exit(wtmgen.Main(os.Args[1:], os.Stdout, os.Stderr)) }
