//go:build e2e

package e2e

import (
	"bufio"
	"io"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"
)

// startAnnounced starts cmd in its own process group, keeps its output, and
// waits (up to timeout) for a line of it matching ready, whose submatches
// it returns. At cleanup the whole group gets SIGTERM, then SIGKILL after
// 10 s; the output is logged when the test failed.
func startAnnounced(t testing.TB, cmd *exec.Cmd, name string, ready *regexp.Regexp, timeout time.Duration) []string {
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &syncBuffer{}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = io.MultiWriter(out, pw), io.MultiWriter(out, pw)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		pw.Close()
		if t.Failed() {
			t.Logf("%s output:\n%s", name, tail(out.String(), 4000))
		}
	})
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := ready.FindStringSubmatch(sc.Text()); m != nil {
				found <- m
				break
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case m := <-found:
		return m
	case <-time.After(timeout):
		t.Fatalf("%s did not announce itself within %s:\n%s", name, timeout, tail(out.String(), 4000))
		return nil
	}
}
