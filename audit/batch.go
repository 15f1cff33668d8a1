package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Shard is the part i (0-based) of n of a URL list.
type Shard struct{ I, N int }

// ParseShard reads "i/n" with 0 <= i < n.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want i/n", s)
	}
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("shard %q: want i/n with 0 <= i < n", s)
	}
	return Shard{i, n}, nil
}

// Select returns the URLs of the shard: a URL belongs to shard
// sha256(url) mod n, so the split depends on nothing but the URL and n (not
// the order or the other URLs of the list) and every URL is in exactly one
// shard.
func (s Shard) Select(urls []string) []string {
	if s.N <= 1 {
		return urls
	}
	var out []string
	for _, u := range urls {
		h := sha256.Sum256([]byte(u))
		v := uint64(0)
		for _, b := range h[:8] {
			v = v<<8 | uint64(b)
		}
		if int(v%uint64(s.N)) == s.I {
			out = append(out, u)
		}
	}
	return out
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9.-]+`)

// ReportName is the file name of a URL's report in --out DIR: the host and
// path made safe, plus a short hash of the whole URL so two URLs never
// share a file.
func ReportName(raw string) string {
	base := raw
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		base = u.Host + u.Path
	}
	base = strings.Trim(unsafeName.ReplaceAllString(base, "_"), "_.")
	if len(base) > 80 {
		base = base[:80]
	}
	h := sha256.Sum256([]byte(raw))
	return base + "-" + hex.EncodeToString(h[:4]) + ".json"
}

// BatchOptions configure a batch run.
type BatchOptions struct {
	Concurrency int
	Out         string // directory of per-site reports ("" keeps none)
	HTML        bool   // also write NAME.html beside each report
	Resume      bool   // skip URLs whose report exists with status ok
	Progress    io.Writer
	Terminal    bool // draw a progress bar instead of lines
}

// Run audits urls with the scanner, Concurrency at a time, writing each
// report as soon as it is done. A site that fails gives a report with an
// error; the batch goes on.
func Run(ctx context.Context, s *Scanner, urls []string, o BatchOptions) ([]*SiteReport, error) {
	if o.Concurrency < 1 {
		o.Concurrency = 1
	}
	if o.Out != "" {
		if err := os.MkdirAll(o.Out, 0o755); err != nil {
			return nil, err
		}
	}
	reports := make([]*SiteReport, len(urls))
	prog := newProgress(o.Progress, o.Terminal, len(urls))
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		firstWE error
	)
	sem := make(chan struct{}, o.Concurrency)
	for i, u := range urls {
		if o.Resume && o.Out != "" {
			if r, err := ReadReport(filepath.Join(o.Out, ReportName(u))); err == nil && r.Status == StatusOK && r.URL == u {
				reports[i] = r
				prog.done(u, r, true)
				continue
			}
		}
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			prog.start(u)
			r := s.Site(ctx, u)
			reports[i] = r
			if o.Out != "" && ctx.Err() == nil {
				if err := writeSite(o, r); err != nil {
					mu.Lock()
					if firstWE == nil {
						firstWE = err
					}
					mu.Unlock()
				}
			}
			prog.done(u, r, false)
		}()
	}
	wg.Wait()
	prog.finish()
	var out []*SiteReport
	for _, r := range reports {
		if r != nil {
			out = append(out, r)
		}
	}
	return out, firstWE
}

func writeSite(o BatchOptions, r *SiteReport) error {
	data, err := MarshalJSON(r)
	if err != nil {
		return err
	}
	name := filepath.Join(o.Out, ReportName(r.URL))
	if o.HTML {
		h, err := HTML(r)
		if err != nil {
			return err
		}
		if err := WriteFileAtomic(strings.TrimSuffix(name, ".json")+".html", h); err != nil {
			return err
		}
	}
	return WriteFileAtomic(name, data)
}

// Summarize builds the batch summary of reports.
func Summarize(reports []*SiteReport) *Batch {
	b := &Batch{Schema: SchemaVersion, Created: time.Now().UTC(), Sites: []BatchSite{}, Counts: map[string]int{}, Trackers: map[string]int{}}
	for _, r := range reports {
		bs := BatchSite{URL: r.URL, Status: r.Status, Error: r.Error, Report: ReportName(r.URL), Seconds: r.Seconds, Trackers: len(r.Trackers), Findings: map[string]int{}}
		for _, f := range r.Findings {
			bs.Findings[f.Severity]++
			b.Counts[f.Severity]++
		}
		for _, t := range r.Trackers {
			b.Trackers[t.Host]++
		}
		b.Sites = append(b.Sites, bs)
	}
	sort.Slice(b.Sites, func(i, j int) bool { return b.Sites[i].URL < b.Sites[j].URL })
	return b
}

// Merge reads every site report (*.json other than batch.json) in dirs,
// as the shards of an Indexed Job wrote them, and builds one summary. A
// file that is not a report is an error naming it; a URL reported twice
// keeps the newest report.
func Merge(dirs ...string) (*Batch, []*SiteReport, error) {
	byURL := map[string]*SiteReport{}
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range ents {
			n := e.Name()
			if e.IsDir() || !strings.HasSuffix(n, ".json") || n == "batch.json" || strings.HasPrefix(n, ".") {
				continue
			}
			r, err := ReadReport(filepath.Join(d, n))
			if err != nil {
				return nil, nil, err
			}
			if old := byURL[r.URL]; old == nil || r.Started.After(old.Started) {
				byURL[r.URL] = r
			}
		}
	}
	var reps []*SiteReport
	for _, r := range byURL {
		reps = append(reps, r)
	}
	sort.Slice(reps, func(i, j int) bool { return reps[i].URL < reps[j].URL })
	return Summarize(reps), reps, nil
}
