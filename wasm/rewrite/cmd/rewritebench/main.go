// Command rewritebench does the task of shared/bench/anchors/bench-rewrite.mjs
// (the lol-html anchor) with package rewrite, and prints comparable JSON:
// remove <script src>, <img src>, <iframe src> whose host or a parent domain
// is in the tracker host list, inject a small script at the start of <head>,
// input written in chunks.
//
// Usage:
//
//	rewritebench [-hosts FILE] page.html [iterations] [chunkKB]
//
// Native: go run ./wasm/rewrite/cmd/rewritebench page.html 100 16
// Under node (js/wasm):
//
//	GOOS=js GOARCH=wasm go build -o /tmp/rw.wasm ./wasm/rewrite/cmd/rewritebench
//	node /usr/local/go/lib/wasm/wasm_exec_node.js /tmp/rw.wasm page.html 100 16
//
// The host list defaults to $TRACKER_HOSTS, else ../shared/data/lists/tracker-hosts.txt
// next to the repository root found from the working directory.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/consentguard/consentguard/wasm/rewrite"
)

var inject = []byte("<script>window.__consent={v:1};</script>")

type handler struct{ hosts map[string]struct{} }

func (h handler) StartTag(e *rewrite.Element) rewrite.Action {
	switch string(e.Name()) {
	case "script", "img", "iframe":
		if src, ok := e.Attr("src"); ok && h.tracker(src) {
			return rewrite.Remove
		}
	}
	return rewrite.Keep
}

func (handler) Content(*rewrite.Element, []byte) rewrite.Action { return rewrite.Keep }

// tracker mirrors isTracker of bench-rewrite.mjs: http(s) or scheme-relative
// URL whose host, or a parent domain, is in the set.
func (h handler) tracker(src []byte) bool {
	var buf [256]byte
	switch {
	case len(src) > 2 && src[0] == '/' && src[1] == '/':
		src = src[2:]
	case len(src) > 8 && bytes.EqualFold(src[:8], []byte("https://")):
		src = src[8:]
	case len(src) > 7 && bytes.EqualFold(src[:7], []byte("http://")):
		src = src[7:]
	default:
		return false
	}
	n := 0
	for _, c := range src {
		if c == '/' || c == ':' || c == '?' || c == '#' || n == len(buf) {
			break
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	host := buf[:n]
	for len(host) > 0 {
		if _, ok := h.hosts[string(host)]; ok {
			return true
		}
		k := bytes.IndexByte(host, '.')
		if k < 0 {
			return false
		}
		host = host[k+1:]
	}
	return false
}

type result struct {
	MedianMs float64 `json:"median_ms"`
	P90Ms    float64 `json:"p90_ms"`
	MBps     float64 `json:"MBps_median"`
	OutBytes int     `json:"outBytes"`
	Removed  int     `json:"removed"`
	Allocs   float64 `json:"allocs_per_run"`
}

type bench struct {
	input []byte
	chunk int
	h     handler
	out   bytes.Buffer
	rw    *rewrite.Rewriter
}

func (b *bench) runOnce(withHandlers bool) (int, int) {
	b.out.Reset()
	var h rewrite.Handler = rewrite.KeepAll{}
	opt := rewrite.Options{}
	if withHandlers {
		h = b.h
		opt.Inject = inject
	}
	if b.rw == nil {
		b.rw = rewrite.New(&b.out, h, opt)
	} else {
		b.rw.Reset(&b.out, h, opt)
	}
	for off := 0; off < len(b.input); off += b.chunk {
		if _, err := b.rw.Write(b.input[off:min(off+b.chunk, len(b.input))]); err != nil {
			fatal(err)
		}
	}
	if err := b.rw.Close(); err != nil {
		fatal(err)
	}
	return b.out.Len(), b.rw.Removed()
}

func round(x float64) float64 { return math.Round(x*100) / 100 }

func (b *bench) run(iters int, withHandlers bool) result {
	for range 3 {
		b.runOnce(withHandlers)
	}
	t := make([]float64, 0, iters)
	var outBytes, removed int
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for range iters {
		s := time.Now()
		outBytes, removed = b.runOnce(withHandlers)
		t = append(t, float64(time.Since(s).Nanoseconds())/1e6)
	}
	runtime.ReadMemStats(&ms1)
	sort.Float64s(t)
	pct := func(p float64) float64 { return t[min(len(t)-1, int(float64(len(t))*p))] }
	med := pct(0.5)
	return result{
		MedianMs: round(med), P90Ms: round(pct(0.9)),
		MBps:     math.Round(float64(len(b.input))/1e6/(med/1e3)*10) / 10,
		OutBytes: outBytes, Removed: removed,
		Allocs: float64(ms1.Mallocs-ms0.Mallocs) / float64(iters),
	}
}

func loadHosts(path string) (map[string]struct{}, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	hosts := make(map[string]struct{}, 100000)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if h := strings.TrimSpace(sc.Text()); h != "" {
			hosts[strings.ToLower(h)] = struct{}{}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return hosts, nil
}

func defaultHosts() string {
	if p := os.Getenv("TRACKER_HOSTS"); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "data", "lists", "tracker-hosts.txt")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "rewritebench:", err)
	os.Exit(1)
}

func main() {
	hostsFile := flag.String("hosts", defaultHosts(), "tracker host list, one host per line")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: rewritebench [-hosts FILE] page.html [iterations] [chunkKB]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 1 {
		flag.Usage()
		os.Exit(2)
	}
	file := flag.Arg(0)
	iters, chunkKB := 30, 16
	for i, p := range []*int{&iters, &chunkKB} {
		if flag.NArg() > i+1 {
			v, err := strconv.Atoi(flag.Arg(i + 1))
			if err != nil || v <= 0 {
				fatal(fmt.Errorf("argument %d (%q): want a positive integer", i+2, flag.Arg(i+1)))
			}
			*p = v
		}
	}
	input, err := os.ReadFile(file)
	if err != nil {
		fatal(err)
	}
	if *hostsFile == "" {
		fatal(fmt.Errorf("no tracker host list: use -hosts or TRACKER_HOSTS"))
	}
	ls := time.Now()
	hosts, err := loadHosts(*hostsFile)
	if err != nil {
		fatal(err)
	}
	loadMs := float64(time.Since(ls).Nanoseconds()) / 1e6
	b := &bench{input: input, chunk: chunkKB * 1024, h: handler{hosts: hosts}}

	cold := time.Now()
	_, removed := b.runOnce(true)
	coldMs := float64(time.Since(cold).Nanoseconds()) / 1e6

	res := map[string]any{
		"engine": "consentguard/wasm/rewrite", "file": file, "bytes": len(input), "chunkKB": chunkKB, "iters": iters,
		"go": runtime.Version(), "goos": runtime.GOOS, "goarch": runtime.GOARCH,
		"hosts": len(hosts), "hosts_load_ms": round(loadMs),
		"first_run_ms": round(coldMs), "removed_elements": removed,
		"passthrough_no_handlers": b.run(iters, false),
		"rewrite_with_handlers":   b.run(iters, true),
	}
	enc, err := json.Marshal(res)
	if err != nil {
		fatal(err)
	}
	fmt.Println(string(enc))
}
