// Buttons marked data-print print the page (no inline onclick: the Content-Security-Policy forbids it).
"use strict";
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
