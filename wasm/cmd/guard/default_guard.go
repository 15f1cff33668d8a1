//go:build js && wasm && guard

package main

import (
	"github.com/consentguard/consentguard/policylists/snapshot"
	"github.com/consentguard/consentguard/wasm/engine"
)

// defaultEngine is policylists.Default under -tags guard (the embedded
// snapshot decoded) without linking package policylists.
func defaultEngine() (*engine.Engine, error) { return snapshot.Default() }
