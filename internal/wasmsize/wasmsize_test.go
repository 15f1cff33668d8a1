package wasmsize

import (
	"strings"
	"testing"
)

func section(id byte, body []byte) []byte {
	return append(append([]byte{id}, leb(uint64(len(body)))...), body...)
}

func leb(v uint64) []byte {
	var out []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(out, c)
		}
		out = append(out, c|0x80)
	}
}

func str(s string) []byte { return append(leb(uint64(len(s))), s...) }

// module builds a module with one imported function and two defined ones
// named in a name section.
func module() []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	imp := append(leb(1), str("go")...)
	imp = append(imp, str("debug")...)
	imp = append(imp, 0, 0) // func, type 0
	m = append(m, section(2, imp)...)
	code := leb(2)
	code = append(code, append(leb(3), 0, 0x01, 0x0b)...)
	code = append(code, append(leb(5), 0, 0x01, 0x01, 0x01, 0x0b)...)
	m = append(m, section(10, code)...)
	m = append(m, section(11, append(leb(0), 1, 2, 3))...)
	names := leb(3)
	names = append(names, append(leb(0), str("go_debug")...)...)
	names = append(names, append(leb(1), str("encoding_json.__decodeState_.object")...)...)
	names = append(names, append(leb(2), str("github.com_consentguard_consentguard_wasm_site.Domain")...)...)
	custom := append(str("name"), 1)
	custom = append(custom, leb(uint64(len(names)))...)
	custom = append(custom, names...)
	return append(m, section(0, custom)...)
}

func TestParse(t *testing.T) {
	m, err := Parse(module())
	if err != nil {
		t.Fatal(err)
	}
	if m.Imported != 1 || len(m.Funcs) != 2 {
		t.Fatalf("imported %d, funcs %d", m.Imported, len(m.Funcs))
	}
	rows := m.Rows()
	if len(rows) != 2 || rows[0].Package != "github.com/consentguard/consentguard/wasm/site" || rows[0].Code != 5 ||
		rows[1].Package != "encoding/json" || rows[1].Code != 3 {
		t.Errorf("rows = %+v", rows)
	}
	var b strings.Builder
	Write(&b, m, 1)
	if !strings.Contains(b.String(), "(1 more packages)") || !strings.Contains(b.String(), "sections: code") {
		t.Errorf("table:\n%s", b.String())
	}
}

func TestParseErrors(t *testing.T) {
	good := module()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a WebAssembly module"},
		{"html", []byte("<!doctype html>"), "not a WebAssembly module"},
		{"truncated", good[:len(good)-3], "unexpected end"},
	} {
		if _, err := Parse(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestPackage(t *testing.T) {
	for sym, want := range map[string]string{
		"runtime.mallocgc":                                                 "runtime",
		"runtime.__mspan_.init":                                            "runtime",
		"internal_runtime_maps.__Iter_.Init":                               "internal/runtime/maps",
		"slices.heapSortOrdered_go.shape.uint64_":                          "slices",
		"golang.org_x_net_publicsuffix.List":                               "golang.org/x/net/publicsuffix",
		"github.com_consentguard_consentguard_wasm_filter.__Engine_.Match": "github.com/consentguard/consentguard/wasm/filter",
		"go_buildid": "go/buildid",
		"main.main":  "main",
	} {
		if got := Package(sym); got != want {
			t.Errorf("Package(%q) = %q, want %q", sym, got, want)
		}
	}
}

// FuzzParse: any input gives a module or an error, never a panic, and the
// functions found fit in the input.
func FuzzParse(f *testing.F) {
	f.Add(module())
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			return
		}
		total := 0
		for _, fn := range m.Funcs {
			total += len(fn.Body)
		}
		if total > len(data) || m.Code+m.Data+m.Other+8 != len(data) {
			t.Fatalf("sizes do not add up: bodies %d, sections %d+%d+%d, input %d", total, m.Code, m.Data, m.Other, len(data))
		}
		_ = m.Rows()
	})
}
