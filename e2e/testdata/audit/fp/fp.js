(function () {
  var c = document.createElement('canvas'); c.width = 220; c.height = 30;
  var x = c.getContext('2d');
  x.textBaseline = 'top'; x.font = '14px Arial'; x.fillStyle = '#f60'; x.fillRect(125, 1, 62, 20);
  x.fillStyle = '#069'; x.fillText('Cwm fjordbank glyphs vext quiz', 2, 15);
  var id = c.toDataURL();
  var fonts = ['Arial','Verdana','Helvetica','Times New Roman','Courier New','Georgia','Palatino','Garamond','Bookman','Comic Sans MS','Trebuchet MS','Arial Black','Impact','Tahoma','Lucida Console','Lucida Sans','Monaco','Consolas','Calibri','Cambria','Candara','Futura','Gill Sans','Optima','Segoe UI'];
  for (var i = 0; i < fonts.length; i++) { x.font = '72px "' + fonts[i] + '", monospace'; x.measureText('mmmmmmmmmmlli'); }
  var gl = document.createElement('canvas').getContext('webgl');
  if (gl) { var e = gl.getExtension('WEBGL_debug_renderer_info'); if (e) gl.getParameter(e.UNMASKED_RENDERER_WEBGL); gl.getParameter(gl.VERSION); }
  try { var a = new OfflineAudioContext(1, 44100, 44100); a.createOscillator(); } catch (err) {}
  new Image().src = 'https://cdn.fpscripts.example/collect?h=' + id.length;
})();
