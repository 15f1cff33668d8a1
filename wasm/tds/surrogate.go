package tds

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// ParseSurrogates reads a DuckDuckGo surrogates.txt: blocks separated by a
// blank line, '#' comment lines, each block a header "host/name mime-type"
// followed by the script. The result maps the name (the part after the
// first '/', what TDS rules call "surrogate") to a data: URL of the script.
func ParseSurrogates(data []byte) (map[string]string, []error) {
	out := make(map[string]string)
	var errs []error
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	line := 1
	for _, block := range strings.Split(strings.TrimSpace(text), "\n\n") {
		start := line
		line += strings.Count(block, "\n") + 2
		var lines []string
		for _, l := range strings.Split(block, "\n") {
			if !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			continue
		}
		head := strings.Fields(lines[0])
		if len(head) != 2 || !strings.Contains(head[0], "/") {
			errs = append(errs, fmt.Errorf("surrogates:%d: header %q is not \"host/name mime-type\"", start, lines[0]))
			continue
		}
		name := strings.SplitN(head[0], "/", 3)[1]
		if name == "" || len(lines) < 2 {
			errs = append(errs, fmt.Errorf("surrogates:%d: %q has no name or no body", start, lines[0]))
			continue
		}
		body := strings.Join(lines[1:], "\n")
		out[name] = "data:" + head[1] + ";base64," + base64.StdEncoding.EncodeToString([]byte(body))
	}
	return out, errs
}

// SetSurrogates attaches surrogate scripts (from ParseSurrogates). Without
// them, rules naming a surrogate block.
func (l *List) SetSurrogates(m map[string]string) { l.surrogates = m }
