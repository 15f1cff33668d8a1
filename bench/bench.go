// Package bench measures the network-rule engine (wasm/filter) the way
// ../shared/bench/anchors/bench-match.mjs measures Ghostery and uBlock
// Origin: same requests, same list preprocessing, per-request timing of one
// pass over a freshly compiled engine.
//
// Before the timed pass the reused filter.Request is grown to the longest
// URLs and Engine.Warm primes regexp state (one-time costs, so the pass does
// not allocate). The cost of the clock itself is measured separately and
// reported next to the raw figures (timer_overhead_ns, median_corrected_ns):
// under js/wasm each clock read is a call into JavaScript and the clock
// ticks in about 256 ns steps. A second, warm pass timed per batch of 64
// requests gives batch_median_ns and batch_mean_ns, as an additional figure.
package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/consentguard/consentguard/wasm/filter"
)

// Req is one recorded request: {"url","frameUrl","cpt"}.
type Req struct {
	URL      string `json:"url"`
	FrameURL string `json:"frameUrl"`
	Cpt      string `json:"cpt"`
}

// LoadRequests reads a JSON array or JSON lines of Req.
func LoadRequests(file string) ([]Req, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) > 0 && t[0] == '[' {
		var rs []Req
		if err := json.Unmarshal(t, &rs); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		return rs, nil
	}
	var rs []Req
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 16<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var r Req
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, line, err)
		}
		rs = append(rs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", file, line, err)
	}
	return rs, nil
}

// Supported reports whether u is an http(s) or ws(s) URL, the requests the
// anchor benchmark matches (others are skipped).
func Supported(u string) bool {
	l := strings.ToLower(u[:min(len(u), 6)])
	return strings.HasPrefix(l, "http:") || strings.HasPrefix(l, "https:") ||
		strings.HasPrefix(l, "ws:") || strings.HasPrefix(l, "wss:")
}

// RequestType maps a request's cpt as the anchor benchmark's TYPE_MAP does
// (unknown names are "other").
func RequestType(cpt string) filter.Type {
	if t, ok := filter.ParseType(cpt); ok {
		return t
	}
	return filter.TypeOther
}

// lookaround matches the lines bench-match.mjs drops: regex rules with "(?".
var lookaround = regexp.MustCompile(`(?m)^(@@)?/.*\(\?.*`)

// ReadLists reads filter lists and applies bench-match.mjs's preprocessing:
// regex rules containing "(?" (lookaround, which not every engine supports)
// are blanked, keeping line numbers.
func ReadLists(files []string) ([]filter.List, error) {
	var ls []filter.List
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		data = lookaround.ReplaceAllLiteral(data, nil)
		ls = append(ls, filter.List{Name: filepath.Base(f), Data: data})
	}
	return ls, nil
}

// Result is the JSON object Match prints.
type Result struct {
	Requests       int     `json:"requests"` // requests matched (http(s)/ws(s) url and frameUrl)
	Skipped        int     `json:"skipped_unsupported"`
	Blocked        int     `json:"blocked"`
	Rules          int     `json:"rules"`
	ParseErrors    int     `json:"parse_errors"`
	ParseMs        float64 `json:"parse_ms"`
	SerializedSize int     `json:"serialized_bytes"`
	LoadMs         float64 `json:"load_ms"`
	EngineBytes    int     `json:"engine_bytes"`
	MedianNs       float64 `json:"median_ns"`
	P99Ns          float64 `json:"p99_ns"`
	MeanNs         float64 `json:"mean_ns"`
	AllocsPerMatch float64 `json:"allocs_per_match"`
	// Timer cost (under js/wasm each clock read is a call into JavaScript):
	// the mean time measured around an empty body with the same clock calls
	// (what the clock adds to each measured request), the clock's resolution
	// (smallest non-zero difference seen), the full cost of a time.Now +
	// time.Since pair, and the per-request figures minus the mean overhead.
	// The raw figures above include the overhead.
	TimerOverheadNs   float64 `json:"timer_overhead_ns"`
	TimerResolutionNs float64 `json:"timer_resolution_ns"`
	TimerPairNs       float64 `json:"timer_pair_ns"`
	MedianCorrNs      float64 `json:"median_corrected_ns"`
	P99CorrNs         float64 `json:"p99_corrected_ns"`
	// Batch timing (a second, warm pass): one clock pair per batch of
	// BatchSize requests; the median and mean over batches of the time per
	// request. An additional figure: the per-request method above is the one
	// comparable with bench-match.mjs.
	BatchSize     int     `json:"batch_size"`
	BatchMedianNs float64 `json:"batch_median_ns"`
	BatchMeanNs   float64 `json:"batch_mean_ns"`
	GOOS          string  `json:"goos"`
	GOARCH        string  `json:"goarch"`
}

// pct is bench-match.mjs's linear-interpolated percentile of sorted values.
func pct(s []float64, p float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	k := float64(len(s)-1) * p
	f := int(math.Floor(k))
	c := min(f+1, len(s)-1)
	return s[f] + (s[c]-s[f])*(k-float64(f))
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }

// Run measures and returns the result.
func Run(requestsFile string, listFiles []string) (*Result, error) {
	reqs, err := LoadRequests(requestsFile)
	if err != nil {
		return nil, err
	}
	lists, err := ReadLists(listFiles)
	if err != nil {
		return nil, err
	}
	res := &Result{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}
	t := time.Now()
	e, rep := filter.Compile(lists...)
	res.ParseMs = ms(time.Since(t))
	res.Rules, res.ParseErrors = rep.Rules, len(rep.Errors)
	ser, err := e.MarshalBinary()
	if err != nil {
		return nil, err
	}
	res.SerializedSize = len(ser)
	loads := make([]float64, 10)
	for i := range loads {
		t := time.Now()
		if _, err := filter.Load(ser); err != nil {
			return nil, err
		}
		loads[i] = float64(time.Since(t))
	}
	sort.Float64s(loads)
	res.LoadMs = math.Round(loads[len(loads)/2]/1e4) / 100
	ser = nil
	// fresh engine for matching, as in the anchor benchmark
	e, _ = filter.Compile(lists...)
	res.EngineBytes = e.Size()
	runtime.GC()

	// One Request is reused for every match, as a long-running matcher does.
	// Before timing, its buffers are grown to the longest URLs of the set and
	// site's public-suffix table is built, and Engine.Warm primes the regexp
	// package's reusable matching state (one-time costs of a process, not
	// per-request ones): with that, the pass does not allocate.
	var r filter.Request
	warmRequest(&r, reqs)
	e.Warm()

	res.TimerOverheadNs, res.TimerResolutionNs, res.TimerPairNs = timerOverhead()

	times := make([]float64, 0, len(reqs))
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for i := range reqs {
		q := &reqs[i]
		if !Supported(q.URL) || !Supported(q.FrameURL) {
			res.Skipped++
			continue
		}
		typ := RequestType(q.Cpt)
		s := time.Now()
		blocked := false
		if r.Reset(q.URL, q.FrameURL, typ) == nil {
			blocked = e.Match(&r).Blocked
		}
		times = append(times, float64(time.Since(s)))
		if blocked {
			res.Blocked++
		}
	}
	runtime.ReadMemStats(&m1)
	res.Requests = len(times)
	if len(times) > 0 {
		res.AllocsPerMatch = float64(m1.Mallocs-m0.Mallocs) / float64(len(times))
		sum := 0.0
		for _, x := range times {
			sum += x
		}
		sort.Float64s(times)
		res.MedianNs = math.Round(pct(times, 0.5))
		res.P99Ns = math.Round(pct(times, 0.99))
		res.MeanNs = math.Round(sum / float64(len(times)))
		res.MedianCorrNs = math.Max(0, res.MedianNs-res.TimerOverheadNs)
		res.P99CorrNs = math.Max(0, res.P99Ns-res.TimerOverheadNs)
	}
	res.BatchSize = batchSize
	res.BatchMedianNs, res.BatchMeanNs = batchPass(e, &r, reqs)
	return res, nil
}

// warmRequest resets r with the longest supported URL and frame URL of reqs.
func warmRequest(r *filter.Request, reqs []Req) {
	var u, f string
	for i := range reqs {
		q := &reqs[i]
		if !Supported(q.URL) || !Supported(q.FrameURL) {
			continue
		}
		if len(q.URL) > len(u) {
			u = q.URL
		}
		if len(q.FrameURL) > len(f) {
			f = q.FrameURL
		}
	}
	if u != "" {
		r.Reset(u, f, filter.TypeOther)
		r.Reset(strings.ToUpper(u), strings.ToUpper(f), filter.TypeOther)
	}
}

// timerOverhead measures the clock reads of the per-request loop around an
// empty body. It returns their mean (an unbiased estimate of the time they
// add to each measured interval even when the clock is coarse, as under
// js/wasm where the reading goes through JavaScript and a float64 of
// milliseconds), the smallest non-zero difference seen (the resolution), and
// the full cost of one time.Now + time.Since pair, from timing many pairs.
func timerOverhead() (mean, resolution, pair float64) {
	const n = 20000
	sum := 0.0
	resolution = math.NaN()
	for i := 0; i < n; i++ {
		s := time.Now()
		d := float64(time.Since(s))
		sum += d
		if d > 0 && !(d >= resolution) {
			resolution = d
		}
	}
	t := time.Now()
	var sink time.Duration
	for i := 0; i < n; i++ {
		s := time.Now()
		sink += time.Since(s)
	}
	pair = float64(time.Since(t)) / n
	_ = sink
	return math.Round(sum/n*10) / 10, resolution, math.Round(pair*10) / 10
}

const batchSize = 64

// batchPass matches every supported request again, timing batches of
// batchSize requests, and returns the median and mean time per request.
func batchPass(e *filter.Engine, r *filter.Request, reqs []Req) (median, mean float64) {
	var per []float64
	total, n := 0.0, 0
	for i := 0; i < len(reqs); {
		k := 0
		s := time.Now()
		for ; i < len(reqs) && k < batchSize; i++ {
			q := &reqs[i]
			if !Supported(q.URL) || !Supported(q.FrameURL) {
				continue
			}
			if r.Reset(q.URL, q.FrameURL, RequestType(q.Cpt)) == nil {
				e.Match(r)
			}
			k++
		}
		d := float64(time.Since(s))
		if k > 0 {
			per = append(per, d/float64(k))
			total += d
			n += k
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	sort.Float64s(per)
	return math.Round(pct(per, 0.5)), math.Round(total / float64(n))
}

// Match runs the benchmark on requestsFile with listFiles and writes one
// JSON object to w: requests, blocked, parse_ms, load_ms (median of 10
// loads from the serialised form), engine_bytes, median_ns, p99_ns,
// mean_ns, allocs_per_match, the timer figures (timer_overhead_ns,
// timer_resolution_ns, timer_pair_ns, median_corrected_ns,
// p99_corrected_ns), the batch figures and a few more fields.
func Match(requestsFile string, listFiles []string, w io.Writer) error {
	res, err := Run(requestsFile, listFiles)
	if err != nil {
		return err
	}
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
