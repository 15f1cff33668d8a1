package rewrite

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

var tokenizerCases = []struct {
	name string
	in   string
	want string
	seen string // start tags shown to the handler, space separated
	opt  Options
}{
	// comments
	{"comment", `a<!-- <p rm> -->b<p rm>x</p>c`, `a<!-- <p rm> -->bc`, "p", Options{}},
	{"comment-abrupt", `<!--><p rm>x</p>`, `<!-->`, "p", Options{}},
	{"comment-abrupt-dash", `<!---><p rm>x</p>`, `<!--->`, "p", Options{}},
	{"comment-empty", `<!----><p rm>x</p>`, `<!---->`, "p", Options{}},
	{"comment-bang-not-closed", `<!--!><p rm>x</p>`, `<!--!><p rm>x</p>`, "", Options{}},
	{"comment-bang-end", `<!-- a --!><p rm>x</p>`, `<!-- a --!>`, "p", Options{}},
	{"comment-dashes", `<!-- a ---><p rm>x</p>`, `<!-- a --->`, "p", Options{}},
	{"comment-single-dash-gt", `<!-- a -><p rm>x</p> --><p rm>y</p>`, `<!-- a -><p rm>x</p> -->`, "p", Options{}},
	{"comment-unclosed", `<!-- <p rm>x</p>`, `<!-- <p rm>x</p>`, "", Options{}},
	{"bogus-bang", `<!x><p rm>y</p>`, `<!x>`, "p", Options{}},
	{"bogus-bang-tag-inside", `<!x <p rm>z</p>`, `<!x <p rm>z</p>`, "", Options{}},
	{"bogus-single-dash", `<!-x <p rm>z</p>`, `<!-x <p rm>z</p>`, "", Options{}},
	{"bogus-empty", `<!><p rm>y</p>`, `<!>`, "p", Options{}},
	{"bogus-pi", `<?xml version="1.0"?><p rm>a</p>`, `<?xml version="1.0"?>`, "p", Options{}},
	{"bogus-end-tag", `</ <p rm>x`, `</ <p rm>x`, "", Options{}},
	{"end-tag-empty", `a</>b<i rm>c</i>`, `a</>b`, "i", Options{}},
	// doctype
	{"doctype", `<!DOCTYPE html><p rm>a</p>`, `<!DOCTYPE html>`, "p", Options{}},
	{"doctype-lower-quoted-gt", `<!doctype html PUBLIC "a>b"><p rm>a</p>`, `<!doctype html PUBLIC "a>b">`, "p", Options{}},
	{"doctype-partial", `<!DOCTYP <p rm>x`, `<!DOCTYP <p rm>x`, "", Options{}},
	// CDATA
	{"cdata-foreign", `<svg><![CDATA[<p rm>]]></svg><p rm>a</p>`, `<svg><![CDATA[<p rm>]]></svg>`, "svg p", Options{}},
	{"cdata-brackets", `<math><![CDATA[]]]]><p rm>x</p>`, `<math><![CDATA[]]]]>`, "math p", Options{}},
	{"cdata-html-is-bogus", `<![CDATA[<p rm>x]]>`, `<![CDATA[<p rm>x]]>`, "", Options{}},
	// script
	{"script-raw", `<script><p rm></script><p rm>x</p>`, `<script><p rm></script>`, "script p", Options{}},
	{"script-double-escape", `<script><!--<script></script><p rm>--></script><p rm>y</p>`, `<script><!--<script></script><p rm>--></script>`, "script p", Options{}},
	{"script-escaped-lt-lt", `<script><!--<<script </script><p rm>x</p></script><p rm>y</p>`, `<script><!--<<script </script><p rm>x</p></script>`, "script p", Options{}}, // x/net/html differs (xnetEscapeQuirk)
	{"script-escaped-end", `<script><!-- </script><p rm>x</p>`, `<script><!-- </script>`, "script p", Options{}},
	{"script-escape-abrupt", `<script><!--></script><p rm>x</p>`, `<script><!--></script>`, "script p", Options{}},
	{"script-escape-reenter", `<script><!-- --> <script></script><p rm>x</p>`, `<script><!-- --> <script></script>`, "script p", Options{}},
	{"script-double-escape-slash", `<script><!--<script/></script>--></script><b rm>x</b>`, `<script><!--<script/></script>--></script>`, "script b", Options{}},
	{"script-double-escape-other", `<script><!--<scripts></script><b rm>x</b>`, `<script><!--<scripts></script>`, "script b", Options{}},
	{"script-end-space-upper", `<script>a</SCRIPT ><p rm>x</p>`, `<script>a</SCRIPT >`, "script p", Options{}},
	{"script-end-attrs", `<script>a</script foo=">"><p rm>x</p>`, `<script>a</script foo=">">`, "script p", Options{}},
	{"script-end-slash", `<script>a</script/><p rm>x</p>`, `<script>a</script/>`, "script p", Options{}},
	{"script-not-end", `<script>a</scripty><p rm></script>`, `<script>a</scripty><p rm></script>`, "script", Options{}},
	{"script-lt-lt", `<script>a<</</script><b rm>x</b>`, `<script>a<</</script>`, "script b", Options{}},
	{"script-selfclosing-html", `<script rm/>a</script>b`, `b`, "script", Options{}},
	{"script-unclosed-removed", `x<script rm>var a`, `x`, "script", Options{}},
	// raw text and RCDATA
	{"style", `<style><p rm></style><p rm>x</p>`, `<style><p rm></style>`, "style p", Options{}},
	{"xmp", `<xmp><p rm></xmp>`, `<xmp><p rm></xmp>`, "xmp", Options{}},
	{"iframe", `<iframe><p rm></iframe>`, `<iframe><p rm></iframe>`, "iframe", Options{}},
	{"noembed", `<noembed><p rm></noembed>`, `<noembed><p rm></noembed>`, "noembed", Options{}},
	{"noframes", `<noframes><p rm></noframes>`, `<noframes><p rm></noframes>`, "noframes", Options{}},
	{"style-no-escape", `<style><!--</style><p rm>x</p>-->`, `<style><!--</style>-->`, "style p", Options{}},
	{"title", `<title><p rm></title><textarea><p rm></TEXTAREA><p rm>x</p>`, `<title><p rm></title><textarea><p rm></TEXTAREA>`, "title textarea p", Options{}},
	{"rcdata-entities", `<textarea>&lt;p rm&gt;</textarea>`, `<textarea>&lt;p rm&gt;</textarea>`, "textarea", Options{}},
	{"plaintext", `<plaintext></plaintext><p rm>`, `<plaintext></plaintext><p rm>`, "plaintext", Options{}},
	// noscript is markup
	{"noscript-pixel", `<noscript><img src="https://www.facebook.com/tr?id=1" rm></noscript>`, `<noscript></noscript>`, "noscript img", Options{}},
	{"noscript-remove", `a<noscript rm><img src=x></noscript>b`, `ab`, "noscript", Options{}},
	// attributes
	{"attr-sq-gt", `<p title='a>b' rm>x</p>y`, `y`, "p", Options{}},
	{"attr-dq-gt", `<p title="a>b" rm>x</p>y`, `y`, "p", Options{}},
	{"attr-unquoted-quote", `<p title=a'b rm>x</p>y`, `y`, "p", Options{}},
	{"attr-unquoted-gt", `<p title=a>b rm>x</p>`, `<p title=a>b rm>x</p>`, "p", Options{}},
	{"attr-name-quote", `<p a"b rm>x</p>y`, `y`, "p", Options{}},
	{"attr-no-space", `<p a="1"rm>x</p>y`, `y`, "p", Options{}},
	{"attr-entities-untouched", `<p title="&amp;&lt;">&amp;</p>`, `<p title="&amp;&lt;">&amp;</p>`, "p", Options{}},
	{"attr-newlines", "<p\nclass=a\r\n\trm\n>x</p>y", `y`, "p", Options{}},
	{"attr-empty-value", `<p rm=>x</p>y`, `y`, "p", Options{}},
	// names, self-closing, EOF
	{"uppercase", `<P RM>x</P>y`, `y`, "p", Options{}},
	{"void-selfclosing", `<br rm/>a`, `a`, "br", Options{}},
	{"void-img", `a<img rm src=x>b`, `ab`, "img", Options{}},
	{"selfclosing-ignored-html", `<div rm/>x</div>y`, `y`, "div", Options{}},
	{"selfclosing-svg", `<svg><circle rm/>a</svg>`, `<svg>a</svg>`, "svg circle", Options{}},
	{"unclosed-tag-eof", `a<p rm`, `a<p rm`, "", Options{}},
	{"unclosed-attr-eof", `a<p title="x>`, `a<p title="x>`, "", Options{}},
	{"lt-non-letter", `a < b <3 <=> <> <<p rm>x</p>`, `a < b <3 <=> <> <`, "p", Options{}},
	{"lt-eof", `a<`, `a<`, "", Options{}},
	{"slash-eof", `a</`, `a</`, "", Options{}},
	{"name-with-digits", `<h1 rm>x</h1><h2>y</h2>`, `<h2>y</h2>`, "h1 h2", Options{}},
	// element actions
	{"remove-nested", `<div rm><div>a</div>b</div>c`, `c`, "div", Options{}},
	{"remove-missing-end", `<div rm>abc`, `<div rm>abc`, "div", Options{}},
	{"remove-end-in-comment", `<div rm><!-- </div> --></div>c`, `c`, "div", Options{}},
	{"remove-end-in-script", `<div rm><script>"</div>"</script></div>c`, `c`, "div", Options{}},
	{"removetag", `<p rmtag>x</p>`, `x</p>`, "p", Options{}},
	{"replace", `<p rp>x</p>y`, `[R]y`, "p", Options{}},
	{"replace-script", `<script rp>x</script>y`, `[R]y`, "script", Options{}},
	{"replace-void", `<img rp>y`, `[R]y`, "img", Options{}},
	{"replace-unclosed", `<p rp>x`, `<p rp>x`, "p", Options{}},
	{"replacetag", `<a href=x rpt ping="https://t.example/p">x</a>y`, `<a href=x >x</a>y`, "a", Options{}},
	{"replacetag-first-attr", `<a rpt PING=https://t.example/p href="x">x</a>`, `<a href="x">x</a>`, "a", Options{}},
	{"replacetag-before-slash", `<a href=x rpt ping="y"/>z`, `<a href=x />z`, "a", Options{}},
	{"replacetag-no-space", `<a href="x"rpt ping='y'>z`, `<a href="x">z`, "a", Options{}},
	{"replacetag-void", `<img src=x rpt>y`, `<img src=x >y`, "img", Options{}},
	{"replacetag-script", `<script rpt src=a>x</script>y`, `<script src=a>x</script>y`, "script", Options{}},
	{"replacetag-content", `<p insp>swap</p>y`, `[T]swap</p>y`, "p", Options{}},
	{"inject-head-replacetag", `<head rpt><meta>`, `<head >[I]<meta>`, "head meta", Options{Inject: []byte("[I]")}},
	{"inspect-remove", `<script insp>bad()</script>ok`, `ok`, "script", Options{}},
	{"inspect-keep", `<script insp>good()</script>`, `<script insp>good()</script>`, "script", Options{}},
	{"inspect-replace", `<script insp>rep</script>`, `[R]`, "script", Options{}},
	{"inspect-removetag", `<script insp>tag</script>`, `tag</script>`, "script", Options{}},
	{"inspect-noscript", `<noscript insp><img src=bad></noscript>k`, `k`, "noscript", Options{}},
	{"inspect-void", `<img insp>`, `<img insp>`, "img", Options{}},
	{"inspect-unclosed", `<script insp>bad`, `<script insp>bad`, "script", Options{}},
	{"inspect-escaped-script", `<script insp><!--<script>bad</script>--></script>x`, `x`, "script", Options{}},
	{"not-dispatched-inside-removed", `<div rm><p rm>x</p></div><p>y</p>`, `<p>y</p>`, "div p", Options{}},
	// limits
	{"maxtag", `<p rm title="` + strings.Repeat("x", 100) + `">a</p>b<i rm>c</i>`, `<p rm title="` + strings.Repeat("x", 100) + `">a</p>b`, "i", Options{MaxTag: 64}},
	{"maxtag-script-still-raw", `<script title="` + strings.Repeat("x", 100) + `"><i rm></script><i rm>c</i>`, `<script title="` + strings.Repeat("x", 100) + `"><i rm></script>`, "i", Options{MaxTag: 64}},
	{"maxcontent", `<div rm>` + strings.Repeat("y", 100) + `<i rm>x</i></div>z<i rm>c</i>`, `<div rm>` + strings.Repeat("y", 100) + `<i rm>x</i></div>z`, "div i", Options{MaxContent: 50}},
	{"maxcontent-inspect", `<script insp>bad` + strings.Repeat("y", 100) + `</script>`, `<script insp>bad` + strings.Repeat("y", 100) + `</script>`, "script", Options{MaxContent: 50}},
	{"maxcontent-exact", `<script insp>bad` + strings.Repeat("y", 38) + `</script>z`, `z`, "script", Options{MaxContent: 50}},
	// foreign content
	{"svg-script-markup", `<svg><script rm>x</script></svg>`, `<svg></svg>`, "svg script", Options{}},
	{"svg-style-breakout", `<svg><style><p rm>x</p></style></svg>`, `<svg><style></style></svg>`, "svg style p", Options{}},
	{"svg-title-integration", `<svg><title><p rm>x</p></title></svg>`, `<svg><title></title></svg>`, "svg title p", Options{}},
	{"svg-foreignobject-script", `<svg><foreignObject><script><p rm></script></foreignObject></svg>`, `<svg><foreignObject><script><p rm></script></foreignObject></svg>`, "svg foreignobject script", Options{}},
	{"svg-desc-style", `<svg><desc><style><b rm></style></desc></svg>`, `<svg><desc><style><b rm></style></desc></svg>`, "svg desc style", Options{}},
	{"svg-closed-then-html", `<svg></svg><script><b rm></script>`, `<svg></svg><script><b rm></script>`, "svg script", Options{}},
	{"svg-selfclosing", `<svg/><script><b rm></script>`, `<svg/><script><b rm></script>`, "svg script", Options{}},
	{"math-mi-integration", `<math><mi><style><b rm></style></mi></math>`, `<math><mi><style><b rm></style></mi></math>`, "math mi style", Options{}},
	// injection
	{"inject-head", `<html><head><title>t</title></head><body>x</body></html>`, `<html><head>[I]<title>t</title></head><body>x</body></html>`, "html head title body", Options{Inject: []byte("[I]")}},
	{"inject-head-attrs-upper", `<!DOCTYPE html><HTML><HEAD profile="x"><meta>`, `<!DOCTYPE html><HTML><HEAD profile="x">[I]<meta>`, "html head meta", Options{Inject: []byte("[I]")}},
	{"inject-implied-head", `<!DOCTYPE html><html lang=en><meta charset=utf-8><title>x</title>`, `<!DOCTYPE html><html lang=en>[I]<meta charset=utf-8><title>x</title>`, "html meta title", Options{Inject: []byte("[I]")}},
	{"inject-body-first", `<body>x</body>`, `[I]<body>x</body>`, "body", Options{Inject: []byte("[I]")}},
	{"inject-header-not-head", `<header>x</header><head>`, `[I]<header>x</header><head>`, "header head", Options{Inject: []byte("[I]")}},
	{"inject-comment-head", `<!-- <head> --><head>`, `<!-- <head> --><head>[I]`, "head", Options{Inject: []byte("[I]")}},
	{"inject-text-only", `text only`, `text only[I]`, "", Options{Inject: []byte("[I]")}},
	{"inject-before-removed", `<script src=t rm></script>x`, `[I]x`, "script", Options{Inject: []byte("[I]")}},
	{"inject-head-unclosed", `<html><head`, `<html><head[I]`, "html", Options{Inject: []byte("[I]")}},
	{"inject-head-removetag", `<head rmtag><meta>`, `[I]<meta>`, "head meta", Options{Inject: []byte("[I]")}},
	{"inject-head-kept", `<head rm><title>x</title></head>`, `<head rm>[I]<title>x</title></head>`, "head title", Options{Inject: []byte("[I]")}},
	{"inject-head-inspect-kept", `<head insp>bad</head>`, `<head insp>[I]bad</head>`, "head", Options{Inject: []byte("[I]")}},
	{"inject-once", `<head><head><body>`, `<head>[I]<head><body>`, "head head body", Options{Inject: []byte("[I]")}},
	{"inject-long-head", `<head title="` + strings.Repeat("x", 100) + `"><b rm>x</b>`, `<head title="` + strings.Repeat("x", 100) + `">[I]`, "b", Options{MaxTag: 64, Inject: []byte("[I]")}},
	{"inject-long-body", `<html><body title="` + strings.Repeat("x", 100) + `">`, `<html>[I]<body title="` + strings.Repeat("x", 100) + `">`, "html", Options{MaxTag: 64, Inject: []byte("[I]")}},
}

func TestTokenizer(t *testing.T) {
	for _, tc := range tokenizerCases {
		t.Run(tc.name, func(t *testing.T) {
			h := &recHandler{}
			got := string(Rewrite(nil, []byte(tc.in), h, tc.opt))
			if got != tc.want {
				t.Errorf("Rewrite(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if seen := strings.Join(h.seen, " "); seen != tc.seen {
				t.Errorf("Rewrite(%q) start tags %q, want %q", tc.in, seen, tc.seen)
			}
			// every way to cut the input in two and three pieces, and byte by byte
			src := []byte(tc.in)
			for a := 0; a <= len(src); a++ {
				for b := a; b <= len(src); b++ {
					out, _ := rewriteChunks(src, []int{a, b}, &recHandler{}, tc.opt)
					if string(out) != tc.want {
						t.Fatalf("cut at %d,%d: got %q want %q", a, b, out, tc.want)
					}
				}
			}
			cuts := make([]int, len(src))
			for i := range cuts {
				cuts[i] = i
			}
			if out, _ := rewriteChunks(src, cuts, &recHandler{}, tc.opt); string(out) != tc.want {
				t.Fatalf("byte by byte: got %q want %q", out, tc.want)
			}
			// keep-all gives the input back
			if out := Rewrite(nil, src, KeepAll{}, Options{MaxTag: tc.opt.MaxTag, MaxContent: tc.opt.MaxContent}); !bytes.Equal(out, src) {
				t.Fatalf("keep-all changed the input: %q", out)
			}
		})
	}
}

func TestAttr(t *testing.T) {
	var got []string
	h := handlerFunc(func(e *Element) Action {
		for n, v := range e.Attrs() {
			got = append(got, fmt.Sprintf("%s=%s", n, v))
		}
		src := e.AttrDecoded("SRC")
		_, hasX := e.Attr("x")
		_, hasNo := e.Attr("nope")
		got = append(got, "src:"+src, fmt.Sprint(hasX, hasNo))
		return Keep
	})
	Rewrite(nil, []byte(`<img SRC="https://a.example/p?a=1&amp;b=&#x32;&#51;&quot;&bogus;&amp" x data-y='q"r' z=u/v =w x=dup/>`), h, Options{})
	want := []string{`SRC=https://a.example/p?a=1&amp;b=&#x32;&#51;&quot;&bogus;&amp`, `x=`, `data-y=q"r`, `z=u/v`, `=w=`, `x=dup/`,
		`src:https://a.example/p?a=1&b=23"&bogus;&`, "true false"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("attrs\n got %q\nwant %q", got, want)
	}
}

func TestDecodeEntities(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a&amp;b", "a&b"},
		{"&lt;&gt;&quot;&apos;&sol;&colon;", `<>"'/:`},
		{"&#47;&#x2F;&#X2f;", "///"},
		{"&#0;&#xD800;&#x110000;", "\uFFFD\uFFFD\uFFFD"},
		{"&unknown;&", "&unknown;&"},
		{"&amp", "&"},
		{"&#;&#x;", "&#;&#x;"},
		{"https:&sol;&sol;www.facebook.com&sol;tr", "https://www.facebook.com/tr"},
	} {
		if got := DecodeEntities([]byte(tc.in)); got != tc.want {
			t.Errorf("DecodeEntities(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

type handlerFunc func(e *Element) Action

func (f handlerFunc) StartTag(e *Element) Action      { return f(e) }
func (f handlerFunc) Content(*Element, []byte) Action { return Keep }

func TestStats(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, &recHandler{}, Options{Inject: []byte("[I]")})
	in := `<head><p rm>x</p><img rm><b>y</b>`
	r.Write([]byte(in))
	r.Close()
	if r.Removed() != 2 || r.BytesIn() != int64(len(in)) || r.BytesOut() != int64(out.Len()) || !r.Injected() {
		t.Errorf("removed %d in %d out %d (len %d) injected %v", r.Removed(), r.BytesIn(), r.BytesOut(), out.Len(), r.Injected())
	}
	if _, err := r.Write([]byte("x")); err != ErrClosed {
		t.Errorf("write after close: %v", err)
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, fmt.Errorf("disk full")
	}
	w.n--
	return len(p), nil
}

func TestWriterError(t *testing.T) {
	r := New(&failWriter{n: 1}, &recHandler{}, Options{})
	r.Write([]byte("<p rm>x</p>a"))
	_, err := r.Write([]byte("<b rm>x</b>b<i rm>c</i>"))
	if err == nil {
		_, err = r.Write([]byte("more"))
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("error not reported: %v", err)
	}
	if err := r.Close(); err == nil {
		t.Fatal("Close did not report the error")
	}
}

func TestTagTable(t *testing.T) {
	for _, tc := range []struct {
		name string
		info tagInfo
	}{
		{"script", tiScript}, {"title", tiRCDATA | tiSVGInt}, {"foreignobject", tiSVGInt}, {"plaintext", tiPlain},
		{"img", tiVoid | tiBreakout}, {"br", tiVoid | tiBreakout}, {"mtext", tiMathInt}, {"blockquote", tiBreakout},
		{"noframes", tiRawText}, {"basefont", tiVoid},
		{"scripts", 0}, {"scrip", 0}, {"plaintexx", 0}, {"foreignobjects", 0}, {"a", 0}, {"", 0}, {"blockquotf", 0},
	} {
		var got tagInfo
		if e := lookupTag(packName(tc.name), []byte(tc.name)); e != nil {
			got = e.info
			if e.name != tc.name {
				t.Errorf("lookupTag(%q) found %q", tc.name, e.name)
			}
		}
		if got != tc.info {
			t.Errorf("lookupTag(%q) = %b, want %b", tc.name, got, tc.info)
		}
	}
}
