// A cross-site widget that fingerprints the canvas, keeps an id in its
// origin's localStorage and reports what navigator.globalPrivacyControl says.
(function () {
  var c = document.createElement('canvas'); c.width = 200; c.height = 40;
  var x = c.getContext('2d');
  x.font = '14px Arial'; x.fillStyle = '#069'; x.fillText('Cwm fjordbank glyphs vext quiz', 2, 15);
  var id = c.toDataURL();
  try { localStorage.setItem('widget_fp_id', String(id.length)); } catch (e) {}
  new Image().src = '/collect?gpc=' + (navigator.globalPrivacyControl === true) + '&h=' + id.length;
})();
