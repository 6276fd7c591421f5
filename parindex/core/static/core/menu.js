/* The header's menu: on a phone a «Menu» button (a <details>); on a wide screen the links sit in
   the header itself. There the <details> is kept open, so what is shown is also what assistive
   technology reads (before this script runs, site.css shows the closed content through
   ::details-content). Escape or a click outside closes the phone menu. */
(function () {
  "use strict";
  var menu = document.querySelector("header.site details.menu");
  if (!menu) return;
  var wide = window.matchMedia("(min-width: 70rem)");
  function sync() { menu.open = wide.matches; }
  sync();
  if (wide.addEventListener) wide.addEventListener("change", sync);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && menu.open && !wide.matches) { menu.open = false; menu.querySelector("summary").focus(); }
  });
  document.addEventListener("click", function (e) {
    if (menu.open && !wide.matches && !menu.contains(e.target)) menu.open = false;
  });
})();
