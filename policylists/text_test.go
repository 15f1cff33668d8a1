package policylists

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	elf := append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...)
	for _, tt := range []struct {
		name string
		data []byte
		why  string // "" = text
	}{
		{"abp", []byte("! comment\n||a.example^\n"), ""},
		{"empty", nil, ""},
		{"latin-1", []byte("! caf\xe9\n||caf\xe9.example^\n"), ""},
		{"crlf and tabs", []byte("[a] A\r\ncategory\tanalytics\r\n\f"), ""},
		{"ansi colours", []byte("\x1b[31m||a.example^\x1b[0m\n"), ""},
		{"elf", elf, "NUL byte at byte 7"},
		{"nul late", append([]byte(strings.Repeat("||a.example^\n", 1000)), 0), "NUL byte at byte 13000"},
		{"control bytes", []byte("\x01\x02\x03abc\n"), "control bytes"},
		{"one stray control byte in much text", []byte(strings.Repeat("||a.example^\n", 10) + "\x01"), ""},
	} {
		err := CheckText("dir/"+tt.name, tt.data)
		switch {
		case tt.why == "" && err != nil:
			t.Errorf("%s: %v, want text", tt.name, err)
		case tt.why != "" && (err == nil || !strings.Contains(err.Error(), tt.why)):
			t.Errorf("%s: %v, want %q", tt.name, err, tt.why)
		case err != nil && (!errors.Is(err, ErrNotText) || !strings.HasPrefix(err.Error(), "dir/"+tt.name+": ")):
			t.Errorf("%s: %v does not match ErrNotText or name the path", tt.name, err)
		}
	}
}

// A binary given as a list is one error, no entries, and is not compiled;
// errors in lists name the path as given.
func TestBinaryListRefused(t *testing.T) {
	bin, err := os.Executable() // this test binary: a real ELF file
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	fr, errs := Check(bin, data, "")
	if fr.Entries != 0 || len(errs) != 1 || !errors.Is(errs[0], ErrNotText) {
		t.Fatalf("Check(binary) = %+v, %d errors (first %v)", fr, len(errs), errs)
	}
	if _, _, err := Build(bin); !errors.Is(err, ErrNotText) || !strings.HasPrefix(err.Error(), bin+": ") {
		t.Errorf("Build(binary): %v, want ErrNotText naming %s", err, bin)
	}
	b := NewBuilder()
	b.Add("x/y/bin", data)
	_, rep, err := b.Build()
	if err != nil || len(rep.Errors) != 1 || !errors.Is(rep.Errors[0], ErrNotText) {
		t.Errorf("Add(binary): %v, %v", err, rep.Errors)
	}
}

func TestErrorsNameThePathGiven(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"bad-abp.txt":   "||ok.example^\n/unclosed[regex/\n",
		"bad-cat.txt":   "[acme] Acme\ncategory analytics\nsource https://acme.example/\nhost acme.example\nhots x.example\n",
		"bad-param.txt": "# params\nutm_source\n!!!\n",
		"bad-tds.json":  `{"trackers":{"a.example":{"default":"sometimes"}}`,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, errs := Check(path, []byte(body), "")
		_, rep, err := Build(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range append(errs, rep.Errors...) {
			if !strings.HasPrefix(e.Error(), path+":") {
				t.Errorf("%s: error %q does not start with the path given", name, e)
			}
		}
		if len(errs) == 0 {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzCheckText(f *testing.F) {
	f.Add([]byte("||a.example^\n"))
	f.Add([]byte("\x7fELF\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := CheckText("f", data)
		if strings.IndexByte(string(data), 0) >= 0 && err == nil {
			t.Fatal("NUL accepted")
		}
		var nt *NotTextError
		if err != nil && (!errors.As(err, &nt) || nt.Offset < 0 || nt.Offset >= len(data)) {
			t.Fatalf("bad error %#v for %d bytes", err, len(data))
		}
		if err == nil {
			Check("f", data, "") // must not panic
		}
	})
}
