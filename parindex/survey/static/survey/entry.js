// Paper form entry (survey/paper/entry.html, resolve.html): Enter in a box moves to the next box instead of
// submitting; in the last box it submits. Without this script Tab moves on and Enter submits (the server checks all).
(function () {
  "use strict";
  document.querySelectorAll("form.entry-form").forEach(function (form) {
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input.entry-next"));
    if (boxes.length && !document.querySelector("[autofocus]")) { boxes[0].focus(); }
    boxes.forEach(function (box, i) {
      box.addEventListener("keydown", function (event) {
        if (event.key !== "Enter") { return; }
        if (i + 1 < boxes.length) { event.preventDefault(); boxes[i + 1].focus(); boxes[i + 1].select(); }
      });
    });
  });
}());
