package rewrite

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/internal/fixture"
)

// recHandler records the start tags it sees and acts on marker attributes:
// rm → Remove, rmtag → RemoveTag, rp → Replace with "[R]", rpt → ReplaceTag
// without the rpt and ping attributes, insp → Inspect (Content: body
// containing "bad" → Remove, "rep" → Replace, "tag" → RemoveTag, "swap" →
// ReplaceTag with "[T]").
type recHandler struct{ seen []string }

func (h *recHandler) StartTag(e *Element) Action {
	h.seen = append(h.seen, string(e.Name()))
	switch {
	case e.HasAttr("rm"):
		return Remove
	case e.HasAttr("rmtag"):
		return RemoveTag
	case e.HasAttr("rp"):
		e.SetReplacement([]byte("[R]"))
		return Replace
	case e.HasAttr("rpt"):
		t := e.WithoutAttr("rpt")
		if u := (&Element{r: e.r, raw: t}).WithoutAttr("ping"); u != nil {
			t = u
		}
		e.SetReplacement(t)
		return ReplaceTag
	case e.HasAttr("insp"):
		return Inspect
	}
	return Keep
}

func (h *recHandler) Content(e *Element, body []byte) Action {
	switch {
	case bytes.Contains(body, []byte("bad")):
		return Remove
	case bytes.Contains(body, []byte("rep")):
		e.SetReplacement([]byte("[R]"))
		return Replace
	case bytes.Contains(body, []byte("tag")):
		return RemoveTag
	case bytes.Contains(body, []byte("swap")):
		e.SetReplacement([]byte("[T]"))
		return ReplaceTag
	}
	return Keep
}

// trackerHandler is the handler of the golden and real-page tests: it
// removes <script src> to tracker hosts, <img> pixels (tracker host, or 1x1),
// every <iframe>, and inline scripts containing "fbq(".
type trackerHandler struct{ hosts map[string]bool }

func (h trackerHandler) StartTag(e *Element) Action {
	switch string(e.Name()) {
	case "script":
		if e.HasAttr("src") {
			if isTracker(h.hosts, e.AttrDecoded("src")) {
				return Remove
			}
			return Keep
		}
		return Inspect
	case "img":
		src := e.AttrDecoded("src")
		w, _ := e.Attr("width")
		ht, _ := e.Attr("height")
		if isTracker(h.hosts, src) || string(w) == "1" && string(ht) == "1" {
			return Remove
		}
	case "iframe":
		return Remove
	}
	return Keep
}

func (h trackerHandler) Content(e *Element, body []byte) Action {
	if bytes.Contains(body, []byte("fbq(")) {
		return Remove
	}
	return Keep
}

// isTracker reports whether the URL's host, or a parent domain, is in hosts.
// Like the lol-html anchor: only http(s) and scheme-relative URLs.
func isTracker(hosts map[string]bool, src string) bool {
	src = strings.TrimSpace(src)
	if strings.HasPrefix(src, "//") {
		src = "https:" + src
	}
	l := strings.ToLower(src)
	switch {
	case strings.HasPrefix(l, "https://"):
		l = l[8:]
	case strings.HasPrefix(l, "http://"):
		l = l[7:]
	default:
		return false
	}
	if k := strings.IndexAny(l, "/:?#"); k >= 0 {
		l = l[:k]
	}
	for l != "" {
		if hosts[l] {
			return true
		}
		k := strings.IndexByte(l, '.')
		if k < 0 {
			return false
		}
		l = l[k+1:]
	}
	return false
}

var testHosts = map[string]bool{
	"google-analytics.com": true, "googletagmanager.com": true, "doubleclick.net": true,
	"facebook.com": true, "facebook.net": true, "connect.facebook.net": true,
	"hotjar.com": true, "clarity.ms": true, "analytics.tiktok.com": true, "snap.licdn.com": true,
}

func loadHosts(t testing.TB) map[string]bool {
	t.Helper()
	path := filepath.Join(fixture.Shared(t), "data", "lists", "tracker-hosts.txt")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hosts := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if h := strings.TrimSpace(sc.Text()); h != "" && !strings.HasPrefix(h, "#") {
			hosts[strings.ToLower(h)] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return hosts
}

func pages(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixture.Shared(t), "data", "html", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no pages in shared data/html: %v", err)
	}
	m := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[filepath.Base(f)] = b
	}
	return m
}

// rewriteChunks rewrites src written in pieces cut at the given offsets.
func rewriteChunks(src []byte, cuts []int, h Handler, opt Options) ([]byte, *Rewriter) {
	var out bytes.Buffer
	r := New(&out, h, opt)
	prev := 0
	for _, c := range cuts {
		if c < prev || c > len(src) {
			continue
		}
		r.Write(src[prev:c])
		prev = c
	}
	r.Write(src[prev:])
	r.Close()
	return out.Bytes(), r
}

// anchorHandler does the task of shared/bench/anchors/bench-rewrite.mjs:
// remove <script src>, <img src>, <iframe src> whose host or a parent domain
// is a tracker. It does not allocate.
type anchorHandler struct{ hosts map[string]bool }

func (h anchorHandler) StartTag(e *Element) Action {
	switch string(e.Name()) {
	case "script", "img", "iframe":
		if src, ok := e.Attr("src"); ok && matchHost(h.hosts, src) {
			return Remove
		}
	}
	return Keep
}

func (anchorHandler) Content(*Element, []byte) Action { return Keep }

// matchHost is isTracker on raw bytes, without allocating.
func matchHost(hosts map[string]bool, src []byte) bool {
	src = bytes.TrimSpace(src)
	var buf [256]byte
	switch {
	case len(src) > 2 && src[0] == '/' && src[1] == '/':
		src = src[2:]
	case len(src) > 8 && equalFold(src[:8], "https://"):
		src = src[8:]
	case len(src) > 7 && equalFold(src[:7], "http://"):
		src = src[7:]
	default:
		return false
	}
	n := 0
	for _, c := range src {
		if c == '/' || c == ':' || c == '?' || c == '#' || n == len(buf) {
			break
		}
		buf[n] = lower(c)
		n++
	}
	host := buf[:n]
	for len(host) > 0 {
		if hosts[string(host)] {
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
