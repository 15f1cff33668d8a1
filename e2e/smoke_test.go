//go:build e2e

package e2e

import (
	"compress/gzip"
	"io"
	"net/http"
	"testing"
)

// TestWorkerdBridge runs the pass-through baseline worker (same glue and
// bridge as the edge worker) in workerd: it proves the glue, the fetch
// transport, unsplit Set-Cookie values and instance reuse independently
// of the edge handler.
func TestWorkerdBridge(t *testing.T) {
	o := newOrigin(t)
	dir := buildWorker(t, "./e2e/testdata/passworker")
	w := startWorkerd(t, dir, map[string]string{"ORIGIN": o.URL})

	res, err := client.Get(w.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != trackerPage {
		t.Fatalf("status %d, body identical %v\n%s", res.StatusCode, string(body) == trackerPage, w.Log())
	}
	want := []string{cookieSession, cookieGA, cookieGID, cookieFBP, cookiePrefs}
	got := res.Header.Values("Set-Cookie")
	if len(got) != len(want) {
		t.Fatalf("Set-Cookie = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Set-Cookie[%d] = %q, want %q", i, got[i], want[i])
		}
	}
	// Binary bodies pass untouched; the instance is reused.
	first := res.Header.Get("X-Consentguard-Instance")
	res, err = client.Get(w.URL + "/data.bin")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if len(b) != 200000 || b[4] != 0xff {
		t.Errorf("binary body: %d bytes", len(b))
	}
	second := res.Header.Get("X-Consentguard-Instance")
	if first == "" || first[:len(first)-2] != second[:len(second)-2] || second[len(second)-1] != '2' {
		t.Errorf("instance headers %q then %q: want the same Go instance, count 1 then 2", first, second)
	}
	// Request headers arrive unsplit.
	req, _ := http.NewRequest("GET", w.URL+"/echo", nil)
	req.Header.Set("Accept-Language", "de-DE,de;q=0.9,en;q=0.8")
	req.Header.Set("Sec-GPC", "1")
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	last, _ := o.Last("/echo")
	if got := last.Header.Values("Accept-Language"); len(got) != 1 || got[0] != "de-DE,de;q=0.9,en;q=0.8" {
		t.Errorf("origin got Accept-Language %q", got)
	}
	if last.Header.Get("Sec-GPC") != "1" {
		t.Errorf("origin got no Sec-GPC")
	}
	t.Logf("origin saw Host %q (workerd URL %s): the Workers fetch sends the URL's host", last.Host, w.URL)

	// A gzip origin body: the Workers fetch decodes it, the bridge drops
	// the stale Content-Encoding, the visitor gets a correct body.
	req, _ = http.NewRequest("GET", w.URL+"/gzip", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err = (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var r io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		if r, err = gzip.NewReader(res.Body); err != nil {
			t.Fatalf("Content-Encoding gzip but body is not: %v", err)
		}
	}
	b, err = io.ReadAll(r)
	res.Body.Close()
	if err != nil || string(b) != trackerPage {
		t.Errorf("gzip origin: Content-Encoding %q, body correct %v (%v)", res.Header.Get("Content-Encoding"), string(b) == trackerPage, err)
	}
}
