//go:build !js

// Example uses New's native transport (nil), which js/wasm does not have
// (the Worker passes its fetch transport).

package edge_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"

	"github.com/consentguard/consentguard/edge"
	"github.com/consentguard/consentguard/edge/demo"
	"github.com/consentguard/consentguard/policylists"
)

// Example puts the proxy in front of the demo site and fetches its home
// page as a visitor who has not chosen yet.
func Example() {
	origin := httptest.NewServer(demo.Origin())
	defer origin.Close()
	eng, err := policylists.Default()
	if err != nil {
		panic(err)
	}
	cfg := edge.Config{
		Origin: origin.URL,
		Sites:  []string{"harbor.example", "www.harbor.example"},
		Secret: "n8Vq2xYh0RzK4tLwPj7sUe3c",
		Banner: edge.Banner{Enabled: true},
	}
	proxy, err := edge.New(cfg, eng, nil, edge.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest("GET", "http://harbor.example/", nil)
	rec := httptest.NewRecorder()
	proxy.ServeHTTP(rec, req)
	page := rec.Body.String()
	fmt.Println("status:", rec.Code)
	fmt.Println("Meta pixel removed:", !strings.Contains(page, "fbq('init'"))
	fmt.Println("CMP kept:", strings.Contains(page, "otSDKStub.js"))
	fmt.Println("banner:", strings.Contains(page, `role="dialog"`))
	fmt.Println("tracker cookies removed:", len(rec.Result().Header.Values("Set-Cookie")) == 1)
	// Output:
	// status: 200
	// Meta pixel removed: true
	// CMP kept: true
	// banner: true
	// tracker cookies removed: true
}

// Example_consent reads the visitor's consent from ConsentPath: JSON for
// a script, the consent form (here in French) for a browser, which the
// "Privacy choices" control links to.
func Example_consent() {
	eng, err := policylists.Default()
	if err != nil {
		panic(err)
	}
	cfg := edge.Config{
		Origin: "http://127.0.0.1:8080",
		Sites:  []string{"harbor.example"},
		Secret: "n8Vq2xYh0RzK4tLwPj7sUe3c",
		Banner: edge.Banner{Enabled: true, PolicyURL: "/privacy"},
	}
	proxy, err := edge.New(cfg, eng, nil, edge.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest("GET", "http://harbor.example"+edge.ConsentPath, nil)
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	proxy.ServeHTTP(rec, req)
	fmt.Print(rec.Body.String())

	req = httptest.NewRequest("GET", "http://harbor.example"+edge.ConsentPath+"?return=/shop", nil)
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Accept-Language", "fr-CH, fr;q=0.9, en;q=0.8")
	rec = httptest.NewRecorder()
	proxy.ServeHTTP(rec, req)
	page := rec.Body.String()
	fmt.Println(rec.Header().Get("Content-Language"), strings.Contains(page, `<button type="submit" name="action" value="reject">Tout refuser</button>`),
		strings.Contains(page, `<input type="hidden" name="return" value="/shop">`))
	// Output:
	// {"dnt":false,"gpc":false,"granted":["necessary","consent"],"recorded":false,"source":"default"}
	// fr true true
}
