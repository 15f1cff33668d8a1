package audit

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"math"
	"sort"
)

//go:embed report.html.tmpl
var reportTmpl string

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"png": func(b []byte) template.URL {
		// base64 of PNG bytes we captured ourselves: safe as a data URL.
		return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b))
	},
	"pct": func(n, max int) int {
		if max == 0 {
			return 0
		}
		return int(math.Round(float64(n) * 100 / float64(max)))
	},
	"ms":      func(v float64) string { return template.HTMLEscapeString(trimFloat(v)) },
	"tracker": isTracker,
}).Parse(reportTmpl))

func trimFloat(v float64) string {
	b, _ := MarshalJSON(math.Round(v))
	return string(bytes.TrimSpace(b))
}

// catCount is one bar of a per-category chart.
type catCount struct {
	Category string
	Count    int
}

type htmlPass struct {
	*Pass
	Categories []catCount
	Max        int
	Span       float64 // ms of the last request
	// Lanes is the timeline chart: one row per category, a tick per request.
	Lanes  []lane
	Height int // of the chart, in SVG units
}

// lane is one category's row of the timeline chart (SVG units: the chart
// is chartW wide, rows laneH high under a label line).
type lane struct {
	Category string
	Y        int
	Ticks    []tick
}

type tick struct {
	X     float64
	Title string
}

const (
	chartW = 300
	laneH  = 26
)

// lanes lays the pass's requests out per category over time.
func lanes(p *Pass, cats []catCount, span float64) ([]lane, int) {
	idx := map[string]int{}
	out := make([]lane, len(cats))
	for i, c := range cats {
		idx[c.Category] = i
		out[i] = lane{Category: c.Category, Y: i * laneH}
	}
	for _, q := range p.Requests {
		x := 0.0
		if span > 0 {
			x = q.At / span * (chartW - 2)
		}
		l := &out[idx[q.Category]]
		l.Ticks = append(l.Ticks, tick{X: x + 1, Title: fmt.Sprintf("%.0f ms %s", q.At, clip(q.URL, 200))})
	}
	return out, len(cats)*laneH + 14
}

type htmlData struct {
	*SiteReport
	HTMLPasses []htmlPass
}

// HTML renders a self-contained HTML report: per-category charts, a request
// timeline per pass, the screenshots, every finding with its evidence. All
// site data goes through html/template, so a hostile title, URL or cookie
// value is text, never markup.
func HTML(r *SiteReport) ([]byte, error) {
	d := htmlData{SiteReport: r}
	for i := range r.Passes {
		p := &r.Passes[i]
		hp := htmlPass{Pass: p}
		m := map[string]int{}
		for _, q := range p.Requests {
			m[q.Category]++
			if q.At > hp.Span {
				hp.Span = q.At
			}
		}
		for c, n := range m {
			hp.Categories = append(hp.Categories, catCount{c, n})
			if n > hp.Max {
				hp.Max = n
			}
		}
		sort.Slice(hp.Categories, func(i, j int) bool { return hp.Categories[i].Category < hp.Categories[j].Category })
		hp.Lanes, hp.Height = lanes(p, hp.Categories, hp.Span)
		d.HTMLPasses = append(d.HTMLPasses, hp)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
