//go:build e2e

package e2e

import (
	"net/http"
	"testing"
	"time"
)

// TestWorkerdNoSecret: a Worker deployed without SECRET (or with the
// example's placeholder) answers every request with a message naming the
// fix, and logs it, instead of a bare 500.
func TestWorkerdNoSecret(t *testing.T) {
	dir := buildWorker(t, "./edge/worker")
	for name, secret := range map[string]string{"unset": "", "placeholder": "replace-with-32-random-bytes-of-your-own"} {
		t.Run(name, func(t *testing.T) {
			vars := map[string]string{"ORIGIN": "http://127.0.0.1:9", "SITES": siteHost}
			if secret != "" {
				vars["SECRET"] = secret
			}
			w := startWorkerd(t, dir, vars)
			res, body := get(t, w, "/", nil)
			if res.StatusCode != http.StatusInternalServerError || !has(body, "wrangler secret put SECRET") {
				t.Errorf("status %d body %q: want 500 naming `wrangler secret put SECRET`", res.StatusCode, body)
			}
			if secret != "" && has(body, secret) {
				t.Errorf("body echoes the secret: %q", body)
			}
			for i := 0; i < 50 && !has(w.Log(), "wrangler secret put SECRET"); i++ {
				time.Sleep(20 * time.Millisecond) // workerd's log lags the response
			}
			if !has(w.Log(), "wrangler secret put SECRET") {
				t.Errorf("worker log does not name the fix:\n%s", w.Log())
			}
		})
	}
}
