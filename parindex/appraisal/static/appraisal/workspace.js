// Appraisal unit page: each item's form is saved with fetch and the column updated in place; the
// progress bar counts the items marked appraised by the server (data-done), and "select all"
// checks every shown item whose self-score may be accepted. Every text comes from the page
// (translated on the server): the strings are the data-* attributes of #appraisal-progress.
// Without JavaScript the forms post normally and the page reloads with a message.
(function () {
  "use strict";
  var bar = document.getElementById("appraisal-progress");
  var text = bar ? bar.dataset : {};

  function markDone(item) {
    // the server counted every item this person sees (a filter may hide some): add the newly appraised one
    if (!bar || item.dataset.done === "1") { return; }
    item.dataset.done = "1";
    var done = parseInt(bar.dataset.done, 10) + 1;
    bar.dataset.done = String(done);
    bar.querySelector(".done").textContent = String(done);
    var meter = bar.querySelector("progress");
    if (meter) { meter.value = done; meter.textContent = done + "/" + bar.dataset.total; }
  }

  function render(col, body) {
    var box = col.querySelector(".value");
    if (!box) { return; }
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "points";
    var strong = document.createElement("strong");
    strong.textContent = body.points;
    p.appendChild(strong);
    p.appendChild(document.createTextNode(" " + (text.points || "")));
    box.appendChild(p);
    if (body.comment) {
      var c = document.createElement("p");
      c.className = "comment";
      c.textContent = body.comment;
      box.appendChild(c);
    }
    var who = document.createElement("p");
    who.className = "meta who";
    who.textContent = body.by + " · " + body.at;
    box.appendChild(who);
  }

  document.querySelectorAll("form.appraise-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var item = form.closest(".appraisal-item");
      var status = form.querySelector(".status");
      status.className = "status";
      status.textContent = text.saving || "";
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
      }).then(function (response) {
        return response.json();
      }).then(function (body) {
        if (body.ok) {
          var col = item.querySelector(".col[data-col='" + body.round + "']");
          if (col) { render(col, body); }
          if (body.done) { markDone(item); }
          status.textContent = (text.saved || "") + " " + body.at;
          status.classList.add("ok");
        } else {
          status.textContent = body.error;
          status.classList.add("error");
        }
      }).catch(function () {
        status.textContent = text.failed || "";
        status.classList.add("error");
      });
    });
  });

  var all = document.getElementById("accept-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input.accept[form='accept-form']").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }
})();
