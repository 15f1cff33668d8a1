//go:build js && wasm

package bridge

import "io"

var ioEOF = io.EOF
