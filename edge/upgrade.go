package edge

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// upgradeType returns the lower-case protocol a request asks to switch to
// ("websocket"), or "" when it asks for none (RFC 9110 7.8: Upgrade, with
// "upgrade" listed in Connection).
func upgradeType(h http.Header) string {
	for _, v := range h.Values("Connection") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), "upgrade") {
				return strings.ToLower(strings.TrimSpace(h.Get("Upgrade")))
			}
		}
	}
	return ""
}

// serveUpgrade proxies a WebSocket handshake to the origin and, when the
// origin switches protocols, splices the visitor's connection to the
// origin's until either side closes. The request's cookies are filtered
// and the 101 response's Set-Cookie lines decided as for any response; no
// frame is looked at. The whole-exchange timeout does not apply to the
// open connection (it lives as long as the page wants); the header timeout
// does apply to the handshake. Where the connection cannot be taken over
// (the Worker's runtime, HTTP/2 visitors), the visitor gets a 501.
func (p *Proxy) serveUpgrade(w http.ResponseWriter, r *http.Request, host, proto string) {
	st, source := p.state(r, host)
	rep := p.newReport(r)
	hj, ok := w.(http.Hijacker)
	if !ok || proto != "websocket" || r.ProtoMajor != 1 {
		errorPage(w, http.StatusNotImplemented, "This proxy does not pass on this protocol upgrade.")
		return
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	out, removedCookies, err := p.outbound(ctx, r, host, st)
	if err != nil {
		errorPage(w, http.StatusBadRequest, "Bad request.")
		return
	}
	out.Header.Set("Connection", "Upgrade")
	out.Header.Set("Upgrade", r.Header.Get("Upgrade"))
	out.Header.Del("Accept-Encoding")
	timer := time.AfterFunc(time.Duration(p.cfg.HeaderTimeout), cancel)
	resp, err := p.rt.RoundTrip(out)
	if err != nil || !timer.Stop() {
		if err == nil {
			resp.Body.Close()
		}
		p.log.Warn("edge: origin unreachable", "url", out.URL.String(), "err", err)
		errorPage(w, http.StatusBadGateway, "The site's server could not be reached. Please try again in a moment.")
		return
	}
	rep.Status = resp.StatusCode
	h := w.Header()
	for k, vs := range resp.Header {
		if k != "Set-Cookie" {
			h[k] = vs
		}
	}
	p.decideCookies(h, resp.Header["Set-Cookie"], removedCookies, host, st, &rep)
	backend, isRW := resp.Body.(io.ReadWriteCloser)
	if resp.StatusCode != http.StatusSwitchingProtocols || !isRW || !strings.EqualFold(upgradeType(resp.Header), proto) {
		// The origin declined (or answered something else): pass that on.
		defer resp.Body.Close()
		stripHopByHop(h)
		w.WriteHeader(resp.StatusCode)
		p.copyBody(w, resp.Body)
		p.done(&rep, source)
		return
	}
	defer backend.Close()
	h.Del("Upgrade") // hop-by-hop, set again below
	stripHopByHop(h)
	h.Set("Connection", "Upgrade")
	h.Set("Upgrade", resp.Header.Get("Upgrade"))
	conn, brw, err := hj.Hijack()
	if err != nil {
		p.log.Warn("edge: cannot take over the connection", "url", rep.URL, "err", err)
		errorPage(w, http.StatusNotImplemented, "This proxy does not pass on this protocol upgrade.")
		return
	}
	defer conn.Close()
	conn.SetDeadline(time.Time{})
	brw.WriteString("HTTP/1.1 101 Switching Protocols\r\n")
	h.Write(brw)
	brw.WriteString("\r\n")
	if err := brw.Flush(); err != nil {
		return
	}
	p.done(&rep, source)
	// Bytes the server already read past the request go first.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if n := brw.Reader.Buffered(); n > 0 {
			b, _ := brw.Reader.Peek(n)
			if _, err := backend.Write(b); err != nil {
				backend.Close()
				conn.Close()
				return
			}
		}
		io.Copy(backend, conn)
		backend.Close() // the visitor left: so does the origin side
	}()
	io.Copy(conn, backend)
	conn.Close() // the origin left: so does the visitor
	wg.Wait()
}
