// Command snapshot writes the binary snapshot of the embedded lists that the
// extension's core decodes at start-up (policylists.Snapshot):
//
//	go run ./policylists/cmd/snapshot -o policylists/snapshot/guard.snap
//
// It is run by `go generate ./policylists` and `make wasm`.
package main

import (
	"os"

	"github.com/consentguard/consentguard/policylists/cmd/snapshot/internal/snap"
)

func main() { os.Exit(snap.Main(os.Args[1:], os.Stdout, os.Stderr)) }
