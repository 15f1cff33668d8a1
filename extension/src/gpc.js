// consentguard: Global Privacy Control for page scripts. Runs in the page's
// own (MAIN) world at document_start in every frame (about:blank and srcdoc
// frames included), before the page's first script, and prepends the same
// definition to the dedicated and shared workers the page starts.
//
// Where the person turned GPC off (globally, for a site, or paused a site),
// the background registers gpc-off.js for those pages; it sets OFF on the
// window, before or after this script, and the property then reads false
// (as in a browser with GPC switched off) and workers start unchanged.
(function () {
  'use strict';
  const OFF = Symbol.for('consentguard.gpc.off');
  const on = function () { return self[OFF] !== true; };
  const define = function (proto) {
    try {
      Object.defineProperty(proto, 'globalPrivacyControl', {
        get: function globalPrivacyControl() { return on(); },
        configurable: true,
        enumerable: true,
      });
    } catch (e) { /* a frozen prototype: leave it */ }
  };
  if (typeof Navigator !== 'undefined') define(Navigator.prototype);
  if (typeof WorkerNavigator !== 'undefined') define(WorkerNavigator.prototype);

  // Workers do not get content scripts. Start them from a blob that
  // defines the property and then loads the page's script; when the blob
  // cannot be used (a CSP without blob: in worker-src, a cross-origin or
  // data: URL), the worker starts as the page asked.
  // The worker runs from a blob: URL, so relative URLs in importScripts,
  // fetch and XMLHttpRequest are resolved against the script's own URL, as
  // they would have been. (self.location still shows the blob: URL.)
  const TOKEN = 'consentguard:worker-started:' + Math.random().toString(36).slice(2);
  const prelude = function (base, hello) {
    return '(function(){var B=' + JSON.stringify(base) + ';' +
      (hello ? 'try{postMessage(' + JSON.stringify(TOKEN) + ')}catch(e){}' : '') +
      "var OFF=Symbol.for('consentguard.gpc.off');" +
      "try{Object.defineProperty(WorkerNavigator.prototype,'globalPrivacyControl',{get:function globalPrivacyControl(){return self[OFF]!==true},configurable:true,enumerable:true})}catch(e){}" +
      'var abs=function(u){try{return typeof u==="string"||u instanceof URL?new URL(u,B).href:u}catch(e){return u}};' +
      'if(typeof importScripts==="function"){var I=importScripts;self.importScripts=function(){return I.apply(self,Array.prototype.map.call(arguments,abs))}}' +
      'if(typeof fetch==="function"){var F=fetch;self.fetch=function(i,o){return F.call(self,abs(i),o)}}' +
      'if(typeof XMLHttpRequest==="function"){var O=XMLHttpRequest.prototype.open;XMLHttpRequest.prototype.open=function(m,u){var a=Array.prototype.slice.call(arguments);a[1]=abs(u);return O.apply(this,a)}}' +
      '})();\n';
  };
  // A page whose CSP forbids blob: workers makes the blob worker fail to
  // load (an error event, no exception). Then the page's own script is
  // started as it asked, and the object the page holds forwards to it: the
  // messages posted meanwhile are replayed, events are passed on, and the
  // load error is not shown to the page. The blob worker says hello first,
  // so the replay record is dropped once it runs.
  const fallback = function (inst, Orig, args) {
    let state = 'starting';
    let sent = [];
    inst.postMessage = function () {
      if (state === 'starting') sent.push(Array.prototype.slice.call(arguments));
      return Orig.prototype.postMessage.apply(inst, arguments);
    };
    inst.addEventListener('message', function (e) {
      if (state === 'starting' && e.data === TOKEN) {
        e.stopImmediatePropagation();
        state = 'started';
        sent = [];
        delete inst.postMessage;
      }
    });
    inst.addEventListener('error', function (e) {
      if (state !== 'starting') return;
      e.stopImmediatePropagation();
      e.preventDefault();
      state = 'failed';
      const real = Reflect.construct(Orig, args);
      inst.postMessage = function () { return real.postMessage.apply(real, arguments); };
      inst.terminate = function () { return real.terminate(); };
      real.addEventListener('message', function (m) { inst.dispatchEvent(new MessageEvent('message', { data: m.data, ports: m.ports })); });
      real.addEventListener('messageerror', function (m) { inst.dispatchEvent(new MessageEvent('messageerror', { data: m.data })); });
      real.addEventListener('error', function (x) {
        inst.dispatchEvent(x instanceof ErrorEvent
          ? new ErrorEvent('error', { message: x.message, filename: x.filename, lineno: x.lineno, colno: x.colno, error: x.error })
          : new Event('error'));
      });
      for (const a of sent) real.postMessage.apply(real, a);
      sent = [];
    });
  };
  const OrigWorker = self.Worker;
  const wrap = function (Orig) {
    if (typeof Orig !== 'function') return;
    const Wrapped = function (url, options) {
      if (!new.target) return Orig.apply(this, arguments);
      if (!on()) return Reflect.construct(Orig, arguments, new.target);
      let abs;
      try { abs = new URL(url, location.href); } catch (e) { return Reflect.construct(Orig, arguments, new.target); }
      if (abs.protocol !== 'http:' && abs.protocol !== 'https:' && abs.protocol !== 'blob:') {
        return Reflect.construct(Orig, arguments, new.target);
      }
      const isModule = options && typeof options === 'object' && options.type === 'module';
      const dedicated = Orig === OrigWorker;
      const src = prelude(abs.href, dedicated) + (isModule ? 'import ' + JSON.stringify(abs.href) + ';\n' : 'importScripts(' + JSON.stringify(abs.href) + ');\n');
      try {
        const blobURL = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
        const args = Array.prototype.slice.call(arguments);
        args[0] = blobURL;
        const inst = Reflect.construct(Orig, args, new.target);
        if (dedicated) fallback(inst, Orig, Array.prototype.slice.call(arguments));
        return inst;
      } catch (e) {
        return Reflect.construct(Orig, arguments, new.target);
      }
    };
    Wrapped.prototype = Orig.prototype;
    Object.defineProperty(Wrapped, 'name', { value: Orig.name });
    Object.defineProperty(Wrapped, 'length', { value: Orig.length });
    Object.setPrototypeOf(Wrapped, Orig);
    return Wrapped;
  };
  for (const name of ['Worker', 'SharedWorker']) {
    const w = wrap(self[name]);
    if (w) {
      try { Object.defineProperty(self, name, { value: w, writable: true, configurable: true, enumerable: false }); } catch (e) { /* leave it */ }
    }
  }
})();
