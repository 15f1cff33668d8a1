//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentguard/consentguard/audit"
	"github.com/consentguard/consentguard/internal/fixture"
)

// peerURLs is the 10-site batch: the six fixtures and four more pages of them.
var peerURLs = append(append([]string(nil), fixtureURLs...), "https://compliant.example/about.html", "https://early.example/?v=2", "https://dnt.example/?v=2", "https://onetrust.example/?v=2")

type blacklightLine struct {
	URL                string   `json:"url"`
	Status             string   `json:"status"`
	Error              string   `json:"error"`
	Seconds            float64  `json:"seconds"`
	Hosts              []string `json:"hosts"`
	ThirdPartyTrackers []string `json:"third_party_trackers"`
	Found              struct {
		Canvas       []string `json:"canvas_fingerprinters"`
		CanvasFont   []string `json:"canvas_font_fingerprinters"`
		Listeners    []string `json:"behaviour_event_listeners"`
		KeyLogging   []string `json:"key_logging"`
		Recorders    []string `json:"session_recorders"`
		FBPixel      int      `json:"fb_pixel_events"`
		TikTok       int      `json:"tiktok_pixel_events"`
		Twitter      int      `json:"twitter_pixel_events"`
		GA           int      `json:"google_analytics_events"`
		ThirdCookies []string `json:"cookies"`
	} `json:"found"`
}

// blacklightFindings maps what Blacklight found on a page to the finding
// ids ours must give for the same page (in the first-visit pass).
func blacklightFindings(l blacklightLine) []string {
	var want []string
	f := l.Found
	add := func(ok bool, id string) {
		if ok {
			want = append(want, id)
		}
	}
	add(len(f.Canvas) > 0, audit.FindCanvasFingerprint)
	add(len(f.CanvasFont) > 0, audit.FindCanvasFont)
	add(len(f.KeyLogging) > 0, audit.FindKeyLogging)
	add(len(f.Recorders) > 0, audit.FindSessionRecording)
	add(f.FBPixel+f.TikTok+f.Twitter > 0, audit.FindPixel)
	add(len(f.ThirdCookies) > 0, audit.FindThirdPartyCookies)
	return want
}

// TestAuditBlacklight runs The Markup's Blacklight collector and our audit
// on the same 10 pages, one site at a time, and compares what each names
// and what each costs (median seconds per site, peak memory of the process
// tree). Our reports must name every tracker host Blacklight names, with a
// category. It takes minutes and is also a speed comparison, so `make test` leaves it
// to `make audit-peer`, which runs it alone.
func TestAuditBlacklight(t *testing.T) {
	root := fixture.Root(t)
	out, err := exec.Command("sh", filepath.Join(root, "scripts", "install-blacklight.sh")).Output()
	if err != nil {
		t.Fatalf("install blacklight: %v", err)
	}
	blDir := strings.TrimSpace(string(out))
	w, s := auditWorld(t, nil)
	rules := fmt.Sprintf("MAP * 127.0.0.1:%d", w.Port)

	// Blacklight, in node, one site after the other.
	cmd := exec.Command("node", append([]string{filepath.Join(root, "scripts", "blacklight-run.cjs"), blDir, chromiumPath(t), rules, w.SPKI, t.TempDir()}, peerURLs...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	blPeak := sampleTree(cmd.Process.Pid)
	err = cmd.Wait()
	blMem := blPeak()
	blWall := time.Since(t0)
	if err != nil {
		t.Fatalf("blacklight: %v\n%s", err, tail(stderr.String(), 3000))
	}
	bl := map[string]blacklightLine{}
	var blSecs []float64
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var l blacklightLine
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue
		}
		bl[l.URL] = l
		blSecs = append(blSecs, l.Seconds)
	}
	if len(bl) != len(peerURLs) {
		t.Fatalf("blacklight answered for %d of %d sites\n%s", len(bl), len(peerURLs), tail(stderr.String(), 3000))
	}

	// Ours, one site at a time, in this process (Chromium as children).
	ourPeak := sampleTree(os.Getpid())
	t1 := time.Now()
	reps, err := audit.Run(context.Background(), s, peerURLs, audit.BatchOptions{Concurrency: 1})
	ourWall := time.Since(t1)
	ourMem := ourPeak()
	if err != nil {
		t.Fatal(err)
	}
	var ourSecs []float64
	cmp := map[string]any{}
	for _, r := range reps {
		ourSecs = append(ourSecs, r.Seconds)
		l := bl[r.URL]
		if l.Status != "success" {
			t.Errorf("blacklight on %s: %s %s", r.URL, l.Status, l.Error)
		}
		ours := map[string]string{}
		for _, h := range r.Trackers {
			ours[h.Host] = h.Category + "/" + h.Vendor
		}
		var missed []string
		for _, h := range l.ThirdPartyTrackers {
			if _, ok := ours[h]; !ok {
				missed = append(missed, h)
			}
		}
		if len(missed) > 0 {
			t.Errorf("%s: Blacklight names tracker hosts our report does not: %v (ours: %v)", r.URL, missed, ours)
		}
		ids := findingIDs(r)
		for _, id := range blacklightFindings(l) {
			if !contains(ids, id) {
				t.Errorf("%s: Blacklight found %s, our report has no such finding (%v)", r.URL, id, ids)
			}
		}
		var onlyOurs []string
		for h := range ours {
			if !contains(l.ThirdPartyTrackers, h) {
				onlyOurs = append(onlyOurs, h)
			}
		}
		sort.Strings(onlyOurs)
		cmp[r.URL] = map[string]any{"blacklight_trackers": l.ThirdPartyTrackers, "blacklight_found": l.Found, "ours_trackers": ours, "only_ours": onlyOurs, "our_findings": findingIDs(r)}
	}
	fig := map[string]any{
		"sites":      len(peerURLs),
		"ours":       map[string]any{"median_s_per_site": median(ourSecs), "wall_s": ourWall.Seconds(), "peak_rss_mb": ourMem >> 20, "passes_per_site": 4},
		"blacklight": map[string]any{"median_s_per_site": median(blSecs), "wall_s": blWall.Seconds(), "peak_rss_mb": blMem >> 20, "passes_per_site": 1},
		"compare":    cmp,
	}
	data, _ := json.MarshalIndent(fig, "", "  ")
	os.MkdirAll(filepath.Join(root, ".cache"), 0o755)
	os.WriteFile(filepath.Join(root, ".cache", "audit-peer.json"), data, 0o644)
	t.Logf("%s", data)
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// sampleTree samples the summed RSS of pid and its descendants every 200ms
// until the returned func is called, which returns the peak in bytes.
func sampleTree(pid int) func() uint64 {
	var (
		mu   sync.Mutex
		peak uint64
		stop = make(chan struct{})
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		for {
			if v := treeRSS(pid); v > 0 {
				mu.Lock()
				if v > peak {
					peak = v
				}
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

func treeRSS(root int) uint64 {
	ents, _ := os.ReadDir("/proc")
	parent := map[int]int{}
	rss := map[int]uint64{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(st, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(st[i+1:]))
		if len(f) < 22 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		pages, _ := strconv.ParseUint(f[21], 10, 64)
		parent[pid] = pp
		rss[pid] = pages * uint64(os.Getpagesize())
	}
	var sum uint64
	for pid, r := range rss {
		for p := pid; p > 1; p = parent[p] {
			if p == root {
				sum += r
				break
			}
		}
	}
	return sum
}
