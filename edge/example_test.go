package edge_test

import (
	"fmt"
	"net/http"

	"github.com/consentguard/consentguard/edge"
)

// ExampleParseFlags shows the CLI's flags filling a Config.
func ExampleParseFlags() {
	cfg, err := edge.ParseFlags([]string{"--origin", "http://127.0.0.1:8080", "--site", "example.com,www.example.com",
		"--secret", "0123456789abcdef", "--banner"})
	fmt.Println(cfg.Sites, cfg.Banner.Enabled, cfg.FailClosed, err)
	// Output: [example.com www.example.com] true false <nil>
}

var _ http.Handler = (*edge.Proxy)(nil)
