package rewrite

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fuzzHandler decides from the tag name and content only, so its decisions
// cannot depend on chunking. It never uses Replace, so its output is a
// subsequence of the input.
type fuzzHandler struct{}

func (fuzzHandler) StartTag(e *Element) Action {
	n := e.Name()
	e.Attr("src") // exercise the attribute parser
	switch {
	case len(n) == 0 || string(n) == "head": // <head> is kept when it receives the injection
		return Keep
	case n[0] <= 'c' || len(e.Raw())%11 == 0 && e.Raw()[len(e.Raw())-1] == '>':
		return Remove // decisions on Raw() check it does not depend on chunking
	case n[0] <= 'f':
		return RemoveTag
	case n[0] <= 'n' || string(n) == "script" || string(n) == "style":
		return Inspect
	}
	return Keep
}

func (fuzzHandler) Content(e *Element, body []byte) Action {
	switch {
	case bytes.Contains(body, []byte("x")):
		return Remove
	case bytes.Contains(body, []byte("y")):
		return RemoveTag
	}
	return Keep
}

func FuzzRewrite(f *testing.F) {
	for _, tc := range tokenizerCases {
		f.Add([]byte(tc.in), []byte{3, 7, 1})
	}
	f.Add([]byte(`<html><head><script>x<!--<script></script>--></script><body><a href=x>y</a><div>x</div>`), []byte{1, 1, 1, 1, 9})
	f.Add([]byte("<svg><![CDATA[x]]></svg><math><mi><style>x</style></mi></math><noscript><img src=x></noscript>"), []byte{2, 40})
	f.Fuzz(func(t *testing.T, src []byte, splits []byte) {
		if len(src) > 1<<16 {
			return
		}
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("slow input: %v for %d bytes", d, len(src))
			}
		}()
		var cuts []int
		pos := 0
		for _, s := range splits {
			pos += int(s)
			cuts = append(cuts, pos)
		}
		// (d) agreement with golang.org/x/net/html's tokenizer on every start
		// tag, outside the documented differences (foreign content, noscript
		// parsed as markup)
		if !hasForeign(src) {
			h := &rawRecorder{}
			Rewrite(nil, src, h, Options{MaxTag: 1 << 20})
			want := referenceStartTags(src)
			if strings.Join(h.raws, "\x00|") != strings.Join(want, "\x00|") {
				t.Fatalf("start tags differ from x/net/html\n in %q\n got %q\nwant %q", src, h.raws, want)
			}
		}
		small := Options{MaxTag: 64, MaxContent: 40}
		for _, opt := range []Options{{}, small} {
			// (a) keep-all gives the input back, however it is chunked
			if out, _ := rewriteChunks(src, cuts, KeepAll{}, opt); !bytes.Equal(out, src) {
				t.Fatalf("keep-all changed the input\n in %q\nout %q", src, out)
			}
			// (b) output does not depend on chunking
			whole, r1 := rewriteChunks(src, nil, fuzzHandler{}, opt)
			chunked, r2 := rewriteChunks(src, cuts, fuzzHandler{}, opt)
			if !bytes.Equal(whole, chunked) || r1.Removed() != r2.Removed() {
				t.Fatalf("chunking changed the output (cuts %v)\nwhole   %q\nchunked %q", cuts, whole, chunked)
			}
			// (c) output is a subsequence of the input...
			if !isSubsequence(whole, src) {
				t.Fatalf("output is not a subsequence of the input\n in %q\nout %q", src, whole)
			}
			// ...plus the injection, inserted once
			opt.Inject = []byte("\x00INJ\x00")
			inj, _ := rewriteChunks(src, cuts, fuzzHandler{}, opt)
			if !insertedOnce(inj, whole, opt.Inject) {
				t.Fatalf("injection: %q is not %q with %q inserted once", inj, whole, opt.Inject)
			}
		}
	})
}

// insertedOnce reports whether got is base with ins inserted at one place.
func insertedOnce(got, base, ins []byte) bool {
	if len(got) != len(base)+len(ins) {
		return false
	}
	p := 0 // common prefix
	for p < len(base) && got[p] == base[p] {
		p++
	}
	s := 0 // common suffix
	for s < len(base) && got[len(got)-1-s] == base[len(base)-1-s] {
		s++
	}
	for k := len(base) - s; k <= p; k++ {
		if bytes.Equal(got[k:k+len(ins)], ins) {
			return true
		}
	}
	return false
}

func hasForeign(src []byte) bool {
	l := bytes.ToLower(src)
	return bytes.Contains(l, []byte("<svg")) || bytes.Contains(l, []byte("<math")) || bytes.Contains(l, []byte("<noscript"))
}
