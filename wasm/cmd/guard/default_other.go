//go:build js && wasm && !guard

package main

import (
	"github.com/consentguard/consentguard/policylists"
	"github.com/consentguard/consentguard/wasm/engine"
)

// defaultEngine is the engine of the embedded lists (`make wasm` builds
// with -tags guard: see default_guard.go).
func defaultEngine() (*engine.Engine, error) { return policylists.Default() }
