// The language selector submits its form when a language is picked (no inline handler: the
// Content-Security-Policy forbids inline scripts; without JavaScript the <noscript> button does it).
"use strict";
(function () {
  var select = document.getElementById("lang-select");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
