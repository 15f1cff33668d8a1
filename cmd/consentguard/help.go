package main

import (
	"flag"
	"fmt"
	"io"
)

// isHelp reports whether a is a request for usage.
func isHelp(a string) bool {
	return a == "-h" || a == "--help" || a == "-help" || a == "help"
}

// subcommands lists, per command, the subcommands it dispatches on its first
// argument (so that the help test reaches every one of them).
var subcommands = map[string][]string{}

// registerSubs records parent's subcommands.
func registerSubs(parent string, subs ...string) { subcommands[parent] = subs }

// dispatchUsage handles a command with subcommands called with no argument
// (usage, exit 2) or with -h/--help (usage, exit 0). ok is false when args
// name a subcommand to run.
func dispatchUsage(args []string, stderr io.Writer, usage string) (err error, ok bool) {
	switch {
	case len(args) == 0:
		fmt.Fprintln(stderr, usage)
		return errUsage, true
	case isHelp(args[0]):
		fmt.Fprintln(stderr, usage)
		fmt.Fprintln(stderr, "\nRun 'consentguard "+firstWord(usage)+" <subcommand> -h' for its flags.")
		return flag.ErrHelp, true
	}
	return nil, false
}

// firstWord returns the command name in "usage: consentguard NAME ...".
func firstWord(usage string) string {
	var name string
	fmt.Sscanf(usage, "usage: consentguard %s", &name)
	return name
}
