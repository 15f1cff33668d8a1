package audit

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// maxRequests bounds the requests kept per pass; the rest are counted.
const maxRequests = 5000

// capture records every request of every frame at the browser level: the
// Fetch domain enabled on the browser session pauses each request of every
// target (cross-site iframes and workers included), the capture notes it
// and lets it go on, adding headers when the pass asks for them (Sec-GPC).
type capture struct {
	start   time.Time
	headers map[string]string // added to every request

	mu       sync.Mutex
	reqs     []capturedRequest
	dropped  int
	lastSeen time.Time
	// inflight are the top target's requests not yet finished or failed
	// (page-level Network events; a hint for quiet only).
	inflight map[network.RequestID]bool
	// resumeErrs counts requests the browser refused to continue.
	resumeErrs int
	lastErr    string
}

type capturedRequest struct {
	at       time.Duration
	url      string
	method   string
	typ      network.ResourceType
	frame    string
	postData string
	sameSite bool
}

// run enables Fetch on the browser and serves paused requests until ctx
// ends. It returns once interception is on.
func (c *capture) run(ctx context.Context) error {
	events := chromedp.BrowserEvents(ctx, fetch.RequestPaused)
	if _, err := chromedp.CallBrowser(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*", RequestStage: fetch.RequestStageRequest}}}); err != nil {
		return err
	}
	c.inflight = map[network.RequestID]bool{}
	if err := chromedp.Listen(ctx, c.onNetwork); err != nil {
		return err
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		return err
	}
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			c.note(ev)
			go c.resume(ctx, ev)
		}
	}()
	return nil
}

func (c *capture) note(ev fetch.EventRequestPaused) {
	if ev.Request == nil {
		return
	}
	u := ev.Request.URL + ev.Request.URLFragment
	var post strings.Builder
	for _, e := range ev.Request.PostDataEntries {
		if e != nil && post.Len() < 1<<16 {
			post.Write(e.Bytes)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastSeen = time.Now()
	if len(c.reqs) >= maxRequests {
		c.dropped++
		return
	}
	c.reqs = append(c.reqs, capturedRequest{
		at: time.Since(c.start), url: u, method: ev.Request.Method, typ: ev.ResourceType,
		frame: string(ev.FrameID), postData: post.String(), sameSite: ev.Request.IsSameSite,
	})
}

func (c *capture) resume(ctx context.Context, ev fetch.EventRequestPaused) {
	p := fetch.ContinueRequestParams{RequestID: ev.RequestID}
	if len(c.headers) > 0 && ev.Request != nil && isHTTP(ev.Request.URL) {
		for k, v := range ev.Request.Headers {
			if s, ok := v.(string); ok {
				p.Headers = append(p.Headers, &fetch.HeaderEntry{Name: k, Value: s})
			}
		}
		for k, v := range c.headers {
			p.Headers = append(p.Headers, &fetch.HeaderEntry{Name: k, Value: v})
		}
	}
	if _, err := chromedp.CallBrowser(ctx, fetch.ContinueRequest, p); err != nil && ctx.Err() == nil {
		c.mu.Lock()
		c.resumeErrs++
		c.lastErr = err.Error()
		c.mu.Unlock()
	}
}

func isHTTP(u string) bool {
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}

// snapshot returns the requests so far and the count dropped.
func (c *capture) snapshot() ([]capturedRequest, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]capturedRequest(nil), c.reqs...), c.dropped
}

// onNetwork follows the top target's requests (runs in the tab's reader).
func (c *capture) onNetwork(ev any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		c.inflight[e.RequestID] = true
	case *network.EventLoadingFinished:
		delete(c.inflight, e.RequestID)
	case *network.EventLoadingFailed:
		delete(c.inflight, e.RequestID)
	default:
		return
	}
	c.lastSeen = time.Now()
}

// quiet waits until no request started or ended for d and none of the top
// target is in flight (or nothing changed for 4d: a long poll), at most max.
func (c *capture) quiet(ctx context.Context, d, max time.Duration) {
	end := time.Now().Add(max)
	for time.Now().Before(end) && ctx.Err() == nil {
		c.mu.Lock()
		idle, open := time.Since(c.lastSeen), len(c.inflight)
		c.mu.Unlock()
		if idle >= d && (open == 0 || idle >= 4*d) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Hostname())
}
