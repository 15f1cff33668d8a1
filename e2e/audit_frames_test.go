//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/consentguard/consentguard/audit"
)

const widgetOrigin = "https://widget.framefp.example"

// TestAuditCrossSiteFrames audits a page whose cross-site iframe (its own
// process in Chromium) fingerprints the canvas, keeps a localStorage key and
// reports navigator.globalPrivacyControl: the audit must see the API use,
// the key under the frame's origin, and GPC set inside the frame in the GPC
// pass only.
func TestAuditCrossSiteFrames(t *testing.T) {
	_, s := auditWorld(t, nil)
	r := s.Site(context.Background(), "https://frames.example/")
	if r.Status != audit.StatusOK {
		t.Fatalf("status %s: %s", r.Status, r.Error)
	}
	for _, p := range r.Passes {
		if p.Error != "" {
			t.Errorf("%s: %s", p.Name, p.Error)
			for _, q := range p.Requests {
				t.Logf("%s: request %s %s", p.Name, q.Type, q.URL)
			}
		}
		gpc := p.Name == audit.PassGPC
		var frame *audit.Frame
		for i := range p.Frames {
			if strings.HasPrefix(p.Frames[i].URL, widgetOrigin+"/") {
				frame = &p.Frames[i]
			}
		}
		if frame == nil {
			t.Errorf("%s: cross-site frame not instrumented: %+v", p.Name, p.Frames)
		} else if frame.NavigatorGPC != gpc {
			t.Errorf("%s: navigator.globalPrivacyControl in the frame = %v, want %v", p.Name, frame.NavigatorGPC, gpc)
		}
		canvas := false
		for _, a := range p.APIs {
			if a.API == "canvas-readback" && a.Script == widgetOrigin+"/widget.js" && a.ThirdParty {
				canvas = true
			}
		}
		if !canvas {
			t.Errorf("%s: canvas read-back by the frame's script not seen: %+v", p.Name, p.APIs)
		}
		stored := false
		for _, k := range p.Storage {
			if k.Key == "widget_fp_id" && k.Kind == "local" && k.Origin == widgetOrigin {
				stored = true
			}
		}
		if !stored {
			t.Errorf("%s: the frame's localStorage key not read: %+v", p.Name, p.Storage)
		}
		beacon := "gpc=false"
		if gpc {
			beacon = "gpc=true"
		}
		sent := false
		for _, q := range p.Requests {
			if strings.HasPrefix(q.URL, widgetOrigin+"/collect?"+beacon) {
				sent = true
			}
		}
		if !sent {
			t.Errorf("%s: the frame's beacon with %s not captured", p.Name, beacon)
		}
	}
	if !hasFinding(r, audit.FindCanvasFingerprint) {
		t.Errorf("no canvas fingerprinting finding for the frame: %v", findingIDs(r))
	}
}

// TestAuditBannerInFrame audits a page whose consent notice is in a
// cross-site iframe: "reject all" and "accept all" must be found and
// clicked there, and the frame's own request for the choice captured.
func TestAuditBannerInFrame(t *testing.T) {
	_, s := auditWorld(t, nil)
	r := s.Site(context.Background(), "https://cmpframe.example/")
	if r.Status != audit.StatusOK {
		t.Fatalf("status %s: %s", r.Status, r.Error)
	}
	const notice = "https://notice.cmpframe-cdn.example/notice.html"
	for _, p := range r.Passes {
		choice := map[string]string{audit.PassReject: "reject", audit.PassAccept: "accept"}[p.Name]
		if choice == "" {
			if p.Banner != nil && p.Banner.Clicked != "" {
				t.Errorf("%s: clicked %q", p.Name, p.Banner.Clicked)
			}
			continue
		}
		if p.Banner == nil || p.Banner.Frame != notice || !strings.Contains(strings.ToLower(p.Banner.Clicked), choice) {
			t.Errorf("%s: banner in the frame not clicked: %+v", p.Name, p.Banner)
		}
		sent := false
		for _, q := range p.Requests {
			if q.URL == "https://notice.cmpframe-cdn.example/choice?c="+choice {
				sent = true
			}
		}
		if !sent {
			t.Errorf("%s: the frame's %s request not captured", p.Name, choice)
		}
	}
	if hasFinding(r, audit.FindNoBanner) {
		t.Errorf("no-banner finding although the frame has one")
	}
}

func hasFinding(r *audit.SiteReport, id string) bool {
	for _, f := range r.Findings {
		if f.ID == id {
			return true
		}
	}
	return false
}
