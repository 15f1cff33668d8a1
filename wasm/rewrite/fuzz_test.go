package rewrite

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fuzzHandler decides from the tag name and content only, so its decisions
// cannot depend on chunking. It never uses Replace, and ReplaceTag only with
// WithoutAttr, so its output is a subsequence of the input.
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
	case n[0] <= 'r':
		if t := e.WithoutAttr("src"); t != nil {
			e.SetReplacement(t)
			return ReplaceTag
		}
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
		if !hasForeign(src) && !xnetEscapeQuirk(src) {
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

// xnetEscapeQuirk reports whether src may hit a deviation of x/net/html
// from the WHATWG tokenizer: in the script data escaped less-than sign
// state, a byte other than '/' or a letter returns x/net to the script data
// state instead of the script data escaped state (token.go,
// scriptDataEscapedLessThanSign), so "<script><!--<<script </script><a>"
// ends the script there. We follow the standard.
func xnetEscapeQuirk(src []byte) bool {
	l := bytes.ToLower(src)
	i := bytes.Index(l, []byte("<script"))
	if i < 0 {
		return false
	}
	j := bytes.Index(l[i:], []byte("<!--"))
	if j < 0 {
		return false
	}
	rest := l[i+j+4:]
	for k := 0; k+1 < len(rest); k++ {
		if rest[k] == '<' && rest[k+1] != '/' && !isAlpha(rest[k+1]) {
			return true
		}
	}
	return false
}

func hasForeign(src []byte) bool {
	l := bytes.ToLower(src)
	return bytes.Contains(l, []byte("<svg")) || bytes.Contains(l, []byte("<math")) || bytes.Contains(l, []byte("<noscript"))
}

// FuzzWithoutAttr checks that WithoutAttr removes every attribute of that
// name and leaves the others, names and values, as they were and in order.
func FuzzWithoutAttr(f *testing.F) {
	f.Add([]byte(`<a href=x ping="https://t.example/p" PING='q' id=y/>`), "ping")
	f.Add([]byte(`<img src=a srcset="b 1x, c 2x" sizes=10px>`), "srcset")
	f.Add([]byte(`<a x= ping=y ping>`), "ping")
	f.Fuzz(func(t *testing.T, tag []byte, name string) {
		if len(tag) < 2 || tag[0] != '<' || tag[len(tag)-1] != '>' || len(tag) > 4096 {
			return
		}
		if bytes.IndexByte(tag[1:len(tag)-1], '>') >= 0 && !bytes.ContainsAny(tag, `"'`) {
			return // not one start tag
		}
		r := &Rewriter{}
		e := &Element{r: r, raw: tag}
		type kv struct{ k, v string }
		var before []kv
		for k, v := range e.Attrs() {
			before = append(before, kv{string(k), string(v)})
		}
		spans := append([]attrSpan(nil), r.attrs...)
		out := e.WithoutAttr(name)
		var want []kv
		found := false
		last := -1 // end of the last removed attribute and its spaces
		for i, a := range before {
			sp := spans[i]
			if equalFold([]byte(a.k), name) || int(sp.ns) == last && a.k[0] == '=' {
				found = found || equalFold([]byte(a.k), name)
				last = skipSpace(tag, int(sp.end))
				continue
			}
			want = append(want, a)
		}
		if !found {
			if out != nil {
				t.Fatalf("no attribute %q in %q, got %q", name, tag, out)
			}
			return
		}
		if !isSubsequence(out, tag) {
			t.Fatalf("%q is not a subsequence of %q", out, tag)
		}
		e2 := &Element{r: &Rewriter{}, raw: out}
		var got []kv
		for k, v := range e2.Attrs() {
			got = append(got, kv{string(k), string(v)})
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("WithoutAttr(%q) of %q = %q\nattributes %v\nwant       %v", name, tag, out, got, want)
		}
	})
}
