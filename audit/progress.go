package audit

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress shows a batch's progress: a redrawn bar on a terminal, one line
// per finished site otherwise.
type progress struct {
	w        io.Writer
	terminal bool
	total    int
	t0       time.Time

	mu      sync.Mutex
	count   int
	running int
}

func newProgress(w io.Writer, terminal bool, total int) *progress {
	return &progress{w: w, terminal: terminal, total: total, t0: time.Now()}
}

func (p *progress) start(u string) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running++
	p.draw(u)
}

func (p *progress) done(u string, r *SiteReport, skipped bool) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count++
	if !skipped {
		p.running--
	}
	if p.terminal {
		p.draw(u)
		return
	}
	status := r.Status
	switch {
	case skipped:
		status = "skipped (report exists)"
	case r.Status == StatusError:
		status = "error: " + r.Error
	default:
		status = fmt.Sprintf("ok %.1fs, %d tracker hosts, %d findings", r.Seconds, len(r.Trackers), len(r.Findings))
	}
	fmt.Fprintf(p.w, "[%d/%d] %s %s\n", p.count, p.total, u, status)
}

func (p *progress) draw(u string) {
	if !p.terminal {
		return
	}
	const width = 30
	n := 0
	if p.total > 0 {
		n = p.count * width / p.total
	}
	if len(u) > 40 {
		u = u[:37] + "..."
	}
	fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %d/%d %s %s", strings.Repeat("#", n), strings.Repeat(".", width-n), p.count, p.total, time.Since(p.t0).Round(time.Second), u)
}

func (p *progress) finish() {
	if p.w != nil && p.terminal {
		fmt.Fprintln(p.w)
	}
}
