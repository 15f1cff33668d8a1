package audit

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// frames instruments out-of-process (cross-site) iframes. Chromium runs
// them as targets of their own, which the page's script injection and
// Runtime.evaluate never reach. The page session auto-attaches to them,
// each paused before its document runs (waitForDebuggerOnStart); we add
// the instrumentation in that session and resume the frame
// (Runtime.runIfWaitingForDebugger). Chromium takes the resume only from
// the session that holds the pause, and chromedp does not route flat child
// sessions it did not open, so this one auto-attach is not flattened: its
// commands go through Target.sendMessageToTarget. The frames are read
// later through a flat session of their own (chromedp.WithTargetID).
// Cross-site frames nested in a cross-site frame are not instrumented.
type frames struct {
	script string

	mu   sync.Mutex
	ids  []target.ID
	ctxs map[target.ID]frameCtx
	seq  int
}

type frameCtx struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// watch makes ctx's target auto-attach to its cross-site iframes, paused,
// and instruments each.
func (f *frames) watch(ctx context.Context) error {
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*target.EventAttachedToTarget); ok && e.TargetInfo != nil && e.TargetInfo.Type == "iframe" {
			go f.attach(ctx, e.SessionID, e.TargetInfo)
		}
	}); err != nil {
		return err
	}
	c := chromedp.FromContext(ctx)
	if c == nil || c.Target == nil {
		return errors.New("no target")
	}
	flat := false
	_, err := cdp.Call(ctx, c.Target, target.SetAutoAttach, target.SetAutoAttachParams{AutoAttach: true, WaitForDebuggerOnStart: true, Flatten: &flat})
	return err
}

// attach instruments one paused iframe target, then resumes it.
func (f *frames) attach(parent context.Context, paused target.SessionID, info *target.Info) {
	c := chromedp.FromContext(parent)
	send := func(method string, params any) error {
		f.mu.Lock()
		f.seq++
		id := f.seq
		f.mu.Unlock()
		msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
		if err != nil {
			return err
		}
		return c.Target.Call(parent, "Target.sendMessageToTarget", map[string]any{"message": string(msg), "sessionId": paused}, nil)
	}
	if os.Getenv("CONSENTGUARD_AUDIT_DEBUG") != "" {
		ch, stop := c.Target.Subscribe("Target.receivedMessageFromTarget")
		go func() {
			defer stop()
			for i := 0; i < 5; i++ {
				select {
				case v := <-ch:
					debugf("frame %s: reply %s", info.TargetID, clip(string(v), 300))
				case <-time.After(5 * time.Second):
					return
				}
			}
		}()
	}
	// The page agent runs scripts on new documents only when enabled.
	if err := send("Page.enable", map[string]any{}); err != nil {
		debugf("frame %s: page enable: %v", info.TargetID, err)
	}
	if err := send("Page.addScriptToEvaluateOnNewDocument", map[string]any{"source": f.script}); err != nil {
		debugf("frame %s: instrument: %v", info.TargetID, err)
	}
	if err := send("Runtime.runIfWaitingForDebugger", map[string]any{}); err != nil {
		debugf("frame %s: resume: %v", info.TargetID, err)
	}
	f.mu.Lock()
	f.ids = append(f.ids, info.TargetID)
	f.mu.Unlock()
	debugf("frame %s: instrumented", info.TargetID)
}

// list opens (once) a flat session to each frame attached so far and
// returns them; frames that went away are left out.
func (f *frames) list(parent context.Context) []frameCtx {
	f.mu.Lock()
	ids := append([]target.ID(nil), f.ids...)
	f.mu.Unlock()
	var out []frameCtx
	for _, id := range ids {
		f.mu.Lock()
		fc, ok := f.ctxs[id]
		f.mu.Unlock()
		if !ok {
			ctx, cancel := chromedp.NewContext(parent, chromedp.WithTargetID(id))
			// No timeout here: the first Do binds the session to its context.
			err := chromedp.Do(ctx)
			if err != nil {
				debugf("frame %s: open: %v", id, err)
				cancel()
				f.mu.Lock()
				f.ids = slices.DeleteFunc(f.ids, func(x target.ID) bool { return x == id })
				f.mu.Unlock()
				continue
			}
			fc = frameCtx{ctx: ctx, cancel: cancel}
			f.mu.Lock()
			if f.ctxs == nil {
				f.ctxs = map[target.ID]frameCtx{}
			}
			f.ctxs[id] = fc
			f.mu.Unlock()
		}
		out = append(out, fc)
	}
	return out
}

// eval evaluates expr in a frame's target and decodes the value into out.
func (fc frameCtx) eval(ctx context.Context, expr string, out any) error {
	c := chromedp.FromContext(fc.ctx)
	if c == nil || c.Target == nil {
		return errors.New("frame not attached")
	}
	byValue := true
	res, err := cdp.Call(ctx, c.Target, runtime.Evaluate, runtime.EvaluateParams{Expression: expr, ReturnByValue: &byValue})
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return errors.New(res.ExceptionDetails.Text)
	}
	if res.Result == nil || len(res.Result.Value) == 0 {
		return errors.New("no value")
	}
	return json.Unmarshal(res.Result.Value, out)
}
