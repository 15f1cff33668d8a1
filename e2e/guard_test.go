//go:build e2e

package e2e

import (
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/edge/guard"
)

// guardPage exercises every way a page's JS can reach a tracker after the
// HTML was delivered, plus allowed controls that must still work.
const guardPage = `<!doctype html><html><head><meta charset="utf-8"><script>%GUARD%</script>
<title>guard</title></head><body>
<p id="w0">before</p>
<script>document.write('<script src="https://snap.licdn.com/li.lms-analytics/insight.min.js"><\/script><p id="w">written</p>');</script>
<script>
window.__done = false;
(async function () {
  var s = document.createElement('script'); s.src = 'https://static.hotjar.com/c/hotjar-1.js?sv=6'; document.head.appendChild(s);
  var s2 = document.createElement('script'); s2.setAttribute('src', 'https://connect.facebook.net/en_US/fbevents.js'); document.body.append(s2);
  var s3 = document.createElement('script'); s3.src = '//script.hotjar.com/modules.js'; document.head.insertBefore(s3, document.head.firstChild);
  new Image().src = 'https://www.facebook.com/tr?id=1&ev=img';
  var f = document.createElement('iframe'); f.src = 'https://googleads.g.doubleclick.net/pagead/frame'; document.body.appendChild(f);
  var d = document.createElement('div'); d.innerHTML = '<img src="https://px.ads.linkedin.com/collect?pid=1">'; document.body.appendChild(d);
  try { await fetch('https://www.google-analytics.com/g/collect?v=2&en=fetch', {mode: 'no-cors'}); } catch (e) { window.__fetchBlocked = e.name; }
  var x = new XMLHttpRequest(); x.open('GET', 'https://region1.google-analytics.com/g/collect?en=xhr'); x.send();
  window.__beacon = navigator.sendBeacon('https://www.google-analytics.com/g/collect?en=beacon', 'x');
  document.cookie = "_ga=GA1.1.1.1; path=/";
  document.cookie = "_gid=GA1.1.2; path=/";
  document.cookie = "_hjSessionUser_1=x; path=/";
  document.cookie = "site_pref=1; path=/";
  var a1 = document.createElement('a'); a1.href = '/next'; a1.ping = 'https://www.google-analytics.com/collect?ea=prop'; document.body.appendChild(a1);
  var a2 = document.createElement('a'); a2.setAttribute('ping', '/own https://www.google-analytics.com/collect?ea=attr'); document.body.appendChild(a2);
  var d2 = document.createElement('div'); d2.innerHTML = '<a href="/x" ping="https://www.google-analytics.com/collect?ea=html">x</a><picture><source srcset="https://px.ads.linkedin.com/collect?pid=2&src=source 1x"><img src="https://` + allowedHost + `/pixel.gif"></picture>'; document.body.appendChild(d2);
  var a3 = document.createElement('a'); a3.ping = 'https://` + allowedHost + `/ping'; document.body.appendChild(a3); window.__pingKept = a3.getAttribute('ping');
  var ok = document.createElement('script'); ok.src = 'https://` + allowedHost + `/lib.js'; document.head.appendChild(ok);
  new Image().src = 'https://` + allowedHost + `/pixel.gif';
  try { await fetch('https://` + allowedHost + `/api', {mode: 'no-cors'}); } catch (e) {}
  window.__done = true;
})();
</script>
</body></html>`

var guardSpec = guard.Spec{
	BlockHosts:          []string{"google-analytics.com", "facebook.com", "facebook.net", "hotjar.com", "doubleclick.net", "licdn.com", "linkedin.com"},
	BlockCookies:        []string{"_gid"},
	BlockCookiePrefixes: []string{"_ga", "_hj"},
}

// TestGuardChromium runs the minified guard alone in real Chromium: no
// request added by the page's JS reaches a blocked host (server log), no
// blocked cookie is stored (CDP Storage.getCookies), allowed hosts and
// cookies still work.
func TestGuardChromium(t *testing.T) {
	spec := guardSpec
	if os.Getenv("E2E_GUARD_OFF") != "" {
		spec = guard.Spec{} // proves the test fails without the guard
	}
	page := strings.Replace(guardPage, "%GUARD%", string(guard.Script(spec)), 1)
	w := newWorld(t, map[string]http.Handler{"guard.test": http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.Write([]byte(page))
	})})
	b := newBrowser(t, w)
	b.Navigate(t, w, "https://guard.test/")
	if !Eval[bool](t, b, "window.__done === true") {
		t.Fatalf("test script did not finish")
	}
	w.waitQuiet(500e6, 5e9)

	if hits := w.HitsTo(trackerHosts...); len(hits) > 0 {
		t.Errorf("blocked hosts were reached:%s", hitList(hits))
	}
	var allowed []string
	for _, h := range w.HitsTo(allowedHost) {
		allowed = append(allowed, h.Path)
	}
	for _, p := range []string{"/lib.js", "/pixel.gif", "/api"} {
		if !slices.Contains(allowed, p) {
			t.Errorf("allowed request %s%s was not made (got %q)", allowedHost, p, allowed)
		}
	}
	if got := Eval[string](t, b, "document.getElementById('w') ? document.getElementById('w').textContent : ''"); got != "written" {
		t.Errorf("document.write lost the page's own markup: %q", got)
	}
	if got := Eval[string](t, b, "String(window.__fetchBlocked)"); got != "TypeError" {
		t.Errorf("blocked fetch rejected with %q, want TypeError", got)
	}
	if n := Eval[int](t, b, "document.querySelectorAll('a[ping]').length"); n != 1 {
		t.Errorf("%d links with a ping left, want only the allowed one: %s", n, Eval[string](t, b, "Array.from(document.querySelectorAll('a[ping]')).map(function(a){return a.getAttribute('ping')}).join(' | ')"))
	}
	if got := Eval[string](t, b, "String(window.__pingKept)"); got != "https://"+allowedHost+"/ping" {
		t.Errorf("allowed ping = %q", got)
	}
	if Eval[bool](t, b, "!!document.querySelector('source[srcset]')") {
		t.Errorf("a <picture> source to a tracker kept its srcset")
	}
	if Eval[bool](t, b, "window.__beacon") {
		t.Errorf("blocked sendBeacon returned true")
	}
	var names []string
	for _, c := range b.Cookies(t) {
		names = append(names, c.Name)
	}
	if !slices.Contains(names, "site_pref") {
		t.Errorf("allowed cookie site_pref not stored (cookies %q)", names)
	}
	for _, n := range names {
		if n == "_gid" || strings.HasPrefix(n, "_ga") || strings.HasPrefix(n, "_hj") {
			t.Errorf("blocked cookie %q stored", n)
		}
	}
	n := Eval[int](t, b, "window.__consentguard.blocked.length")
	if n < 10 {
		t.Errorf("guard recorded %d blocked actions, want >= 10: %s", n, Eval[string](t, b, "JSON.stringify(window.__consentguard.blocked)"))
	}
}
