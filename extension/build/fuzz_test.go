package build

import (
	"bytes"
	"testing"
)

// FuzzClassicScript: any input gives an error or a script that ends by
// assigning the global, with no export left at its end; never a panic.
func FuzzClassicScript(f *testing.F) {
	f.Add([]byte("var a = 1;\nexport {\n  a,\n  a as default\n};\n"))
	f.Add([]byte("import x from 'y';\nexport { x };\n"))
	f.Add([]byte("export {};"))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := ClassicScript(in, "Lib", "fuzz")
		if err != nil {
			return
		}
		if !bytes.Contains(out, []byte("globalThis.Lib = {")) || !bytes.HasSuffix(out, []byte("})();\n")) {
			t.Fatalf("output does not end with the global assignment:\n%s", out)
		}
	})
}
