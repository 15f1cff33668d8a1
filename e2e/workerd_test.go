//go:build e2e

package e2e

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	siteHost   = "shop.example"
	testSecret = "e2e-secret-0123456789abcdef"
)

func edgeVars(origin string) map[string]string {
	return map[string]string{
		"ORIGIN":          origin,
		"SITES":           siteHost + ",www." + siteHost,
		"SECRET":          testSecret,
		"GPC_JSON":        "true",
		"GPC_DATE":        "2026-11-30",
		"BANNER":          "true",
		"INSTANCE_HEADER": "true",
	}
}

// get requests path from the worker with the site's Host.
func get(t testing.TB, w *Workerd, path string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", w.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = siteHost
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatalf("GET %s: body: %v", path, err)
	}
	return res, string(b)
}

// Tags of trackerPage that must be gone without consent, and text that
// must stay.
var (
	gtagTag    = `src="https://www.googletagmanager.com/gtag/js?id=G-TEST123"`
	fbqSnippet = `connect.facebook.net/en_US/fbevents.js`
	fbPixel    = `src="https://www.facebook.com/tr?id=1234567890&ev=PageView"`
	keepParts  = []string{pageText, "<h1>" + pageTitle + "</h1>", "<pre id=\"pre\">  keep   this\n\texactly </pre>", `<script src="/static/app.js"></script>`}
)

func TestWorkerdEdge(t *testing.T) {
	o := newOrigin(t)
	dir := buildWorker(t, "./edge/worker")
	w := startWorkerd(t, dir, edgeVars(o.URL))

	t.Run("no consent", func(t *testing.T) {
		res, body := get(t, w, "/", nil)
		if res.StatusCode != 200 {
			t.Fatalf("status %d\n%s\n%s", res.StatusCode, body, w.Log())
		}
		for _, gone := range []string{gtagTag, fbqSnippet, fbPixel} {
			if has(body, gone) {
				t.Errorf("non-consented tracker kept: %s", gone)
			}
		}
		for _, keep := range keepParts {
			if !has(body, keep) {
				t.Errorf("page content lost: %q", keep)
			}
		}
		// The guard is an external, immutable script the Worker serves.
		m := regexp.MustCompile(`<script src="(/\.consentguard/guard\.[0-9a-f.]+\.js)" integrity="(sha256-[^"]+)"></script>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("runtime guard not referenced")
		}
		gres, guardJS := get(t, w, m[1], nil)
		sum := sha256.Sum256([]byte(guardJS))
		if gres.StatusCode != 200 || !has(guardJS, "__consentguard") || gres.Header.Get("Content-Type") != "text/javascript; charset=utf-8" ||
			gres.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || "sha256-"+base64.StdEncoding.EncodeToString(sum[:]) != m[2] {
			t.Errorf("guard %s: %d %q %q, integrity matches %v", m[1], gres.StatusCode, gres.Header.Get("Content-Type"), gres.Header.Get("Cache-Control"),
				"sha256-"+base64.StdEncoding.EncodeToString(sum[:]) == m[2])
		}
		cookies := res.Header.Values("Set-Cookie")
		if !slices.Contains(cookies, cookieSession) {
			t.Errorf("necessary cookie not intact: got %q, want %q among them", cookies, cookieSession)
		}
		for _, c := range cookies {
			for _, bad := range []string{"_ga=", "_gid=", "_fbp="} {
				if strings.HasPrefix(c, bad) {
					t.Errorf("non-consented Set-Cookie passed: %q", c)
				}
			}
		}
	})

	t.Run("sec-gpc forwarded", func(t *testing.T) {
		_, body := get(t, w, "/", map[string]string{"Sec-GPC": "1"})
		last, ok := o.Last("/")
		if !ok || last.Header.Get("Sec-GPC") != "1" {
			t.Errorf("origin did not receive Sec-GPC: 1 (got %q)", last.Header.Get("Sec-GPC"))
		}
		if !has(body, "globalPrivacyControl") {
			t.Errorf("navigator.globalPrivacyControl not injected for Sec-GPC: 1")
		}
	})

	t.Run("analytics consent", func(t *testing.T) {
		form := url.Values{"action": {"save"}, "c": {"analytics"}}
		req, _ := http.NewRequest("POST", w.URL+"/.consentguard/consent", strings.NewReader(form.Encode()))
		req.Host = siteHost
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://"+siteHost)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("consent POST: status %d", res.StatusCode)
		}
		var consentCookie string
		for _, c := range res.Cookies() {
			if c.Name == "consentguard" {
				consentCookie = c.Name + "=" + c.Value
			}
		}
		if consentCookie == "" {
			t.Fatalf("consent POST set no consentguard cookie: %q", res.Header.Values("Set-Cookie"))
		}
		res, body := get(t, w, "/", map[string]string{"Cookie": consentCookie + "; _ga=GA1.1.5.6; _fbp=fb.1.2"})
		if !has(body, gtagTag) {
			t.Errorf("analytics consented but the gtag script was removed")
		}
		if has(body, fbqSnippet) || has(body, fbPixel) {
			t.Errorf("advertising not consented but the Meta pixel stayed")
		}
		cookies := res.Header.Values("Set-Cookie")
		for _, want := range []string{cookieSession, cookieGA, cookieGID} {
			if !slices.Contains(cookies, want) {
				t.Errorf("consented cookie not intact: want %q in %q", want, cookies)
			}
		}
		// The visitor's stale _fbp is expired (nothing stays behind); the
		// origin's new one is dropped.
		var expired bool
		for _, c := range cookies {
			if strings.HasPrefix(c, "_fbp=") {
				if strings.HasPrefix(c, "_fbp=;") && has(c, "Max-Age=0") {
					expired = true
					continue
				}
				t.Errorf("advertising cookie passed: %q", c)
			}
		}
		if !expired {
			t.Errorf("the visitor's non-consented _fbp was not expired: %q", cookies)
		}
		last, _ := o.Last("/")
		ck := last.Header.Get("Cookie")
		if !has(ck, "_ga=GA1.1.5.6") || has(ck, "_fbp") {
			t.Errorf("Cookie to origin = %q: want _ga kept and _fbp removed", ck)
		}
	})

	t.Run("gpc.json", func(t *testing.T) {
		res, body := get(t, w, "/.well-known/gpc.json", nil)
		var v struct {
			GPC        bool   `json:"gpc"`
			LastUpdate string `json:"lastUpdate"`
		}
		if res.StatusCode != 200 || json.Unmarshal([]byte(body), &v) != nil || !v.GPC || v.LastUpdate != "2026-11-30" {
			t.Errorf("gpc.json: status %d body %q", res.StatusCode, body)
		}
		if ct := res.Header.Get("Content-Type"); !has(ct, "json") {
			t.Errorf("gpc.json Content-Type %q", ct)
		}
	})

	t.Run("websocket refused cleanly", func(t *testing.T) {
		// The Worker cannot splice a connection: a clear 501, and the
		// origin is not asked.
		before := len(o.Requests())
		res, body := get(t, w, "/live", map[string]string{"Connection": "Upgrade", "Upgrade": "websocket",
			"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"})
		if res.StatusCode != http.StatusNotImplemented || !has(body, "upgrade") {
			t.Errorf("WebSocket handshake through the Worker: %d %q", res.StatusCode, body)
		}
		if n := len(o.Requests()) - before; n != 0 {
			t.Errorf("the origin was asked %d times", n)
		}
	})

	t.Run("non-html untouched", func(t *testing.T) {
		res, body := get(t, w, "/data.bin", nil)
		if res.StatusCode != 200 || len(body) != 200000 || body[4] != 0xff {
			t.Errorf("binary: status %d, %d bytes", res.StatusCode, len(body))
		}
	})

	t.Run("gzip origin", func(t *testing.T) {
		_, body := get(t, w, "/gzip", map[string]string{"Accept-Encoding": "gzip"})
		if !has(body, pageText) || has(body, fbPixel) {
			t.Errorf("gzip origin page not rewritten: text %v pixel %v", has(body, pageText), has(body, fbPixel))
		}
	})

	t.Run("foreign host refused", func(t *testing.T) {
		req, _ := http.NewRequest("GET", w.URL+"/", nil)
		req.Host = "evil.example"
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode < 400 {
			t.Errorf("Host evil.example: status %d, want a refusal", res.StatusCode)
		}
	})

	t.Run("concurrent requests share one Go instance", func(t *testing.T) {
		type result struct {
			status   int
			same     bool
			instance string
		}
		ch := make(chan result, 8)
		for range 8 {
			go func() {
				req, _ := http.NewRequest("GET", w.URL+"/data.bin", nil)
				req.Host = siteHost
				res, err := client.Do(req)
				if err != nil {
					ch <- result{}
					return
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				id, _, _ := strings.Cut(res.Header.Get("X-Consentguard-Instance"), "/")
				ch <- result{res.StatusCode, len(b) == 200000, id}
			}()
		}
		ids := map[string]bool{}
		for range 8 {
			r := <-ch
			if r.status != 200 || !r.same {
				t.Errorf("concurrent request: status %d, body intact %v", r.status, r.same)
			}
			ids[r.instance] = true
		}
		if len(ids) != 1 {
			t.Errorf("instances %v: want one", ids)
		}
	})

	t.Run("instance reused", func(t *testing.T) {
		var ids []string
		for range 3 {
			res, _ := get(t, w, "/data.bin", nil)
			id, _, _ := strings.Cut(res.Header.Get("X-Consentguard-Instance"), "/")
			ids = append(ids, id)
		}
		if ids[0] == "" || ids[0] != ids[1] || ids[1] != ids[2] {
			t.Errorf("instances %q: want one Go instance for all requests", ids)
		}
	})
}

func TestWorkerdOriginDown(t *testing.T) {
	port := freePort(t) // nothing listens there
	dir := buildWorker(t, "./edge/worker")
	w := startWorkerd(t, dir, edgeVars("http://127.0.0.1:"+itoa(port)))
	res, body := get(t, w, "/", nil)
	if res.StatusCode != http.StatusBadGateway {
		t.Errorf("origin down: status %d, want 502\n%s", res.StatusCode, body)
	}
	if has(body, pageText) {
		t.Errorf("502 body carries page content")
	}
}

// TestWorkerdOriginSelf: with ORIGIN "self" the Worker fetches each
// request's own URL (as on a route of the site's zone, where Cloudflare sends
// it to the origin server). Here the site's host is the origin's loopback
// address, so the visitor's Host leads to the origin.
func TestWorkerdOriginSelf(t *testing.T) {
	o := newOrigin(t)
	host := strings.TrimPrefix(o.URL, "http://")
	vars := edgeVars("self")
	vars["SITES"] = "127.0.0.1"
	w := startWorkerd(t, buildWorker(t, "./edge/worker"), vars)
	req, _ := http.NewRequest("GET", w.URL+"/?via=self", nil)
	req.Host = host
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !has(string(body), pageText) || has(string(body), fbPixel) {
		t.Fatalf("status %d, page text %v, pixel kept %v\n%s", res.StatusCode, has(string(body), pageText), has(string(body), fbPixel), w.Log())
	}
	last, ok := o.Last("/")
	if !ok || last.Host != host {
		t.Errorf("origin saw Host %q, want the visitor's %q", last.Host, host)
	}
	// Another Host is refused, not fetched.
	req, _ = http.NewRequest("GET", w.URL+"/", nil)
	req.Host = "evil.example"
	before := len(o.Requests())
	if res, err := client.Do(req); err != nil || res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("foreign host: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	if len(o.Requests()) != before {
		t.Errorf("the origin was asked for a foreign host")
	}
}

func TestWorkerdMisconfigured(t *testing.T) {
	dir := buildWorker(t, "./edge/worker")
	w := startWorkerd(t, dir, map[string]string{"ORIGIN": "ftp://x", "SITES": siteHost, "SECRET": testSecret})
	res, body := get(t, w, "/", nil)
	if res.StatusCode != http.StatusInternalServerError || !has(body, "misconfigured") {
		t.Errorf("bad ORIGIN: status %d body %q", res.StatusCode, body)
	}
	for i := 0; i < 50 && !has(w.Log(), "ORIGIN"); i++ {
		time.Sleep(20 * time.Millisecond) // workerd's log lags the response
	}
	if !has(w.Log(), "ORIGIN") {
		t.Errorf("worker log does not name the bad variable:\n%s", w.Log())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}
