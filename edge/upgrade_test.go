package edge

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// wsOrigin answers a WebSocket handshake and then echoes every byte back
// upper-cased (the proxy never looks at frames, so raw bytes will do). It
// records the handshake it received.
type wsOrigin struct {
	mu     sync.Mutex
	got    []*http.Request
	closed chan struct{} // closed when an echo connection ended
	once   sync.Once
}

func (o *wsOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.got = append(o.got, r)
	o.mu.Unlock()
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") || r.URL.Path == "/refuse" {
		http.Error(w, "no upgrade here", http.StatusUpgradeRequired)
		return
	}
	conn, brw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer o.once.Do(func() { close(o.closed) })
	defer conn.Close()
	sum := sha1.Sum([]byte(r.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(sum[:]) + "\r\n" +
		"Set-Cookie: _ga=GA1.1.1.1; Path=/\r\nSet-Cookie: session=abc; Path=/; HttpOnly\r\n\r\n")
	brw.Flush()
	buf := make([]byte, 512)
	for {
		n, err := brw.Read(buf)
		if n > 0 {
			conn.Write([]byte(strings.ToUpper(string(buf[:n]))))
		}
		if err != nil {
			return
		}
	}
}

// wsDial sends a WebSocket handshake through the proxy and returns the
// connection and the response.
func wsDial(t *testing.T, r *rig, path string, extra ...string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(r.front.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	req := "GET " + path + " HTTP/1.1\r\nHost: harbor.example\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
	for _, h := range extra {
		req += h + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("handshake response: %v", err)
	}
	return c, br, resp
}

func TestWebSocket(t *testing.T) {
	o := &wsOrigin{closed: make(chan struct{})}
	r := newRig(t, o, func(c *Config) { c.Timeout = Duration(300 * time.Millisecond) })
	c, br, resp := wsDial(t, r, "/live?room=1", "Cookie: _ga=GA1.1.1.1; session=abc", "Sec-GPC: 1")
	if resp.StatusCode != http.StatusSwitchingProtocols || !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") ||
		resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("handshake: %d %v", resp.StatusCode, resp.Header)
	}
	if sc := resp.Header.Values("Set-Cookie"); len(sc) != 1 || !strings.HasPrefix(sc[0], "session=") {
		t.Errorf("Set-Cookie on the 101 = %q, want only the site's session cookie", sc)
	}
	// Outlives the whole-exchange timeout: a socket lives as long as the page.
	time.Sleep(500 * time.Millisecond)
	for _, msg := range []string{"hello", "still here"} {
		if _, err := io.WriteString(c, msg); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, len(msg))
		if _, err := io.ReadFull(br, buf); err != nil || string(buf) != strings.ToUpper(msg) {
			t.Fatalf("echo of %q = %q, %v", msg, buf, err)
		}
	}
	o.mu.Lock()
	got := o.got[0]
	o.mu.Unlock()
	if got.Host != "harbor.example" || got.URL.RequestURI() != "/live?room=1" || got.Header.Get("Sec-GPC") != "1" ||
		got.Header.Get("Sec-WebSocket-Key") != "dGhlIHNhbXBsZSBub25jZQ==" {
		t.Errorf("origin handshake: host %q uri %q header %v", got.Host, got.URL.RequestURI(), got.Header)
	}
	if ck := got.Header.Get("Cookie"); ck != "session=abc" {
		t.Errorf("origin got Cookie %q, want the analytics cookie removed", ck)
	}
	// Closing the visitor's side closes the origin's.
	c.Close()
	select {
	case <-o.closed:
	case <-time.After(5 * time.Second):
		t.Errorf("the origin's connection stayed open after the visitor left")
	}
}

func TestWebSocketRefused(t *testing.T) {
	r := newRig(t, &wsOrigin{}, nil)
	_, _, resp := wsDial(t, r, "/refuse")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUpgradeRequired || !strings.Contains(string(body), "no upgrade here") {
		t.Errorf("refused upgrade: %d %q", resp.StatusCode, body)
	}
}

func TestWebSocketOriginDown(t *testing.T) {
	r := newRig(t, &wsOrigin{}, nil)
	r.origin.Close()
	_, _, resp := wsDial(t, r, "/live")
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("origin down: %d, want 502", resp.StatusCode)
	}
}

// TestUpgradeNotSupported: a writer that cannot be taken over (the
// Worker's), or another protocol, gets a 501 and the origin is not asked.
func TestUpgradeNotSupported(t *testing.T) {
	o := &wsOrigin{}
	r := newRig(t, o, nil)
	for _, up := range []string{"websocket", "h2c"} {
		req := httptest.NewRequest("GET", "http://harbor.example/live", nil)
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", up)
		w := httptest.NewRecorder() // no Hijack
		r.proxy.ServeHTTP(w, req)
		if w.Code != http.StatusNotImplemented {
			t.Errorf("%s: %d, want 501", up, w.Code)
		}
	}
	if len(o.got) != 0 {
		t.Errorf("the origin was asked %d times", len(o.got))
	}
}
