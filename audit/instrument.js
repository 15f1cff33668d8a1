// Injected before any page script (Page.addScriptToEvaluateOnNewDocument).
// Records fingerprinting and input-listening API use, attributed to the
// calling script by the first http(s) URL on the stack. __CG_GPC__ is
// replaced by true in the GPC pass.
(function () {
  if (window.__cgAudit) return;
  var log = {};
  var fonts = {};
  var gpc = __CG_GPC__;
  if (gpc) {
    try {
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: function () { return true; }, configurable: true });
    } catch (e) {}
  }
  function caller() {
    var s = '';
    try { s = new Error().stack || ''; } catch (e) {}
    var lines = s.split('\n');
    for (var i = 1; i < lines.length; i++) {
      var m = lines[i].match(/(https?:\/\/[^\s()]+?)(?::\d+){1,2}\)?\s*$/);
      if (m) return m[1];
    }
    return 'inline';
  }
  function note(api, detail) {
    var k = api + '\u0000' + caller() + '\u0000' + (detail || '');
    log[k] = (log[k] || 0) + 1;
  }
  function wrap(proto, name, fn) {
    if (!proto || !proto[name]) return;
    var orig = proto[name];
    proto[name] = function () {
      try { fn.apply(this, arguments); } catch (e) {}
      return orig.apply(this, arguments);
    };
  }
  var big = function (c) { return c && c.width * c.height >= 16 * 16; };
  wrap(window.HTMLCanvasElement && HTMLCanvasElement.prototype, 'toDataURL', function () { if (big(this)) note('canvas-readback', 'toDataURL'); });
  wrap(window.HTMLCanvasElement && HTMLCanvasElement.prototype, 'toBlob', function () { if (big(this)) note('canvas-readback', 'toBlob'); });
  wrap(window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype, 'getImageData', function () { if (big(this.canvas)) note('canvas-readback', 'getImageData'); });
  wrap(window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype, 'measureText', function () {
    var c = caller();
    fonts[c] = fonts[c] || {};
    fonts[c][this.font] = 1;
  });
  var glParams = function (p) { note('webgl-params', 'getParameter ' + p); };
  wrap(window.WebGLRenderingContext && WebGLRenderingContext.prototype, 'getParameter', glParams);
  wrap(window.WebGL2RenderingContext && WebGL2RenderingContext.prototype, 'getParameter', glParams);
  wrap(window.WebGLRenderingContext && WebGLRenderingContext.prototype, 'getExtension', function (n) { if (/debug_renderer/i.test(n)) note('webgl-params', 'WEBGL_debug_renderer_info'); });
  ['AudioContext', 'OfflineAudioContext', 'webkitAudioContext'].forEach(function (n) {
    var C = window[n];
    if (!C) return;
    wrap(C.prototype, 'createOscillator', function () { note('audio-context', n + '.createOscillator'); });
    wrap(C.prototype, 'createDynamicsCompressor', function () { note('audio-context', n + '.createDynamicsCompressor'); });
  });
  if (document.fonts && document.fonts.check) {
    var fc = 0;
    wrap(Object.getPrototypeOf(document.fonts), 'check', function () { if (++fc === 20) note('font-probe', 'document.fonts.check x20'); });
  }
  var kinds = {
    keydown: 'key-listener', keyup: 'key-listener', keypress: 'key-listener',
    input: 'input-listener', change: 'input-listener', paste: 'input-listener', copy: 'input-listener',
    mousemove: 'mouse-listener', mousedown: 'mouse-listener', click: 'mouse-listener', scroll: 'mouse-listener', touchstart: 'mouse-listener', pointermove: 'mouse-listener'
  };
  wrap(window.EventTarget && EventTarget.prototype, 'addEventListener', function (type) {
    var k = kinds[type];
    if (k) note(k, type);
  });
  Object.defineProperty(window, '__cgAudit', {
    enumerable: false,
    value: function () {
      var out = [];
      for (var k in log) {
        var p = k.split('\u0000');
        out.push({ api: p[0], script: p[1], detail: p[2], count: log[k] });
      }
      for (var s in fonts) {
        var n = Object.keys(fonts[s]).length;
        if (n >= 20) out.push({ api: 'canvas-font', script: s, detail: n + ' fonts measured', count: n });
      }
      return out;
    }
  });
})();
