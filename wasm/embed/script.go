package embed

// CSS styles the placeholder. The box keeps the embed's size and scales
// down with the page (max-width: 100%, aspect ratio kept by the sizing
// SVG's viewBox); the text and buttons sit over it in the same grid cell,
// which grows when they need more room than a small embed has (in height
// only: inline-size containment keeps the text from widening it). Buttons are
// at least 44 px high and show a visible focus ring.
const CSS = `.cg-embed{display:inline-grid;box-sizing:border-box;max-width:100%;vertical-align:top;overflow:hidden;` +
	`background:#1f2430;color:#fff;border-radius:6px;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;text-align:left}` +
	`.cg-embed-fluid{display:grid;width:100%}` +
	`.cg-embed>*{grid-area:1/1;min-width:0}` +
	`.cg-embed-box{display:block;max-width:100%;height:auto}` +
	`.cg-embed-fluid .cg-embed-box{width:100%}` +
	`.cg-embed-body{align-self:center;contain:inline-size;box-sizing:border-box;padding:12px 16px}` +
	`.cg-embed p{margin:0 0 10px;color:inherit;font:inherit}` +
	`.cg-embed .cg-embed-title{margin-bottom:4px;font-weight:700;font-size:1.07em}` +
	`.cg-embed .cg-embed-note{margin:10px 0 0;font-size:.87em;color:#d8dce5}` +
	`.cg-embed-actions{display:flex;flex-wrap:wrap;gap:8px}` +
	`.cg-embed button{flex:1 1 auto;min-height:44px;margin:0;padding:8px 14px;font:inherit;font-weight:600;color:#111;background:#fff;` +
	`border:2px solid #fff;border-radius:4px;cursor:pointer}` +
	`.cg-embed button.cg-embed-always{color:#fff;background:transparent}` +
	`.cg-embed button:hover{background:#e6e9f0;color:#111}` +
	`.cg-embed button:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}` +
	`.cg-embed button:disabled{opacity:.6;cursor:progress}`

// scriptTemplate restores embeds on a click. It is written for the pages
// of any site: no globals but a marker, one delegated click listener,
// setAttribute for every attribute (so the runtime guard, which lets
// through exactly the URLs of placeholders a visitor clicked, sees them).
// __CSS__ is replaced by the quoted stylesheet.
const scriptTemplate = `(function(){var w=window,d=document;if(!d||w.__cgEmbed)return;w.__cgEmbed=1;var css=__CSS__;` +
	`try{var s=new CSSStyleSheet();s.replaceSync(css);d.adoptedStyleSheets=d.adoptedStyleSheets.concat([s])}catch(e){` +
	`try{var st=d.createElement("style");st.textContent=css;(d.head||d.documentElement).appendChild(st)}catch(e2){}}` +
	`function load(ph,ev){var src=ph.getAttribute("data-cg-src");if(!src||!ph.parentNode)return null;` +
	`var g=w.__consentguard;if(g&&g.allowEmbed)g.allowEmbed(ev,src);var el=d.createElement("iframe"),a=[];` +
	`try{a=JSON.parse(ph.getAttribute("data-cg-attrs")||"[]")}catch(e){}` +
	`for(var i=0;i<a.length;i++){try{el.setAttribute(a[i][0],a[i][1])}catch(e){}}` +
	`el.setAttribute("src",src);ph.parentNode.replaceChild(el,ph);return el}` +
	`function fail(ph,b){b.disabled=false;var n=ph.querySelector(".cg-embed-note");if(n){n.setAttribute("role","alert");n.textContent="Your choice could not be saved. Please try again."}}` +
	`function always(ph,b,ev){var cat=ph.getAttribute("data-cg-category"),u=__URL__,h={Accept:"application/json"};b.disabled=true;` +
	`fetch(u,{headers:h,credentials:"same-origin"}).then(function(r){if(!r.ok)throw Error(r.status);return r.json()}).then(function(s){` +
	`var f=new URLSearchParams();f.append("action","save");(s.granted||[]).forEach(function(c){f.append("c",c)});f.append("c",cat);` +
	`return fetch(u,{method:"POST",headers:h,credentials:"same-origin",body:f})}).then(function(r){if(!r.ok)throw Error(r.status);` +
	`var all=d.querySelectorAll("[data-cg-embed]"),first=null;for(var i=0;i<all.length;i++){` +
	`if(all[i].getAttribute("data-cg-category")===cat){var el=load(all[i],ev);if(all[i]===ph)first=el}}` +
	`if(first)first.focus()}).catch(function(){fail(ph,b)})}` +
	`d.addEventListener("click",function(ev){var t=ev.target,b=t&&t.closest&&t.closest("[data-cg-action]"),ph=b&&b.closest("[data-cg-embed]");` +
	`if(!ph)return;ev.preventDefault();if(b.getAttribute("data-cg-action")==="always")always(ph,b,ev);else{var el=load(ph,ev);if(el)el.focus()}})})();`
