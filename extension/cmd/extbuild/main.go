// Command extbuild builds the browser extension (see package extension/build).
package main

import (
	"os"

	"github.com/consentguard/consentguard/extension/build"
)

func main() { os.Exit(build.Main(os.Args[1:], os.Stdout, os.Stderr)) }
