package edge

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"slices"
	"strings"
	"testing"
	"time"
)

// streamingOrigin sends the head of a page at once and its body over about
// a second (ten parts 100 ms apart), as a server rendering while it sends.
func streamingOrigin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Streaming</title>`+
			`<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST"></script>`+
			`<link rel="stylesheet" href="/site.css"></head><body><header><h1>Harbor</h1></header>`)
		w.(http.Flusher).Flush()
		for i := 0; i < 10; i++ {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			io.WriteString(w, "<section><p>"+strings.Repeat("Coffee roasted by the harbour. ", 100)+"</p></section>")
			w.(http.Flusher).Flush()
		}
		io.WriteString(w, "</body></html>")
	})
}

// ttfb requests url and returns the time to the first response byte; the
// rest of the body is not waited for.
func ttfb(b *testing.B, c *http.Client, url, host string) time.Duration {
	var first time.Time
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotFirstResponseByte: func() { first = time.Now() }})
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Host = host
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var one [1]byte
	if _, err := io.ReadFull(resp.Body, one[:]); err != nil {
		b.Fatal(err)
	}
	cancel()
	resp.Body.Close()
	return first.Sub(start)
}

// BenchmarkStreamingTTFB measures the time to first byte that the proxy
// adds on an origin that sends its head at once and its body over a
// second: each iteration asks the origin directly and through the proxy
// (loopback HTTP, a fresh connection each time) and reports the medians
// and their difference (added-ms, the figure in the README), with the
// default streaming and with Config.Hold (50 ms).
func BenchmarkStreamingTTFB(b *testing.B) {
	origin := httptest.NewServer(streamingOrigin())
	defer origin.Close()
	for _, hold := range []time.Duration{0, 50 * time.Millisecond} {
		name := "stream"
		if hold > 0 {
			name = "hold-50ms"
		}
		b.Run(name, func(b *testing.B) {
			cfg := Config{Origin: origin.URL, Sites: []string{"harbor.example"}, Secret: testSecret,
				Banner: Banner{Enabled: true}, Hold: Duration(hold)}
			quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
			p, err := New(cfg, testEngine(b), nil, Options{Log: quiet})
			if err != nil {
				b.Fatal(err)
			}
			proxy := httptest.NewServer(p)
			defer proxy.Close()
			c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			var direct, through []time.Duration
			b.ResetTimer()
			for range b.N {
				direct = append(direct, ttfb(b, c, origin.URL+"/", "harbor.example"))
				through = append(through, ttfb(b, c, proxy.URL+"/", "harbor.example"))
			}
			b.StopTimer()
			md, mp := median(direct), median(through)
			b.ReportMetric(float64(md.Microseconds())/1000, "direct-ms")
			b.ReportMetric(float64(mp.Microseconds())/1000, "proxy-ms")
			b.ReportMetric(float64((mp-md).Microseconds())/1000, "added-ms")
		})
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
