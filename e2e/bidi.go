//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/net/websocket"
)

// BiDi is a small WebDriver BiDi client (https://w3c.github.io/webdriver-bidi/):
// JSON commands {id, method, params} over one WebSocket, answered by
// {type: "success"|"error", id, ...}; events {type: "event", method, params}
// go to the handlers registered with OnEvent.
type BiDi struct {
	ws *websocket.Conn

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan bidiReply
	onEvent map[string][]func(json.RawMessage)
	err     error // set when the connection is gone
	done    chan struct{}
}

type bidiReply struct {
	Type    string          `json:"type"`
	ID      *int64          `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// BiDiError is an error answer of the remote end.
type BiDiError struct {
	Method, Code, Message string
}

func (e *BiDiError) Error() string { return e.Method + ": " + e.Code + ": " + e.Message }

// dialBiDi connects to a BiDi endpoint such as ws://127.0.0.1:PORT/session.
// origin must be one the browser allows (Firefox: --remote-allow-origins).
func dialBiDi(url, origin string) (*BiDi, error) {
	cfg, err := websocket.NewConfig(url, origin)
	if err != nil {
		return nil, err
	}
	ws, err := websocket.DialConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("bidi: dial %s: %w", url, err)
	}
	ws.MaxPayloadBytes = 64 << 20
	b := &BiDi{ws: ws, pending: map[int64]chan bidiReply{}, onEvent: map[string][]func(json.RawMessage){}, done: make(chan struct{})}
	go b.read()
	return b, nil
}

func (b *BiDi) read() {
	defer close(b.done)
	for {
		var data []byte
		if err := websocket.Message.Receive(b.ws, &data); err != nil {
			b.fail(fmt.Errorf("bidi: connection lost: %w", err))
			return
		}
		var r bidiReply
		if err := json.Unmarshal(data, &r); err != nil {
			b.fail(fmt.Errorf("bidi: bad message %.200q: %w", data, err))
			return
		}
		if r.Type == "event" {
			b.mu.Lock()
			hs := append([]func(json.RawMessage){}, b.onEvent[r.Method]...)
			b.mu.Unlock()
			for _, h := range hs {
				h(r.Params)
			}
			continue
		}
		if r.ID == nil {
			continue // an error without id: a message we could not have caused
		}
		b.mu.Lock()
		ch := b.pending[*r.ID]
		delete(b.pending, *r.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

func (b *BiDi) fail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
	for id, ch := range b.pending {
		close(ch)
		delete(b.pending, id)
	}
}

// OnEvent registers h for events named method (subscribe with
// session.subscribe as well).
func (b *BiDi) OnEvent(method string, h func(params json.RawMessage)) {
	b.mu.Lock()
	b.onEvent[method] = append(b.onEvent[method], h)
	b.mu.Unlock()
}

// Call sends one command and decodes its result into out (if not nil).
func (b *BiDi) Call(ctx context.Context, method string, params any, out any) error {
	if params == nil {
		params = struct{}{}
	}
	b.mu.Lock()
	if b.err != nil {
		b.mu.Unlock()
		return b.err
	}
	b.nextID++
	id := b.nextID
	ch := make(chan bidiReply, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if err := websocket.Message.Send(b.ws, string(msg)); err != nil {
		return fmt.Errorf("bidi: send %s: %w", method, err)
	}
	select {
	case r, ok := <-ch:
		if !ok {
			b.mu.Lock()
			defer b.mu.Unlock()
			return b.err
		}
		if r.Type == "error" {
			return &BiDiError{Method: method, Code: r.Error, Message: r.Message}
		}
		if out != nil {
			if err := json.Unmarshal(r.Result, out); err != nil {
				return fmt.Errorf("bidi: %s result %.300s: %w", method, r.Result, err)
			}
		}
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("bidi: %s: %w", method, ctx.Err())
	}
}

// Close ends the connection.
func (b *BiDi) Close() error {
	err := b.ws.Close()
	select {
	case <-b.done:
	case <-time.After(5 * time.Second):
	}
	return err
}

// NewSession starts the BiDi session (session.new).
func (b *BiDi) NewSession(ctx context.Context) error {
	var res struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.Call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, &res); err != nil {
		return err
	}
	if res.SessionID == "" {
		return errors.New("bidi: session.new returned no sessionId")
	}
	return nil
}

// InstallExtension installs an unpacked extension directory as a temporary
// add-on (webExtension.install) and returns its id.
func (b *BiDi) InstallExtension(ctx context.Context, dir string) (string, error) {
	var res struct {
		Extension string `json:"extension"`
	}
	err := b.Call(ctx, "webExtension.install", map[string]any{"extensionData": map[string]any{"type": "path", "path": dir}}, &res)
	return res.Extension, err
}

// TopContext returns the first top-level browsing context.
func (b *BiDi) TopContext(ctx context.Context) (string, error) {
	var res struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	if err := b.Call(ctx, "browsingContext.getTree", map[string]any{"maxDepth": 0}, &res); err != nil {
		return "", err
	}
	if len(res.Contexts) == 0 {
		return "", errors.New("bidi: no browsing context")
	}
	return res.Contexts[0].Context, nil
}

// Navigate loads url in context and waits for the load event.
func (b *BiDi) Navigate(ctx context.Context, context, url string) error {
	return b.Call(ctx, "browsingContext.navigate", map[string]any{"context": context, "url": url, "wait": "complete"}, nil)
}

// RemoteValue is a script.evaluate result (primitive values only are
// decoded; objects keep their type).
type RemoteValue struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// Evaluate runs a JS expression in context's page (awaiting a promise) and
// returns its value; an exception is an error carrying its text.
func (b *BiDi) Evaluate(ctx context.Context, context, expr string) (RemoteValue, error) {
	return b.evaluate(ctx, context, expr, false)
}

// EvaluateActivated is Evaluate as if the user had just clicked the page
// (user activation: the script may open a popup).
func (b *BiDi) EvaluateActivated(ctx context.Context, context, expr string) (RemoteValue, error) {
	return b.evaluate(ctx, context, expr, true)
}

func (b *BiDi) evaluate(ctx context.Context, context, expr string, activate bool) (RemoteValue, error) {
	var res struct {
		Type             string      `json:"type"`
		Result           RemoteValue `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	err := b.Call(ctx, "script.evaluate", map[string]any{
		"expression": expr, "target": map[string]any{"context": context}, "awaitPromise": true, "userActivation": activate,
	}, &res)
	if err != nil {
		return RemoteValue{}, err
	}
	if res.Type == "exception" {
		return RemoteValue{}, fmt.Errorf("bidi: %s threw: %s", expr, res.ExceptionDetails.Text)
	}
	return res.Result, nil
}

// Click clicks the centre of the first element matching selector in
// context's page as a person would: the element is scrolled into view and
// input.performActions moves the mouse there and presses its button, so
// the page gets trusted events (isTrusted), unlike a click() from script.
func (b *BiDi) Click(ctx context.Context, context, selector string) error {
	sel, _ := json.Marshal(selector)
	v, err := b.Evaluate(ctx, context, `(function(){var e=document.querySelector(`+string(sel)+`);if(!e)return "";e.scrollIntoView({block:"center"});var r=e.getBoundingClientRect();return Math.round(r.left+r.width/2)+","+Math.round(r.top+r.height/2)})()`)
	if err != nil {
		return err
	}
	var at string
	if err := json.Unmarshal(v.Value, &at); err != nil || at == "" {
		return fmt.Errorf("bidi: click: no element %s", selector)
	}
	var x, y int
	if _, err := fmt.Sscanf(at, "%d,%d", &x, &y); err != nil {
		return fmt.Errorf("bidi: click %s: position %q", selector, at)
	}
	return b.Call(ctx, "input.performActions", map[string]any{
		"context": context,
		"actions": []any{map[string]any{
			"type": "pointer", "id": "mouse", "parameters": map[string]any{"pointerType": "mouse"},
			"actions": []any{
				map[string]any{"type": "pointerMove", "x": x, "y": y},
				map[string]any{"type": "pointerDown", "button": 0},
				map[string]any{"type": "pointerUp", "button": 0},
			},
		}},
	}, nil)
}
