package policylists

import (
	"bytes"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrNotText is matched (errors.Is) by the error for a file that is not
// text: a binary given where a list was expected.
var ErrNotText = errors.New("not a text file")

// NotTextError says why a file is not a list.
type NotTextError struct {
	Name   string // the path as given
	Offset int    // the first offending byte
	Why    string // "NUL byte", "control bytes"
}

func (e *NotTextError) Error() string {
	return e.Name + ": not a text file (" + e.Why + " at byte " + strconv.Itoa(e.Offset) + "): a list is text, one entry per line"
}

func (e *NotTextError) Is(target error) bool { return target == ErrNotText }

// textSniff is how much of the head is examined for control bytes.
const textSniff = 8000

// (No fmt here: the extension's core links this package and keeps fmt out.)

// CheckText returns a *NotTextError when data is not text: it has a NUL
// byte anywhere, or more than 1% of its first 8,000 bytes are control bytes
// other than tab, newline, form feed, carriage return and escape. Text in
// any ASCII-compatible charset passes.
func CheckText(name string, data []byte) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &NotTextError{Name: name, Offset: i, Why: "NUL byte"}
	}
	head := data[:min(len(data), textSniff)]
	n, first := 0, -1
	for i, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1b || c == 0x7f {
			n++
			if first < 0 {
				first = i
			}
		}
	}
	if n > 0 && n*100 > len(head) {
		return &NotTextError{Name: name, Offset: first, Why: strconv.Itoa(n) + " control bytes in the first " + strconv.Itoa(len(head))}
	}
	return nil
}

// pathError names a list error's file by the path it was given as, where
// the parser named it by its base name.
type pathError struct {
	err  error
	path string
	base string
}

func (e *pathError) Error() string { return e.path + strings.TrimPrefix(e.err.Error(), e.base) }
func (e *pathError) Unwrap() error { return e.err }

// namePaths makes every error of rep that starts with a file's base name
// start with its path as given instead.
func namePaths(rep *Report) {
	for _, f := range rep.Files {
		base := filepath.Base(f.Name)
		if base == f.Name {
			continue
		}
		for i, e := range rep.Errors {
			if strings.HasPrefix(e.Error(), base+":") {
				rep.Errors[i] = &pathError{err: e, path: f.Name, base: base}
			}
		}
	}
}
