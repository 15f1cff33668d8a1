// JS side of package bridge (edge/worker/bridge). Workers forbid eval and
// new Function, so these helpers live here; the glue hands them to Go as
// context.bridge. Moving a whole header list as one string costs one
// JS<->Go call instead of three per header.

// flatHeaders(h) returns "name\nvalue\n..." for every header except
// set-cookie, then "\0", then the Set-Cookie values joined by "\n" (each
// cookie whole: never split on commas).
export function flatHeaders(h) {
  let s = "";
  for (const [k, v] of h) {
    if (k !== "set-cookie") s += k + "\n" + v + "\n";
  }
  s += "\0";
  if (typeof h.getSetCookie === "function") {
    s += h.getSetCookie().join("\n");
  } else {
    const c = h.get("set-cookie");
    if (c !== null) s += c;
  }
  return s;
}

// makeHeaders(s) builds a Headers object from "name\nvalue\n...".
export function makeHeaders(s) {
  const h = new Headers();
  if (s.length === 0) return h;
  const a = s.split("\n");
  for (let i = 0; i + 1 < a.length; i += 2) h.append(a[i], a[i + 1]);
  return h;
}

// makeStream(onpull, oncancel) returns {stream, push, close, error}: a
// ReadableStream fed by Go. push returns the queue's remaining desired
// size; when it is <= 0 Go waits for onpull before pushing more.
export function makeStream(onpull, oncancel) {
  let ctrl;
  const stream = new ReadableStream(
    {
      start(c) {
        ctrl = c;
      },
      pull() {
        onpull();
      },
      cancel() {
        oncancel();
      },
    },
    new CountQueuingStrategy({ highWaterMark: 4 }),
  );
  return {
    stream,
    push(u8) {
      ctrl.enqueue(u8);
      return ctrl.desiredSize;
    },
    close() {
      try {
        ctrl.close();
      } catch (e) {}
    },
    error(m) {
      try {
        ctrl.error(new Error(m));
      } catch (e) {}
    },
  };
}

// makeReader(stream) reads a ReadableStream ahead into a queue, so that Go
// gets every byte that has arrived in one synchronous call instead of one
// promise round trip per chunk. Each time Go waits and is woken costs a Go
// scheduler resume, and fetch bodies arrive in ~4 KiB chunks: waking Go per
// chunk cost about 5 ms of CPU per 100 KB page in workerd. So a waiting Go
// is woken when `want` bytes are queued, at the end, or `delay` ms after
// the first byte arrived (a slow origin still streams). Reading pauses
// while more than `limit` bytes are queued. Byte streams (fetch and request
// bodies, in workerd and node) are read with a BYOB reader into 64 KiB
// buffers: one read takes everything the runtime has buffered, not one
// ~4 KiB chunk per promise (about 1 ms of CPU less per 100 KB page in
// workerd).
//   take(max)   a Uint8Array of up to max queued bytes, or null if none
//   wait(want, ms)  a Promise settled as described above, or after ms
//               (when given) even if nothing arrived
//   state()     "" while open, "done" at the end, else the error message
//   cancel()    stops reading and drops the queue
export function makeReader(stream, limit, delay) {
  let byob = true;
  let reader;
  try {
    reader = stream.getReader({ mode: "byob" });
  } catch (e) {
    byob = false; // not a byte stream
    reader = stream.getReader();
  }
  const max = limit || 1 << 20;
  const ms = delay === undefined ? 4 : delay;
  let chunks = [];
  let size = 0;
  let done = false;
  let error = "";
  let pumping = false;
  let waiter = null;
  let want = 0;
  let timer = null;
  let deadline = null;
  const wake = () => {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    if (deadline !== null) {
      clearTimeout(deadline);
      deadline = null;
    }
    if (waiter !== null) {
      const w = waiter;
      waiter = null;
      w();
    }
  };
  const queued = () => {
    if (waiter === null) return;
    if (size >= want) wake();
    else if (timer === null) timer = setTimeout(wake, ms);
  };
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (!done && size < max) {
        const r = byob
          ? await reader.read(new Uint8Array(Math.min(max - size, 1 << 16)))
          : await reader.read();
        if (r.done) {
          done = true;
          break;
        }
        let v = r.value instanceof Uint8Array ? r.value : new Uint8Array(r.value);
        // A short BYOB read would pin a whole 64 KiB buffer in the queue.
        if (v.byteLength * 4 < v.buffer.byteLength) v = v.slice();
        if (v.byteLength > 0) {
          chunks.push(v);
          size += v.byteLength;
          queued();
        }
      }
    } catch (e) {
      error = String((e && e.message) || e) || "stream error";
      done = true;
    }
    pumping = false;
    wake();
  };
  pump();
  return {
    take(n) {
      if (size === 0) return null;
      let out;
      if (chunks.length === 1 && chunks[0].byteLength <= n) {
        out = chunks.pop();
      } else {
        const len = Math.min(n, size);
        out = new Uint8Array(len);
        let off = 0;
        while (off < len) {
          const c = chunks[0];
          const k = Math.min(c.byteLength, len - off);
          out.set(k === c.byteLength ? c : c.subarray(0, k), off);
          off += k;
          if (k === c.byteLength) chunks.shift();
          else chunks[0] = c.subarray(k);
        }
      }
      size -= out.byteLength;
      if (!done && !pumping && size < max) pump();
      return out;
    },
    wait(n, ms) {
      if (size >= (n || 1) || done) return Promise.resolve();
      want = Math.min(n || 1, max);
      const p = new Promise((resolve) => {
        waiter = resolve;
      });
      if (ms !== undefined && ms >= 0) deadline = setTimeout(wake, ms);
      if (size > 0) queued();
      return p;
    },
    state() {
      if (error !== "") return error;
      return done && size === 0 ? "done" : "";
    },
    cancel() {
      done = true;
      chunks = [];
      size = 0;
      reader.cancel().catch(() => {});
      wake();
    },
  };
}
