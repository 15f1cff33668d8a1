// Package wasmsize attributes a WebAssembly module's bytes to Go packages.
//
// It reads the module's code section and its "name" custom section (kept
// when the module is built without -ldflags=-s) and groups every function
// body by the Go package its symbol name starts with. Data segments cannot
// be attributed to packages (the Go linker writes them as a few large
// segments); they are reported as one row.
package wasmsize

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Row is one package's share of a module.
type Row struct {
	Package string
	Funcs   int
	Code    int // function body bytes
	Gzip    int // gzip -9 of the package's bodies concatenated
}

// Module is what Parse found.
type Module struct {
	Size     int // whole file
	Code     int // code section bytes
	Data     int // data section bytes
	Other    int // every other section
	CodeGzip int // gzip -9 of the code section alone
	DataGzip int // gzip -9 of the data section alone
	Funcs    []Func
	Imported int // imported functions (they precede defined ones in the index space)
}

// Func is one defined function.
type Func struct {
	Name string
	Body []byte
}

type reader struct {
	b   []byte
	off int
}

var errShort = errors.New("unexpected end of module")

func (r *reader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errShort
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *reader) uleb() (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return 0, errors.New("LEB128 value too long")
}

func (r *reader) bytes(n uint64) ([]byte, error) {
	if n > uint64(len(r.b)-r.off) {
		return nil, errShort
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

func (r *reader) name() (string, error) {
	n, err := r.uleb()
	if err != nil {
		return "", err
	}
	s, err := r.bytes(n)
	return string(s), err
}

// Parse reads a module. Errors name the byte offset.
func Parse(b []byte) (*Module, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], []byte("\x00asm")) {
		return nil, errors.New("not a WebAssembly module (no \\0asm magic)")
	}
	m := &Module{Size: len(b)}
	r := &reader{b: b, off: 8}
	var bodies [][]byte
	names := map[uint64]string{}
	for r.off < len(b) {
		start := r.off
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		n, err := r.uleb()
		if err != nil {
			return nil, fmt.Errorf("section at offset %d: %w", start, err)
		}
		sec, err := r.bytes(n)
		if err != nil {
			return nil, fmt.Errorf("section %d at offset %d: %w", id, start, err)
		}
		total := r.off - start
		sr := &reader{b: sec}
		switch id {
		case 2:
			m.Other += total
			if m.Imported, err = importedFuncs(sr); err != nil {
				return nil, fmt.Errorf("import section at offset %d: %w", start, err)
			}
		case 10:
			m.Code += total
			m.CodeGzip = gzipLen(sec)
			if bodies, err = codeBodies(sr); err != nil {
				return nil, fmt.Errorf("code section at offset %d: %w", start, err)
			}
		case 11:
			m.Data += total
			m.DataGzip = gzipLen(sec)
		case 0:
			m.Other += total
			if nm, err := sr.name(); err == nil && nm == "name" {
				if err := funcNames(sr, names); err != nil {
					return nil, fmt.Errorf("name section at offset %d: %w", start, err)
				}
			}
		default:
			m.Other += total
		}
	}
	for i, body := range bodies {
		nm, ok := names[uint64(m.Imported+i)]
		if !ok {
			nm = fmt.Sprintf("func%d", m.Imported+i)
		}
		m.Funcs = append(m.Funcs, Func{Name: nm, Body: body})
	}
	return m, nil
}

func importedFuncs(r *reader) (int, error) {
	n, err := r.uleb()
	if err != nil {
		return 0, err
	}
	funcs := 0
	for i := uint64(0); i < n; i++ {
		if _, err := r.name(); err != nil {
			return 0, err
		}
		if _, err := r.name(); err != nil {
			return 0, err
		}
		kind, err := r.byte()
		if err != nil {
			return 0, err
		}
		switch kind {
		case 0: // func: type index
			funcs++
			_, err = r.uleb()
		case 1: // table: reftype, limits
			if _, err = r.byte(); err == nil {
				err = limits(r)
			}
		case 2: // memory: limits
			err = limits(r)
		case 3: // global: valtype, mut
			if _, err = r.byte(); err == nil {
				_, err = r.byte()
			}
		default:
			return 0, fmt.Errorf("import %d: unknown kind %d", i, kind)
		}
		if err != nil {
			return 0, err
		}
	}
	return funcs, nil
}

func limits(r *reader) error {
	flag, err := r.byte()
	if err != nil {
		return err
	}
	if _, err := r.uleb(); err != nil {
		return err
	}
	if flag&1 != 0 {
		_, err = r.uleb()
	}
	return err
}

func codeBodies(r *reader) ([][]byte, error) {
	n, err := r.uleb()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.b)) {
		return nil, fmt.Errorf("%d bodies in %d bytes", n, len(r.b))
	}
	out := make([][]byte, 0, n)
	for i := uint64(0); i < n; i++ {
		sz, err := r.uleb()
		if err != nil {
			return nil, err
		}
		body, err := r.bytes(sz)
		if err != nil {
			return nil, fmt.Errorf("body %d: %w", i, err)
		}
		out = append(out, body)
	}
	return out, nil
}

func funcNames(r *reader, names map[uint64]string) error {
	for r.off < len(r.b) {
		sub, err := r.byte()
		if err != nil {
			return err
		}
		n, err := r.uleb()
		if err != nil {
			return err
		}
		s, err := r.bytes(n)
		if err != nil {
			return err
		}
		if sub != 1 {
			continue
		}
		sr := &reader{b: s}
		cnt, err := sr.uleb()
		if err != nil {
			return err
		}
		for i := uint64(0); i < cnt; i++ {
			idx, err := sr.uleb()
			if err != nil {
				return err
			}
			nm, err := sr.name()
			if err != nil {
				return err
			}
			names[idx] = nm
		}
	}
	return nil
}

// Package returns the Go package a function name belongs to. Go's linker
// writes names into the wasm name section with '/', '(', ')', '*', '[' and
// ']' replaced by '_' ("encoding_json.__decodeState_.object"), so the import
// path is the part before the first dot (after a leading domain such as
// "github.com_"), with '_' read back as '/'. Names outside any package
// ("go_buildid", "type_.eq...") are returned as they start.
func Package(sym string) string {
	s := sym
	skip := 0
	for _, d := range []string{".com_", ".org_", ".net_", ".io_", ".dev_", ".in_"} {
		if i := strings.Index(s, d); i > 0 && !strings.ContainsAny(s[:i], "._") {
			skip = i + len(d)
			break
		}
	}
	if i := strings.IndexByte(s[skip:], '.'); i >= 0 {
		s = s[:skip+i]
	}
	return strings.ReplaceAll(s, "_", "/")
}

// Rows groups the module's functions by package, largest first.
func (m *Module) Rows() []Row {
	byPkg := map[string]*Row{}
	bodies := map[string]*bytes.Buffer{}
	for _, f := range m.Funcs {
		p := Package(f.Name)
		r := byPkg[p]
		if r == nil {
			r = &Row{Package: p}
			byPkg[p] = r
			bodies[p] = &bytes.Buffer{}
		}
		r.Funcs++
		r.Code += len(f.Body)
		bodies[p].Write(f.Body)
	}
	out := make([]Row, 0, len(byPkg))
	for p, r := range byPkg {
		r.Gzip = gzipLen(bodies[p].Bytes())
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Code != out[j].Code {
			return out[i].Code > out[j].Code
		}
		return out[i].Package < out[j].Package
	})
	return out
}

// GzipLen is the gzip -9 size of b.
func GzipLen(b []byte) int { return gzipLen(b) }

func gzipLen(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}
