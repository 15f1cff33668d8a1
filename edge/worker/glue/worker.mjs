// consentguard Worker glue: starts the Go runtime ONCE per isolate and
// dispatches every fetch event to the Go handler registered by
// bridge.Serve (context.binding.handleRequest). syumai's default glue
// instantiates Go for every request (11-15 ms each) and loses all state.
//
// Go cannot start at global scope (module evaluation): its runtime seeds
// itself with crypto.getRandomValues, which Workers forbid there ("Disallowed
// operation called within global scope"; measured in workerd). So the first
// request of an isolate starts it; every later one reuses it.
//
// wasm_exec.js is syumai's (workers-assets-gen -mode=go): its Go.run takes
// a context object that Go sees as the global "context".
import "./wasm_exec.js";
import mod from "./app.wasm";
import * as bridge from "./bridge.mjs";

const binding = {};
const context = { env: undefined, ctx: undefined, binding, bridge, ready: undefined };
let starting = null; // Promise resolved when Go called ready()

function start(env) {
  if (starting !== null) {
    return starting;
  }
  context.env = env;
  starting = new Promise((resolve, reject) => {
    const go = new Go();
    // The Go runtime's own knobs may be set as worker variables.
    go.env = {};
    for (const k of ["GOGC", "GOMEMLIMIT", "GODEBUG"]) {
      if (env && typeof env[k] === "string") go.env[k] = env[k];
    }
    context.ready = resolve;
    const instance = new WebAssembly.Instance(mod, go.importObject);
    go.run(instance, context).then(
      () => {
        // The Go program exited (a fatal error): start a new one next time.
        starting = null;
        reject(new Error("consentguard: Go runtime exited"));
      },
      (e) => {
        starting = null;
        reject(e);
      },
    );
  });
  return starting;
}

export default {
  async fetch(request, env, ctx) {
    await start(env);
    context.ctx = ctx;
    return binding.handleRequest(request);
  },
};
