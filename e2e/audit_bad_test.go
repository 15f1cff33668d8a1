//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentguard/consentguard/audit"
)

// badSites are hostile or broken sites; each must end in a clear outcome in
// its report while the batch goes on.
func badSites() map[string]http.Handler {
	return map[string]http.Handler{
		// never finishes loading: the body stays open
		"slow.example": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<!doctype html><title>Slow</title><p>loading for ever")
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Minute):
			}
		}),
		// redirects to itself for ever
		"loop.example": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			http.Redirect(w, r, "/?n="+strconv.Itoa(n+1), http.StatusFound)
		}),
		// opens 1,000 requests
		"many.example": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/img/") {
				w.Header().Set("Content-Type", "image/gif")
				w.Write([]byte(gif1x1))
				return
			}
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><title>Many</title><script>for(var i=0;i<1000;i++){var m=new Image();m.src='/img/'+i+'.gif';}</script>`)
		}),
		// hostile title and cookie value
		"hostile.example": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><title>&lt;script&gt;alert(1)&lt;/script&gt;</title><script>document.cookie='evil=<img src=x onerror=alert(2)>; path=/';</script><p>hi`)
		}),
	}
}

// TestAuditBadInput: an unreachable site, a TLS error, a page that never
// finishes loading, endless redirects, 1,000 requests and a hostile title
// and cookie, in one batch beside a good site.
func TestAuditBadInput(t *testing.T) {
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<title>wrong cert</title>") }))
	defer other.Close()
	otherPort := other.Listener.Addr().String()[strings.LastIndexByte(other.Listener.Addr().String(), ':')+1:]
	_, s := auditWorld(t, badSites(), "MAP unreachable.example ~NOTFOUND", "MAP badtls.example 127.0.0.1:"+otherPort)
	s.Timeout = 8 * time.Second
	out := t.TempDir()
	urls := []string{"https://unreachable.example/", "https://badtls.example/", "https://slow.example/", "https://loop.example/", "https://many.example/", "https://hostile.example/", "https://compliant.example/", "ftp://nonsense.example/"}
	reps, err := audit.Run(context.Background(), s, urls, audit.BatchOptions{Concurrency: 2, Out: out, HTML: true})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*audit.SiteReport{}
	for _, r := range reps {
		by[r.URL] = r
	}
	if len(by) != len(urls) {
		t.Fatalf("%d reports for %d URLs", len(by), len(urls))
	}
	wantErr := map[string]string{
		"https://unreachable.example/": "ERR_NAME_NOT_RESOLVED",
		"https://badtls.example/":      "ERR_CERT",
		"https://loop.example/":        "ERR_TOO_MANY_REDIRECTS",
		"ftp://nonsense.example/":      `scheme "ftp"`,
	}
	for u, want := range wantErr {
		r := by[u]
		if r.Status != audit.StatusError || !strings.Contains(r.Error, want) {
			t.Errorf("%s: status %s error %q, want error with %q", u, r.Status, r.Error, want)
		}
		if _, err := os.Stat(filepath.Join(out, audit.ReportName(u))); err != nil {
			t.Errorf("%s: no report on disk: %v", u, err)
		}
	}
	slow := by["https://slow.example/"]
	if slow.Status != audit.StatusOK || len(slow.Passes) != 4 || !strings.Contains(slow.Passes[0].Error, "did not finish loading") {
		t.Errorf("slow: status %s, %d passes, first pass error %q", slow.Status, len(slow.Passes), passErr(slow))
	}
	many := by["https://many.example/"]
	n := 0
	if len(many.Passes) > 0 {
		for _, q := range many.Passes[0].Requests {
			if strings.HasPrefix(q.URL, "https://many.example/img/") {
				n++
			}
		}
	}
	// All 1,000 are recorded, or (on a loaded machine) the load timed out
	// and the pass says so, with what was sent until then.
	if many.Status != audit.StatusOK || (n != 1000 && !(n >= 100 && strings.Contains(passErr(many), "did not finish loading"))) {
		t.Errorf("many: status %s, %d of 1000 image requests recorded in the first pass (error %q)", many.Status, n, passErr(many))
	}
	t.Logf("many: %d of 1000 image requests recorded in the first pass; pass error %q", n, passErr(many))
	host := by["https://hostile.example/"]
	if host.Title != "<script>alert(1)</script>" {
		t.Errorf("hostile title read as %q", host.Title)
	}
	h, err := os.ReadFile(filepath.Join(out, strings.TrimSuffix(audit.ReportName(host.URL), ".json")+".html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(h), "<script>alert(1)") || strings.Contains(string(h), "<img src=x") || !strings.Contains(string(h), "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("hostile title or cookie value not escaped in the HTML report")
	}
	if !strings.Contains(string(h), "&lt;img src=x onerror=alert(2)&gt;") {
		t.Error("hostile cookie value missing from the HTML report")
	}
	if by["https://compliant.example/"].Status != audit.StatusOK {
		t.Errorf("the good site after the bad ones: %s", by["https://compliant.example/"].Error)
	}
}

func passErr(r *audit.SiteReport) string {
	if len(r.Passes) == 0 {
		return r.Error
	}
	return r.Passes[0].Error
}
