//go:build e2e

package e2e

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
	"golang.org/x/net/websocket"
)

// Cookies the origin sets on the tracker page. Expires carries a comma,
// which a naive header splitter breaks.
var (
	cookieSession = "PHPSESSID=s3ss10n; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly; SameSite=Lax"
	cookieGA      = "_ga=GA1.1.111.222; Path=/; Expires=Thu, 22 Oct 2026 07:28:00 GMT"
	cookieGID     = "_gid=GA1.1.333; Path=/; Expires=Thu, 22 Oct 2026 07:28:00 GMT"
	cookieFBP     = "_fbp=fb.1.1700000000.123; Path=/; Expires=Fri, 23 Oct 2026 07:28:00 GMT; SameSite=Lax"
	cookiePrefs   = "lang=de; Path=/"
)

// Marker texts of the tracker page: they must arrive intact.
const (
	pageTitle = "Consentguard Test Shop"
	pageText  = "Fresh coffee beans, roasted weekly — 12,50 € per 500 g."
)

// trackerPage is a shop page with the tags real sites carry: gtag/GA4,
// GTM, the Meta pixel (script, inline snippet and noscript pixel, and a
// srcset candidate), a LinkedIn pixel as a <picture> source, a link with a
// GA ping, resource hints, and a site script that adds Hotjar later.
const trackerPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>` + pageTitle + `</title>
<link rel="preconnect" href="https://www.google-analytics.com">
<link rel="dns-prefetch" href="//connect.facebook.net">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST123"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-TEST123');
</script>
<script>
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
document,'script','https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '1234567890');
fbq('track', 'PageView');
</script>
<script src="/static/app.js"></script>
</head>
<body>
<h1>` + pageTitle + `</h1>
<p id="text">` + pageText + `</p>
<noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=1234567890&ev=PageView&noscript=1"></noscript>
<img src="https://www.facebook.com/tr?id=1234567890&ev=PageView" width="1" height="1" alt="">
<img id="hero" src="/static/hero.gif" srcset="https://www.facebook.com/tr?id=1234567890&ev=ViewContent&src=srcset 1x" alt="">
<picture><source srcset="https://px.ads.linkedin.com/collect/?pid=1234567&fmt=gif&src=picture"><img id="roastery" src="/static/roastery.gif" alt=""></picture>
<p><a id="roast" href="/static/next.html" ping="https://www.google-analytics.com/collect?v=1&t=event&ea=ping">How we roast</a></p>
<pre id="pre">  keep   this
	exactly </pre>
</body>
</html>
`

// appJS is the site's own (bundled, first-party) script: it sets a
// first-party cookie and, later, adds a tracker script the HTML rewriter
// cannot see. The guard must stop that one.
const appJS = `document.cookie = "shop_theme=dark; path=/; max-age=3600";
window.__appLoaded = true;
setTimeout(function () {
  var s = document.createElement("script");
  s.src = "https://static.hotjar.com/c/hotjar-42.js?sv=6";
  document.head.appendChild(s);
  window.__lateInjected = true;
}, 50);`

// OriginRequest is one request the origin received.
type OriginRequest struct {
	Method, Path, Host string
	Header             http.Header
}

// Origin is a loopback origin site recording what it receives.
type Origin struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []OriginRequest
	big  []byte
}

func newOrigin(t testing.TB) *Origin {
	t.Helper()
	o := &Origin{}
	if d, err := os.ReadFile(filepath.Join(fixture.Shared(t), "data", "html", "page-100k.html")); err == nil {
		o.big = d
	} else {
		fixture.Missing(t, err.Error())
	}
	o.Server = httptest.NewServer(http.HandlerFunc(o.serve))
	t.Cleanup(o.Close)
	return o
}

func (o *Origin) serve(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.reqs = append(o.reqs, OriginRequest{Method: r.Method, Path: r.URL.Path, Host: r.Host, Header: r.Header.Clone()})
	o.mu.Unlock()
	switch r.URL.Path {
	case "/", "/index.html":
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		for _, c := range []string{cookieSession, cookieGA, cookieGID, cookieFBP, cookiePrefs} {
			h.Add("Set-Cookie", c)
		}
		h.Set("Cache-Control", "no-store")
		w.Write([]byte(trackerPage))
	case "/gzip":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write([]byte(trackerPage))
		zw.Close()
	case "/page-100k":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(o.big)
	case "/static/app.js":
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(appJS))
	case "/static/hero.gif", "/static/roastery.gif":
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte(gif1x1))
	case "/static/next.html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>next</title><p id=next>How we roast</p>"))
	case "/live":
		// A WebSocket echo (upper-cased): the page's live channel.
		websocket.Handler(func(c *websocket.Conn) {
			var msg string
			for websocket.Message.Receive(c, &msg) == nil {
				websocket.Message.Send(c, strings.ToUpper(msg)+" cookie="+c.Request().Header.Get("Cookie"))
			}
		}).ServeHTTP(w, r)
	case "/data.bin":
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(bytes.Repeat([]byte{0, 1, 2, 3, 0xff}, 40000))
	case "/redirect":
		http.Redirect(w, r, "/index.html", http.StatusFound)
	case "/echo":
		// Echoes the request headers the origin saw (as text).
		w.Header().Set("Content-Type", "text/plain")
		r.Header.Write(w)
	default:
		http.NotFound(w, r)
	}
}

// Requests returns the requests received so far.
func (o *Origin) Requests() []OriginRequest {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]OriginRequest(nil), o.reqs...)
}

// Last returns the last request for path.
func (o *Origin) Last(path string) (OriginRequest, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.reqs) - 1; i >= 0; i-- {
		if o.reqs[i].Path == path {
			return o.reqs[i], true
		}
	}
	return OriginRequest{}, false
}

func has(s, sub string) bool { return strings.Contains(s, sub) }
