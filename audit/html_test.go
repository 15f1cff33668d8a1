package audit

import (
	"strings"
	"testing"
)

// TestHTMLTimelineChart checks the per-pass timeline is an inline SVG with
// one lane per category and one tick per request, site data escaped.
func TestHTMLTimelineChart(t *testing.T) {
	p := Pass{Name: PassFirst}
	for i, c := range []string{"analytics", "none", "analytics"} {
		p.Requests = append(p.Requests, Request{At: float64(i * 100), URL: "https://t.example/<script>alert(1)</script>", Category: c})
	}
	b, err := HTML(&SiteReport{URL: "https://s.example/", Passes: []Pass{p}})
	if err != nil {
		t.Fatal(err)
	}
	h := string(b)
	i := strings.Index(h, "<svg class=\"timeline\"")
	j := strings.Index(h, "</svg>")
	if i < 0 || j < i {
		t.Fatalf("no timeline SVG")
	}
	svg := h[i:j]
	if n := strings.Count(svg, "<rect"); n != 3 {
		t.Errorf("%d ticks, want 3", n)
	}
	if !strings.Contains(svg, "analytics (2)") || !strings.Contains(svg, "none (1)") {
		t.Errorf("lanes missing: %s", svg)
	}
	if strings.Contains(h, "<script>alert") {
		t.Errorf("request URL not escaped")
	}
	if !strings.Contains(svg, `x="299.0"`) || !strings.Contains(svg, `x="1.0"`) {
		t.Errorf("ticks not spread over the span: %s", svg)
	}
}
