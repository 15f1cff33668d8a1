// Baseline of the workerd benchmarks: a pass-through Worker in plain JS
// (no Go). The difference to passworker is the cost of the Go runtime and
// the bridge; to the edge worker, the cost of consentguard.
// MODE (benchmarks only) reads the origin body in JS before answering:
// "loop" reads it chunk by chunk with the default reader; unset pipes it
// through untouched.
export default {
  async fetch(request, env) {
    const u = new URL(request.url);
    const res = await fetch(env.ORIGIN + u.pathname + u.search, { headers: request.headers, redirect: "manual" });
    let n = 0;
    switch (env.MODE) {
      case "loop": {
        const r = res.body.getReader();
        for (;;) {
          const { done, value } = await r.read();
          if (done) break;
          n += value.byteLength;
        }
        return new Response(new Uint8Array(n), res);
      }
    }
    return new Response(res.body, res);
  },
};
