package policylists

import (
	"bufio"
	"bytes"
	"strings"
)

// updatedPrefix starts the header line that dates an embedded list:
// "# updated: YYYY-MM-DD", within its first lines.
const updatedPrefix = "# updated:"

// Updated returns the date in a list's "# updated: YYYY-MM-DD" header line
// (looked for in its first 20 lines), or "" when it has none.
func Updated(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for i := 0; i < 20 && sc.Scan(); i++ {
		if rest, ok := strings.CutPrefix(sc.Text(), updatedPrefix); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// Dates returns each embedded list's "# updated:" date by file name.
func Dates() map[string]string {
	out := map[string]string{}
	for name, data := range Files() {
		out[name] = Updated(data)
	}
	return out
}
