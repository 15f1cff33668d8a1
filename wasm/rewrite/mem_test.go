package rewrite

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"
)

// pageReader generates a synthetic page of about size bytes without holding
// it in memory: a head, then repeated blocks with tracker tags, inline
// scripts, pixels in noscript, text, and now and then a tag longer than
// MaxTag and a script longer than MaxContent.
type pageReader struct {
	size, done int64
	blocks     int
	cur        []byte
	block      []byte
	bigTag     []byte
	bigScript  []byte
}

const memBlock = `<div class="item"><h2>Title &amp; more</h2><p>Some text with <a href="/x?a=1&amp;b=2">links</a> and <b>bold</b>.</p>
<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
<img src="https://www.facebook.com/tr?id=1&ev=PageView" width="1" height="1">
<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1"></iframe></noscript>
<script>var x = 1; if (x < 2) { console.log("</div>"); }</script><script>fbq('track', 'PageView');</script>
<img src="/local.png" alt="kept"><!-- comment <script src="https://www.google-analytics.com/a.js"></script> -->
</div>
`

const memRemovedPerBlock = 4

func newPageReader(size int64) *pageReader {
	return &pageReader{
		size:      size,
		block:     []byte(memBlock),
		bigTag:    []byte(`<img alt="big" src="data:image/png;base64,` + strings.Repeat("A", 80<<10) + `">`),
		bigScript: []byte(`<script>` + strings.Repeat("var y = 2;\n", 30<<10) + `</script>`),
	}
}

func (p *pageReader) Read(b []byte) (int, error) {
	if len(p.cur) == 0 {
		switch {
		case p.done >= p.size:
			return 0, io.EOF
		case p.done == 0:
			p.cur = []byte("<!DOCTYPE html><html><head><title>big</title></head><body>\n")
		case p.blocks%500 == 250:
			p.cur = p.bigTag
			p.blocks++
		case p.blocks%500 == 499:
			p.cur = p.bigScript
			p.blocks++
		default:
			p.cur = p.block
			p.blocks++
		}
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	p.done += int64(n)
	return n, nil
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// TestMemoryBounded rewrites a 50 MB page through a chunked reader and
// checks that the rewriter allocates a bounded amount, independent of the
// page size.
func TestMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB page")
	}
	hosts := map[string]bool{"googletagmanager.com": true, "facebook.com": true, "google-analytics.com": true}
	h := inspectHandler{anchorHandler{hosts: hosts}}
	opt := Options{Inject: []byte("<script>guard()</script>")}
	src := newPageReader(50 << 20)
	buf := make([]byte, 7919) // odd chunk size
	var out countWriter

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := New(&out, h, opt)
	if _, err := io.CopyBuffer(struct{ io.Writer }{r}, struct{ io.Reader }{src}, buf); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)

	allocated := after.TotalAlloc - before.TotalAlloc
	limit := uint64(3*(DefaultMaxTag+DefaultMaxContent) + 1<<20)
	t.Logf("in %d bytes, out %d, removed %d, allocated %d bytes (limit %d), heap in use %d -> %d",
		r.BytesIn(), out.n, r.Removed(), allocated, limit, before.HeapInuse, after.HeapInuse)
	if allocated > limit {
		t.Errorf("allocated %d bytes for a %d-byte page, want <= %d", allocated, r.BytesIn(), limit)
	}
	if r.BytesIn() < 50<<20 {
		t.Errorf("only %d bytes read", r.BytesIn())
	}
	if want := (src.blocks - src.blocks/500*2) * memRemovedPerBlock; r.Removed() < want-memRemovedPerBlock || r.Removed() > want {
		t.Errorf("removed %d, want about %d", r.Removed(), want)
	}
	if r.Overflows() == 0 {
		t.Error("the big script did not overflow MaxContent")
	}
}

// TestZeroAllocs guards the zero-allocation contract of a reused Rewriter
// with a non-allocating handler.
func TestZeroAllocs(t *testing.T) {
	src := bytes.Repeat([]byte(memBlock), 200)
	h := inspectHandler{anchorHandler{hosts: map[string]bool{"googletagmanager.com": true, "facebook.com": true}}}
	opt := Options{Inject: []byte("<script>guard()</script>")}
	var out bytes.Buffer
	r := New(&out, h, opt)
	run := func() {
		out.Reset()
		r.Reset(&out, h, opt)
		for off := 0; off < len(src); off += 16 << 10 {
			r.Write(src[off:min(off+16<<10, len(src))])
		}
		r.Close()
	}
	run()
	if n := testing.AllocsPerRun(20, run); n != 0 {
		t.Errorf("%v allocations per document, want 0", n)
	}
	if r.Removed() != 200*memRemovedPerBlock {
		t.Errorf("removed %d, want %d", r.Removed(), 200*memRemovedPerBlock)
	}
}

// inspectHandler adds to anchorHandler the removal of inline scripts
// calling fbq(, without allocating.
type inspectHandler struct{ anchorHandler }

func (h inspectHandler) StartTag(e *Element) Action {
	if string(e.Name()) == "script" && !e.HasAttr("src") {
		return Inspect
	}
	return h.anchorHandler.StartTag(e)
}

func (inspectHandler) Content(_ *Element, body []byte) Action {
	if bytes.Contains(body, []byte("fbq(")) {
		return Remove
	}
	return Keep
}
