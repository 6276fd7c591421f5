// Sortable tables (progressive enhancement): each column title of a table.sortable becomes a button that sorts
// the rows by that column, then the other way. Without JavaScript the tables stay in their published rank order.
// A cell's data-sort (if any) is its value; numbers are read the Vietnamese way (1.234,56); empty cells go last.
"use strict";
(function () {
  function value(cell, numeric) {
    var raw = (cell.getAttribute("data-sort") || cell.textContent).trim();
    if (raw === "" || raw === "—") { return null; }
    if (!numeric) { return raw; }
    var n = parseFloat(raw.replace(/\./g, "").replace(",", "."));
    return isNaN(n) ? null : n;
  }
  function sort(table, th, index) {
    var numeric = th.classList.contains("num");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, position: position, key: value(row.cells[index], numeric) };
    });
    rows.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        return a.key === b.key ? a.position - b.position : (a.key === null ? 1 : -1);
      }
      var c = numeric ? a.key - b.key : a.key.localeCompare(b.key, "vi");
      return (ascending ? c : -c) || a.position - b.position;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sort(table, th, index); });
    });
  });
})();
