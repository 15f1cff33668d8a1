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
