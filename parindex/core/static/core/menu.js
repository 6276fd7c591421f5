/* The header's menu: on a phone a «Menu» button (a <details>); on a wide screen the links in the
   header itself (site.css shows the closed <details>' content where ::details-content is known;
   older browsers get it opened here). Escape or a click outside closes the phone menu. */
(function () {
  "use strict";
  var menu = document.querySelector("header.site details.menu");
  if (!menu) return;
  var wide = window.matchMedia("(min-width: 70rem)");
  var styled = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  function sync() { if (!styled) menu.open = wide.matches; else if (wide.matches) menu.open = false; }
  sync();
  if (wide.addEventListener) wide.addEventListener("change", sync);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && menu.open && !wide.matches) { menu.open = false; menu.querySelector("summary").focus(); }
  });
  document.addEventListener("click", function (e) {
    if (menu.open && !wide.matches && !menu.contains(e.target)) menu.open = false;
  });
})();
