// Criteria tree: "expand all" / "collapse all" (a static file: the Content-Security-Policy forbids inline scripts).
"use strict";
(function () {
  function setAll(open) {
    document.querySelectorAll(".tree details").forEach(function (d) { d.open = open; });
  }
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { setAll(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setAll(false); }); }
})();
