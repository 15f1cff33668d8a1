(function(){
var d=document,box,l2,more,save,title,opener=null;
function $(id){return d.getElementById(id)}
function layer2(on){l2.hidden=!on;save.hidden=!on;more.hidden=on;more.setAttribute("aria-expanded",on?"true":"false");if(on){var i=l2.querySelector("input:not([disabled])");if(i)i.focus()}}
function build(){
if(box)return box;var t=$("cg-banner-tpl");if(!t||!d.body)return null;
d.body.insertBefore(t.content.cloneNode(true),d.body.firstChild);
box=$("cg-banner");l2=$("cg-l2");more=$("cg-more");save=$("cg-save");title=$("cg-title");
var u=$("cg-used");if(u&&u.getAttribute("data-text"))$("cg-text-s").textContent=u.getAttribute("data-text");
var r=box.querySelector("input[name=return]");if(r)r.value=location.pathname+location.search;
more.addEventListener("click",function(){layer2(true)});
box.addEventListener("keydown",function(e){if(e.key!=="Escape")return;e.preventDefault();if(!l2.hidden){layer2(false);more.focus()}else close()});
return box}
function open(second){if(!build())return;box.hidden=false;layer2(!!second);if(!second)title.focus({preventScroll:true})}
function close(){if(!box||box.hidden)return;box.hidden=true;var o=opener;opener=null;if(o&&o.isConnected&&o.focus)o.focus();else if(d.activeElement&&d.activeElement.blur)d.activeElement.blur()}
window.consentguard={open:function(o){opener=d.activeElement;open(o&&o.customise)},close:close};
function start(){var c=$("cg-choices");if(c)c.addEventListener("click",function(e){e.preventDefault();opener=c;open(false)});var t=$("cg-banner-tpl");if(t&&t.hasAttribute("data-show"))open(false)}
if(d.readyState==="loading")d.addEventListener("DOMContentLoaded",start);else start()
})();
