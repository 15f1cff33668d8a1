//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentguard/consentguard/internal/fixture"
)

// buildWorker builds a Worker package with scripts/build-worker.sh into a
// per-process temporary folder, once per package.
var (
	buildMu    sync.Mutex
	buildCache = map[string]string{}
	buildTmp   string
)

func buildWorker(t testing.TB, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if d, ok := buildCache[pkg]; ok {
		return d
	}
	root := fixture.Root(t)
	if buildTmp == "" {
		d, err := os.MkdirTemp("", "cg-worker-")
		if err != nil {
			t.Fatal(err)
		}
		buildTmp = d
	}
	out := filepath.Join(buildTmp, strings.NewReplacer("/", "_", ".", "_").Replace(pkg))
	cmd := exec.Command("sh", filepath.Join(root, "scripts", "build-worker.sh"), out, pkg)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build-worker.sh %s: %v\n%s", pkg, err, stderr.Bytes())
	}
	t.Logf("%s", strings.TrimSpace(stderr.String()))
	buildCache[pkg] = out
	return out
}

// workerdBinary returns $WORKERD or installs workerd with
// scripts/install-workerd.sh.
func workerdBinary(t testing.TB) string {
	t.Helper()
	return npmBinary(t, "WORKERD", "install-workerd.sh")
}

// npmBinary returns $env, or the path printed by scripts/script, which
// installs the tool from npm when it is missing (a failure fails the test in
// CI and skips it elsewhere).
func npmBinary(t testing.TB, env, script string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	root := fixture.Root(t)
	cmd := exec.Command("sh", filepath.Join(root, "scripts", script))
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		fixture.Missing(t, fmt.Sprintf("%s: %v\n%s", script, err, stderr.Bytes()))
	}
	return strings.TrimSpace(string(out))
}

// Workerd is a running workerd serving one Worker on a loopback port.
type Workerd struct {
	URL    string // http://127.0.0.1:PORT
	Addr   string
	cmd    *exec.Cmd
	stderr *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func capnpString(s string) string { return strconv.Quote(s) }

// workerdConfig returns the capnp config: the Worker's modules (embedded
// from the config's folder, where startWorkerd copies them), its variables as text bindings, and outbound fetches through
// the "lan" network service (workerd refuses loopback by default).
// v8Flags returns a v8Flags config line for CG_WORKERD_V8FLAGS (space
// separated), for experiments by hand; Cloudflare does not take V8 flags.
func v8Flags() string {
	f := strings.Fields(os.Getenv("CG_WORKERD_V8FLAGS"))
	if len(f) == 0 {
		return ""
	}
	q := make([]string, len(f))
	for i, x := range f {
		q[i] = capnpString(x)
	}
	return "\n  v8Flags = [" + strings.Join(q, ", ") + "],"
}

func workerdConfig(port int, vars map[string]string, jsOnly bool) string {
	modules := `    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "bridge.mjs", esModule = embed "bridge.mjs"),
    (name = "wasm_exec.js", esModule = embed "wasm_exec.js"),
    (name = "app.wasm", wasm = embed "app.wasm"),
`
	if jsOnly {
		modules = `    (name = "worker.mjs", esModule = embed "worker.mjs"),
`
	}
	var b strings.Builder
	b.WriteString(`using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .consentguard),
    (name = "lan", network = (allow = ["public", "private", "local"])),
  ],` + v8Flags() + `
  sockets = [(name = "http", address = ` + capnpString(fmt.Sprintf("127.0.0.1:%d", port)) + `, http = (forwardedProtoHeader = "X-Forwarded-Proto"), service = "main")],
);

const consentguard :Workerd.Worker = (
  modules = [
` + modules + `  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "lan",
  bindings = [
`)
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		sep := ","
		if i == len(keys)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    (name = %s, text = %s)%s\n", capnpString(k), capnpString(vars[k]), sep)
	}
	b.WriteString("  ],\n);\n")
	return b.String()
}

// startWorkerd starts workerd with the Worker built in buildDir and waits
// until it accepts connections. It is stopped at the end of the test.
func startWorkerd(t testing.TB, buildDir string, vars map[string]string) *Workerd {
	t.Helper()
	bin := workerdBinary(t)
	port := freePort(t)
	dir := t.TempDir()
	jsOnly := false
	if _, err := os.Stat(filepath.Join(buildDir, "app.wasm")); err != nil {
		jsOnly = true // a plain JS Worker (testdata/jsworker)
	}
	cfg := filepath.Join(dir, "config.capnp")
	if err := os.WriteFile(cfg, []byte(workerdConfig(port, vars, jsOnly)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"worker.mjs", "bridge.mjs", "wasm_exec.js", "app.wasm"} {
		if jsOnly && f != "worker.mjs" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(buildDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := &Workerd{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Addr: fmt.Sprintf("127.0.0.1:%d", port), stderr: &syncBuffer{}}
	args := []string{"serve", cfg, "--verbose"}
	if a := os.Getenv("CG_WORKERD_INSPECTOR"); a != "" {
		// For profiling by hand: DevTools protocol at ws://ADDR/main.
		args = append(args, "--inspector-addr="+a)
	}
	w.cmd = exec.Command(bin, args...)
	w.cmd.Dir = dir
	w.cmd.Stdout = w.stderr
	w.cmd.Stderr = w.stderr
	if err := w.cmd.Start(); err != nil {
		t.Fatalf("start workerd: %v", err)
	}
	exited := make(chan struct{})
	go func() { w.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		w.cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("workerd log:\n%s", w.stderr.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", w.Addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return w
		}
		select {
		case <-exited:
			t.Fatalf("workerd exited: %v\n%s", w.cmd.ProcessState, w.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("workerd did not listen on %s: %v\n%s", w.Addr, err, w.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Log returns what workerd printed so far.
func (w *Workerd) Log() string { return w.stderr.String() }

// CPU returns the user+system CPU time workerd has used so far (from
// /proc; clock ticks of 10 ms).
func (w *Workerd) CPU(t testing.TB) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", w.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the ")" closing the command name.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// ThreadCPU returns the CPU time of each workerd thread (by thread id),
// in nanoseconds from /proc/PID/task/TID/schedstat. The busiest thread runs
// the isolate; the others are I/O and V8's background compilation and GC,
// which Workers do not bill.
func (w *Workerd) ThreadCPU(t testing.TB) map[string]time.Duration {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/task", w.cmd.Process.Pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]time.Duration, len(ents))
	for _, e := range ents {
		if d, ok := threadCPU(filepath.Join(dir, e.Name())); ok {
			out[e.Name()] = d
		}
	}
	return out
}

// threadCPU reads the time a thread ran, in nanoseconds (the first field
// of schedstat); ok is false when the thread ended.
func threadCPU(taskDir string) (time.Duration, bool) {
	b, err := os.ReadFile(filepath.Join(taskDir, "schedstat"))
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	return time.Duration(n), err == nil
}

// IsolateThread returns the /proc task folder of the thread that gained the
// most CPU between two ThreadCPU snapshots: the one running the isolate.
func (w *Workerd) IsolateThread(before, after map[string]time.Duration) string {
	var tid string
	var m time.Duration
	for id, a := range after {
		if d := a - before[id]; d > m {
			m, tid = d, id
		}
	}
	return fmt.Sprintf("/proc/%d/task/%s", w.cmd.Process.Pid, tid)
}

// busiest returns the largest per-thread CPU increase between two
// ThreadCPU snapshots.
func busiest(before, after map[string]time.Duration) time.Duration {
	var m time.Duration
	for tid, a := range after {
		if d := a - before[tid]; d > m {
			m = d
		}
	}
	return m
}

// client never follows redirects and keeps no cookies.
var client = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}
