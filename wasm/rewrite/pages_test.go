package rewrite

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// independentCount counts, with golang.org/x/net/html's tokenizer, the
// elements trackerHandler should remove. noscript content (raw text for that
// tokenizer, markup for ours) is tokenized again as markup.
func independentCount(src []byte, h trackerHandler, maxContent int) int {
	n := 0
	z := html.NewTokenizer(bytes.NewReader(src))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return n
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attr := func(k string) (string, bool) {
				for _, a := range tok.Attr {
					if a.Key == k {
						return a.Val, true
					}
				}
				return "", false
			}
			switch tok.Data {
			case "script":
				if src, ok := attr("src"); ok {
					if isTracker(h.hosts, src) {
						n++
					}
					continue
				}
				if z.Next() == html.TextToken {
					body := z.Raw()
					if bytes.Contains(body, []byte("fbq(")) && len(body)+len("</script>") <= maxContent {
						n++
					}
				}
			case "img":
				src, _ := attr("src")
				w, _ := attr("width")
				ht, _ := attr("height")
				if isTracker(h.hosts, src) || w == "1" && ht == "1" {
					n++
				}
			case "iframe":
				n++
			case "noscript":
				if z.Next() == html.TextToken {
					n += independentCount(bytes.Clone(z.Raw()), h, maxContent)
				}
			}
		}
	}
}

func TestPagesKeepAll(t *testing.T) {
	for name, src := range pages(t) {
		out := Rewrite(nil, src, KeepAll{}, Options{Inject: nil})
		if !bytes.Equal(out, src) {
			t.Errorf("%s: keep-all output differs (len %d vs %d)", name, len(out), len(src))
		}
		// 16 KiB chunks and odd chunks give the same
		for _, size := range []int{16 << 10, 4093} {
			var cuts []int
			for c := size; c < len(src); c += size {
				cuts = append(cuts, c)
			}
			if out, _ := rewriteChunks(src, cuts, KeepAll{}, Options{}); !bytes.Equal(out, src) {
				t.Errorf("%s: keep-all in %d-byte chunks differs", name, size)
			}
		}
	}
}

func TestPagesTrackers(t *testing.T) {
	h := trackerHandler{hosts: loadHosts(t)}
	opt := Options{MaxContent: 4 << 20, Inject: []byte("<script>window.__consent={v:1};</script>")}
	total := 0
	for name, src := range pages(t) {
		whole, r := rewriteChunks(src, nil, h, opt)
		want := independentCount(src, h, opt.MaxContent)
		if r.Removed() != want {
			t.Errorf("%s: removed %d elements, x/net/html count says %d", name, r.Removed(), want)
		}
		total += want
		var cuts []int
		for c := 16 << 10; c < len(src); c += 16 << 10 {
			cuts = append(cuts, c)
		}
		chunked, _ := rewriteChunks(src, cuts, h, opt)
		if !bytes.Equal(whole, chunked) {
			t.Errorf("%s: output depends on chunking", name)
		}
		// what is left: the input minus removed bytes, plus the injection
		if !isSubsequence(bytes.Replace(whole, opt.Inject, nil, 1), src) {
			t.Errorf("%s: output is not a subsequence of the input", name)
		}
		// no tracker element survives (checked with x/net/html on the output)
		if left := independentCount(whole, h, opt.MaxContent); left != 0 {
			t.Errorf("%s: %d tracker elements left in the output", name, left)
		}
		if !strings.Contains(string(whole), string(opt.Inject)) {
			t.Errorf("%s: injection missing", name)
		}
		t.Logf("%s: %d bytes, removed %d, out %d bytes", name, len(src), r.Removed(), len(whole))
	}
	if total == 0 {
		t.Error("no tracker element in any page: the test proves nothing")
	}
}

func isSubsequence(sub, s []byte) bool {
	j := 0
	for i := 0; i < len(s) && j < len(sub); i++ {
		if s[i] == sub[j] {
			j++
		}
	}
	return j == len(sub)
}

type rawRecorder struct{ raws []string }

func (h *rawRecorder) StartTag(e *Element) Action {
	h.raws = append(h.raws, string(e.Raw()))
	return Keep
}
func (h *rawRecorder) Content(*Element, []byte) Action { return Keep }

// referenceStartTags lists the raw start tags found by x/net/html's
// tokenizer, with noscript content tokenized as markup (our choice).
func referenceStartTags(src []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(src))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			out = append(out, string(z.Raw()))
			if name, _ := z.TagName(); string(name) == "noscript" {
				if z.Next() == html.TextToken {
					out = append(out, referenceStartTags(bytes.Clone(z.Raw()))...)
				}
			}
		}
	}
}

// TestPagesAgreeWithReference checks that every start tag of the real pages
// is seen, with the same bytes, by our tokenizer and x/net/html's.
func TestPagesAgreeWithReference(t *testing.T) {
	for name, src := range pages(t) {
		h := &rawRecorder{}
		Rewrite(nil, src, h, Options{})
		want := referenceStartTags(src)
		if len(h.raws) != len(want) {
			t.Errorf("%s: %d start tags, reference %d", name, len(h.raws), len(want))
		}
		for i := range min(len(h.raws), len(want)) {
			if h.raws[i] != want[i] {
				t.Errorf("%s: start tag %d is %.80q, reference %.80q", name, i, h.raws[i], want[i])
				break
			}
		}
	}
}
