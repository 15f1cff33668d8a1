//go:build !guard

package embed

import (
	"strconv"
	"strings"
)

// The extension's core (built with -tags guard) offers CSS and the
// placeholder markup only: it has no use for Script, whose initialiser (a
// strings.Replacer over the template) would run at every start.

// Script is the JavaScript (without <script> tags) that installs CSS and
// restores a placeholder's embed when one of its buttons is clicked: "Load
// this once" puts the original element back; "Always allow" first reads
// the visitor's choice from ConsentPath (GET, JSON), adds the embed's
// category, saves it (POST action=save, one c= per category), then restores
// every placeholder of that category on the page. Once per page: a second
// copy does nothing. It is safe inside an HTML <script> element.
var Script = strings.NewReplacer("__CSS__", strconv.Quote(CSS), "__URL__", strconv.Quote(ConsentPath)).Replace(scriptTemplate)
