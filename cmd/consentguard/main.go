// Command consentguard is the one CLI: classify requests and cookies, check
// and fetch lists, benchmark the engine, run the proxy and the demo.
package main

import "os"

func main() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) }
