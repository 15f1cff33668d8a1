//go:build !wasm

package filter

import "strings"

// contains reports whether p occurs in s (strings.Contains: vector code).
func contains(s, p string) bool { return strings.Contains(s, p) }
