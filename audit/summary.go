package audit

import (
	"fmt"
	"io"
)

// Summary writes a short terminal summary of one site.
func Summary(w io.Writer, r *SiteReport) {
	if r.Status == StatusError {
		fmt.Fprintf(w, "%s: ERROR %s\n", r.URL, r.Error)
		return
	}
	fmt.Fprintf(w, "%s (%s): %d tracker hosts, %d findings, %.1fs\n", r.URL, r.Title, len(r.Trackers), len(r.Findings), r.Seconds)
	for _, p := range r.Passes {
		fmt.Fprintf(w, "  %-12s %3d requests, %2d tracker hosts, %2d cookies", p.Name, len(p.Requests), len(p.TrackerHosts), len(p.Cookies))
		if p.Banner != nil {
			fmt.Fprintf(w, ", banner %s", p.Banner.CMP)
			if p.Banner.Clicked != "" {
				fmt.Fprintf(w, " (clicked %q)", p.Banner.Clicked)
			}
		}
		if p.Error != "" {
			fmt.Fprintf(w, ", error: %s", p.Error)
		}
		fmt.Fprintln(w)
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  [%s] %s", f.Severity, f.Title)
		if f.Pass != "" {
			fmt.Fprintf(w, " (%s)", f.Pass)
		}
		fmt.Fprintln(w)
	}
}
