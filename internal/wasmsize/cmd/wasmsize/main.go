// Command wasmsize prints a Go js/wasm module's code size per package
// (`make size`).
package main

import (
	"os"

	"github.com/consentguard/consentguard/internal/wasmsize"
)

func main() { os.Exit(wasmsize.Main(os.Args[1:], os.Stdout, os.Stderr)) }
