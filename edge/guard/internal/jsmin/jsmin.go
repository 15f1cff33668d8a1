// Package jsmin minifies the guard template with tdewolff/minify. It is
// used at build time (go generate) and by the test that checks the
// generated file, never by the proxy or the Worker.
package jsmin

import (
	"bytes"
	"errors"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/js"
)

// Placeholder is the global identifier in guard.js replaced by the data
// literal. The minifier leaves unresolved globals unrenamed.
const Placeholder = "__CG_DATA__"

// Template returns the minified template, which keeps Placeholder exactly
// once, followed by a newline.
func Template(src []byte) ([]byte, error) {
	m := minify.New()
	m.Add("application/javascript", &js.Minifier{Version: 2020})
	out, err := m.Bytes("application/javascript", src)
	if err != nil {
		return nil, err
	}
	if bytes.Count(out, []byte(Placeholder)) != 1 {
		return nil, errors.New("the minified template does not keep " + Placeholder + " exactly once")
	}
	return append(bytes.TrimRight(out, "\n"), '\n'), nil
}
