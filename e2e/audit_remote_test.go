//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/consentguard/consentguard/audit"
)

// TestAuditRemote drives a Chromium that already runs (started here with a
// DevTools port, as a container pool would) through --remote: each pass in
// a fresh browser context of that browser.
func TestAuditRemote(t *testing.T) {
	w, s := auditWorld(t, nil)
	// Its own user-data-dir, removed once the whole process group is gone
	// (Chromium's helpers outlive the main process for a moment).
	dir, err := os.MkdirTemp("", "audit-remote-")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(chromiumPath(t), "--headless=new", "--no-sandbox", "--remote-debugging-port=0", "--user-data-dir="+dir,
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--host-resolver-rules="+s.Browser.HostRules, "--ignore-certificate-errors-spki-list="+w.SPKI, "about:blank")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		for i := 0; i < 50; i++ {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Errorf("remove %s: still in use", dir)
	}()
	wsRe := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := wsRe.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case s.Browser.Remote = <-found:
	case <-time.After(60 * time.Second):
		t.Fatal("chromium printed no DevTools address")
	}
	s.Browser.Chromium = "/nonexistent" // must not be started
	r := s.Site(context.Background(), "https://early.example/")
	if r.Status != audit.StatusOK || len(r.Passes) != 4 {
		t.Fatalf("remote audit: status %s %s, %d passes", r.Status, r.Error, len(r.Passes))
	}
	ids := findingIDs(r)
	for _, id := range []string{audit.FindTrackersBeforeConsent, audit.FindTrackersAfterReject} {
		if !contains(ids, id) {
			t.Errorf("remote audit: %s missing from %v", id, ids)
		}
	}
	if len(r.Passes[1].TrackerHosts) == 0 || !r.Passes[1].Signals.NavigatorGPC {
		t.Errorf("remote GPC pass: %d tracker hosts, navigator GPC %v", len(r.Passes[1].TrackerHosts), r.Passes[1].Signals.NavigatorGPC)
	}
}
