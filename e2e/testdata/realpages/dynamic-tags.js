// /assets/tags.js of dynamic.html: what a tag manager's container and a
// site's own bundle do after load. The proxy cannot see these in the HTML;
// the runtime guard must stop each one under "nothing granted".
(function () {
  function add(tag, attrs, parent) {
    var el = document.createElement(tag);
    for (var k in attrs) el.setAttribute(k, attrs[k]);
    (parent || document.head).appendChild(el);
    return el;
  }
  // As GTM's container would: Meta, Bing UET, Hotjar, Criteo loaders.
  var s = document.createElement('script');
  s.async = true;
  s.src = 'https://connect.facebook.net/en_US/fbevents.js';
  document.head.appendChild(s);
  add('script', { src: 'https://bat.bing.com/bat.js', async: '' });
  add('script', { src: 'https://static.hotjar.com/c/hotjar-3898765.js?sv=6' });
  add('script', { src: 'https://dynamic.criteo.com/js/ld/ld.js?a=12345' });
  // Pixels as new Image().src.
  new Image().src = 'https://www.facebook.com/tr?id=493827160012345&ev=PageView&dl=' + encodeURIComponent(location.href);
  new Image().src = 'https://googleads.g.doubleclick.net/pagead/viewthroughconversion/987654321/?random=1&cv=11';
  // fetch and sendBeacon to collectors.
  fetch('https://www.google-analytics.com/g/collect?v=2&tid=G-DYN5678&en=page_view', { method: 'POST', mode: 'no-cors', keepalive: true }).catch(function () {});
  if (navigator.sendBeacon) navigator.sendBeacon('https://region1.google-analytics.com/g/collect?v=2&tid=G-DYN5678&en=user_engagement', '');
  // Trackers a signature finds on hosts that stay allowed: an SDK from a
  // public CDN, GA4 and PostHog behind the site's own paths.
  add('script', { src: 'https://cdn.jsdelivr.net/npm/search-insights@2.13.0/dist/search-insights.min.js' });
  fetch('/metrics/g/collect?v=2&tid=G-DYN5678&en=scroll', { method: 'POST', keepalive: true }).catch(function () {});
  if (navigator.sendBeacon) navigator.sendBeacon('/ingest/e/?ip=1&_=1700000000000&ver=1.96.1', '{}');
  new Image().src = '/metrics/g/collect?v=2&tid=G-DYN5678&en=img';
  // Cookies written the way the tags write them.
  document.cookie = '_ga=GA1.1.1234567890.1700000000; path=/; max-age=63072000';
  document.cookie = '_fbp=fb.1.1700000000000.1234567890; path=/; max-age=7776000';
  document.cookie = '_gcl_au=1.1.1234567890.1700000000; path=/; max-age=7776000';
  document.cookie = '_uetsid=0123456789abcdef; path=/; max-age=86400';
  document.cookie = 'travel_currency=EUR; path=/; max-age=31536000';
  // An iframe added later (a retargeting frame) and an ad iframe.
  setTimeout(function () {
    add('iframe', { src: 'https://td.doubleclick.net/td/rul/987654321?random=1', width: '0', height: '0' }, document.body);
    var img = document.createElement('img');
    img.srcset = 'https://px.ads.linkedin.com/collect/?pid=4567890&fmt=gif 1x';
    document.getElementById('late').appendChild(img);
    var a = document.getElementById('deal');
    a.ping = 'https://www.google-analytics.com/collect?v=1&t=event&ea=click';
    add('link', { rel: 'preload', as: 'script', href: 'https://snap.licdn.com/li.lms-analytics/insight.min.js' });
    window.__tagsDone = true;
  }, 100);
})();
