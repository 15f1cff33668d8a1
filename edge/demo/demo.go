// Package demo is the bundled demo site behind `make demo`: a small shop
// whose pages carry the tag snippets real sites paste in (Google tag and
// GTM, Meta pixel with its noscript image, TikTok, LinkedIn Insight,
// Hotjar, Clarity, Bing UET, Matomo, HubSpot, Segment, a YouTube embed, a
// reCAPTCHA script, OneTrust and Cookiebot with gated scripts), and a
// catch-all server that answers every tracker host, so that a browser whose
// DNS maps the trackers to loopback gets real responses.
package demo

import (
	"embed"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

//go:embed pages/*.html
var pages embed.FS

// Page is one demo page.
type Page struct {
	Path, File, Title string
	// CSP is the page's Content-Security-Policy header ("" none).
	CSP string
	// Charset of the page ("utf-8" or "windows-1252").
	Charset string
}

// Pages lists the demo pages.
var Pages = []Page{
	{Path: "/", File: "index.html", Title: "Home: gtag, GTM, Meta pixel, OneTrust, YouTube, reCAPTCHA", Charset: "utf-8"},
	{Path: "/shop", File: "shop.html", Title: "Shop: Cookiebot, TikTok, Hotjar, Clarity, Bing UET, LinkedIn", Charset: "utf-8"},
	{Path: "/journal", File: "journal.html", Title: "Journal (windows-1252): Matomo, HubSpot, Segment", Charset: "windows-1252"},
	{Path: "/contact", File: "contact.html", Title: "Contact: strict CSP with a nonce", Charset: "utf-8",
		CSP: "default-src 'self'; script-src 'self' 'nonce-r4nd0mN0nce' https://www.googletagmanager.com; img-src 'self' data:; object-src 'none'; base-uri 'self'"},
}

// Origin returns the demo site's handler. Pages set a first-party session
// cookie and, like many sites whose server-side tagging writes them, the
// tracker cookies _ga and _fbp (with Expires dates, whose commas a proxy
// must not split on).
func Origin() http.Handler {
	mux := http.NewServeMux()
	for _, p := range Pages {
		p := p
		body, err := pages.ReadFile("pages/" + p.File)
		if err != nil {
			panic(err) // embedded at build time
		}
		pattern := "GET " + p.Path
		if p.Path == "/" {
			pattern += "{$}"
		}
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Type", "text/html; charset="+p.Charset)
			if p.CSP != "" {
				h.Set("Content-Security-Policy", p.CSP)
			}
			h.Add("Set-Cookie", "session=s3ss10n; Path=/; HttpOnly; SameSite=Lax")
			h.Add("Set-Cookie", "_ga=GA1.1.123456789.1764672000; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/; Domain="+cookieDomain(r.Host))
			h.Add("Set-Cookie", "_fbp=fb.1.1764672000.987654321; Expires=Thu, 01 Jan 2027 00:00:00 GMT; Path=/")
			w.Write(body)
		})
	}
	mux.HandleFunc("GET /static/site.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, "body{font-family:Georgia,serif;max-width:48rem;margin:2rem auto;padding:0 1rem}nav a{margin-right:.5rem}\n")
	})
	mux.HandleFunc("GET /static/cart.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, "document.addEventListener('DOMContentLoaded',function(){document.body.setAttribute('data-cart','ready')});\n")
	})
	mux.HandleFunc("GET /static/{img}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/gif")
		w.Write(gif)
	})
	mux.HandleFunc("POST /contact", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Thanks</title></head><body><p>Thanks, we will answer soon.</p></body></html>")
	})
	return mux
}

func cookieDomain(host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	return host
}

// gif is a 1x1 transparent GIF.
var gif = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// TrackerHit is one request the tracker server answered.
type TrackerHit struct {
	Host, Path string
}

// TrackerServer answers any tracker host name (map the hosts to its address
// in the browser or with a custom dialer) and records what it was asked.
type TrackerServer struct {
	mu   sync.Mutex
	hits []TrackerHit
}

// Trackers returns a handler for every tracker host: JavaScript for script
// paths (it sets the vendor's cookie from JS, as the real tags do), a 1x1
// GIF for pixels, a small HTML page for frames, 204 for beacons.
func Trackers() http.Handler { return &TrackerServer{} }

// Hits returns the requests answered so far.
func (t *TrackerServer) Hits() []TrackerHit {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]TrackerHit(nil), t.hits...)
}

// ServeHTTP implements http.Handler.
func (t *TrackerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := cookieDomain(r.Host)
	t.mu.Lock()
	t.hits = append(t.hits, TrackerHit{Host: host, Path: r.URL.Path})
	t.mu.Unlock()
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", "no-store")
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost, strings.Contains(p, "collect"), strings.HasSuffix(p, "/g/collect"):
		w.WriteHeader(http.StatusNoContent)
	case strings.HasSuffix(p, ".js") || strings.Contains(p, "/gtag/js") || strings.Contains(p, "gtm.js") ||
		strings.Contains(p, "/tag/") || strings.Contains(p, "/pixel/") || strings.HasSuffix(p, "/uwt.js") || strings.Contains(p, "api.js"):
		h.Set("Content-Type", "text/javascript")
		fmt.Fprintf(w, "/* demo tracker %s%s */\n(function(){try{document.cookie='_demo_%s=1; path=/';window.__demoTrackers=(window.__demoTrackers||[]).concat(%q)}catch(e){}})();\n",
			host, p, strings.NewReplacer(".", "_", "-", "_").Replace(host), host)
	case strings.HasPrefix(p, "/embed/") || strings.HasSuffix(p, ".html"):
		h.Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!DOCTYPE html><html><body style=\"margin:0;background:#222;color:#eee;font:14px sans-serif\"><p>embedded content from %s</p></body></html>", host)
	default:
		h.Set("Content-Type", "image/gif")
		w.Write(gif)
	}
}
