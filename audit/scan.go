package audit

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/consentguard/consentguard/wasm/engine"
	"github.com/consentguard/consentguard/wasm/site"
)

//go:embed instrument.js
var instrumentJS string

//go:embed banner.js
var bannerJS string

// keyMarker is typed into the page's inputs in the first pass; a request
// carrying it is key logging.
const keyMarker = "cgkeylog7q9z"

// Scanner audits sites.
type Scanner struct {
	Browser Browser
	Engine  *engine.Engine
	// Timeout bounds one page load (default 20s); a page still loading
	// then is recorded as it is, with the error in the pass.
	Timeout time.Duration
	// Settle is how long the network must be quiet after a load (default 700ms).
	Settle time.Duration
	// Pages is how many pages per pass: the home page and up to Pages-1
	// same-site pages linked from it (default 1).
	Pages int
	// Screenshots keeps PNG screenshots in the report.
	Screenshots bool
}

func (s *Scanner) timeout() time.Duration {
	if s.Timeout <= 0 {
		return 20 * time.Second
	}
	return s.Timeout
}

func (s *Scanner) settle() time.Duration {
	if s.Settle <= 0 {
		return 700 * time.Millisecond
	}
	return s.Settle
}

// passRun is the state of one pass while it runs.
type passRun struct {
	s      *Scanner
	ctx    context.Context
	name   string
	cap    *capture
	pass   Pass
	marks  []int // index in cap.reqs where after-choice starts (-1: none)
	choice int
	home   string
	html   string // home page HTML (first pass)
	shots  map[string][]byte

	policy      *PolicyReport
	pageTitle   string
	siteSignals Signals
}

// Site audits one site: the four passes, each in a fresh profile. A site
// that cannot be loaded gives a report with Status error; it never panics
// the batch.
func (s *Scanner) Site(ctx context.Context, raw string) *SiteReport {
	start := time.Now()
	r := &SiteReport{Schema: SchemaVersion, URL: raw, Started: start.UTC(), Status: StatusOK, Findings: []Finding{}, Trackers: []TrackerHost{}}
	defer func() { r.Seconds = time.Since(start).Seconds() }()
	u, err := parseSiteURL(raw)
	if err != nil {
		r.Status, r.Error = StatusError, err.Error()
		return r
	}
	var pages []string
	for _, name := range Passes {
		pr := &passRun{s: s, name: name, choice: -1, shots: map[string][]byte{}}
		pr.run(ctx, u.String(), pages)
		if name == PassFirst {
			if pr.pass.Error != "" && len(pr.pass.Requests) == 0 || isFatal(pr.pass.Error) {
				r.Status, r.Error = StatusError, pr.pass.Error
				r.Passes = append(r.Passes, pr.pass)
				return r
			}
			r.FinalURL = pr.pass.FinalURL
			r.Site = site.Domain(hostOf(r.FinalURL))
			r.Title = pr.title()
			pages = pr.pass.Pages
			r.Signals = pr.siteSignals
			r.Policy = pr.policy
			if s.Screenshots {
				r.Screenshots = map[string][]byte{}
			}
		}
		if s.Screenshots {
			for k, v := range pr.shots {
				r.Screenshots[k] = v
			}
		}
		r.Passes = append(r.Passes, pr.pass)
		if ctx.Err() != nil {
			r.Status, r.Error = StatusError, "interrupted: "+ctx.Err().Error()
			break
		}
	}
	r.Trackers = unionTrackers(r.Passes)
	r.Findings = Findings(r)
	return r
}

// isFatal tells pass errors after which the other passes cannot do better.
func isFatal(e string) bool {
	for _, s := range []string{"net::ERR_NAME_NOT_RESOLVED", "net::ERR_CONNECTION_REFUSED", "net::ERR_CERT", "net::ERR_TOO_MANY_REDIRECTS", "net::ERR_SSL", "net::ERR_ADDRESS_UNREACHABLE", "start chromium", "remote browser", "chromium not found"} {
		if strings.Contains(e, s) {
			return true
		}
	}
	return false
}

func parseSiteURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("empty URL")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("bad URL %q: scheme %q (want http or https)", raw, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("bad URL %q: no host", raw)
	}
	return u, nil
}

func (pr *passRun) title() string {
	if pr.pageTitle != "" {
		return pr.pageTitle
	}
	return ""
}

// unionTrackers merges the passes' tracker hosts.
func unionTrackers(passes []Pass) []TrackerHost {
	m := map[string]*TrackerHost{}
	for _, p := range passes {
		for _, t := range p.TrackerHosts {
			u := m[t.Host]
			if u == nil {
				u = &TrackerHost{Host: t.Host, Category: t.Category, Vendor: t.Vendor}
				m[t.Host] = u
			}
			u.Requests += t.Requests
			u.Passes = append(u.Passes, p.Name)
		}
	}
	out := make([]TrackerHost, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Host < out[j].Host })
	return out
}

// navigate loads u, waiting for its load event at most the timeout. A page
// that does not finish loading is kept as it is: the error says so.
func (pr *passRun) navigate(u string) error {
	ctx, cancel := context.WithTimeout(pr.ctx, pr.s.timeout())
	defer cancel()
	err := chromedp.Do(ctx, chromedp.Navigate(u))
	var le *chromedp.LoadError
	switch {
	case err == nil:
	case errors.As(err, &le):
		return fmt.Errorf("load %s: %s", u, le.ErrorText)
	case errors.Is(err, context.DeadlineExceeded) && pr.ctx.Err() == nil:
		// stop the load so the pass can read the page
		chromedp.Call(pr.ctx, page.StopLoading, cdp.Empty{})
		return fmt.Errorf("load %s: did not finish loading within %s", u, pr.s.timeout())
	default:
		return fmt.Errorf("load %s: %w", u, err)
	}
	pr.cap.quiet(pr.ctx, pr.s.settle(), pr.s.timeout())
	return nil
}
