// Appraisal unit page: each item's form is saved with fetch and the column updated in place.
// Without JavaScript the form posts normally and the page reloads at that item with a message.
(function () {
  "use strict";
  function render(col, body) {
    var box = col.querySelector(".value");
    if (!box) { return; }
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "points";
    var strong = document.createElement("strong");
    strong.textContent = body.points;
    p.appendChild(strong);
    p.appendChild(document.createTextNode(" điểm"));
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
      status.textContent = "Đang lưu…";
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
      }).then(function (response) {
        return response.json();
      }).then(function (body) {
        if (body.ok) {
          var col = item.querySelector(".col[data-col='" + body.round + "']");
          if (col) { render(col, body); }
          status.textContent = "Đã lưu lúc " + body.at;
          status.classList.add("ok");
        } else {
          status.textContent = body.error;
          status.classList.add("error");
        }
      }).catch(function () {
        status.textContent = "Chưa lưu được (mất kết nối?). Hãy bấm Lưu lại.";
        status.classList.add("error");
      });
    });
  });
})();
