// Score sheet: save each item as it is typed (draft saving), keep running totals, filter.
// Without JavaScript every item form still posts normally and the page reloads at that item.
// Status texts are translated on the server: the data-saving, data-saved and data-offline attributes of .sheet.
(function () {
  "use strict";
  var sheet = document.querySelector(".sheet");
  if (!sheet) { return; }

  function parseNumber(text) {
    text = (text || "").trim().replace(",", ".");
    if (text === "" || !/^\d+(\.\d+)?$/.test(text)) { return null; }
    return parseFloat(text);  // display only: the server computes the exact Decimal totals
  }
  function formatVi(n) {
    var s = (Math.round(n * 10000) / 10000).toString();
    return s.replace(".", ",");
  }
  function currentValue(item) {
    var checked = item.querySelector("input[type=radio][name=points]:checked");
    if (checked) { return parseNumber(checked.value); }
    var input = item.querySelector("input.points");
    return input ? parseNumber(input.value) : null;
  }
  function recomputeTotals() {
    var fields = {};
    var total = 0;
    sheet.querySelectorAll(".sheet-item:not(.survey)").forEach(function (item) {
      var v = currentValue(item);
      var f = item.dataset.field;
      fields[f] = fields[f] || 0;
      if (v !== null) { fields[f] += v; total += v; }
    });
    Object.keys(fields).forEach(function (f) {
      var cell = document.getElementById("field-total-" + f);
      if (cell) { cell.textContent = formatVi(fields[f]); }
    });
    var grand = document.getElementById("grand-total");
    if (grand) { grand.textContent = formatVi(total); }
  }
  function applyServer(data) {
    Object.keys(data.fields || {}).forEach(function (f) {
      var cell = document.getElementById("field-total-" + f);
      if (cell) { cell.textContent = data.fields[f]; }
    });
    document.getElementById("grand-total").textContent = data.total;
    document.getElementById("scored").textContent = data.scored;
    document.getElementById("unsupported").textContent = data.unsupported;
    var bar = document.getElementById("completeness");
    bar.value = data.scored;
  }
  function markItem(item) {
    var v = currentValue(item);
    var explained = (item.querySelector("textarea[name=explanation]").value || "").trim() !== "";
    var linked = item.querySelector(".links ul") !== null;
    item.classList.toggle("unscored", v === null);
    item.classList.toggle("unsupported", v !== null && v > 0 && !explained && !linked);
  }

  var timers = new WeakMap();
  // One save per item at a time: a change made while a save is on its way is sent after its answer,
  // with the new version; otherwise both would carry the same version and the second would be
  // refused as a conflict with the person's own first save.
  var inflight = new WeakMap();  // form → true while saving, "again" when another save is wanted
  function save(form) {
    if (inflight.has(form)) { inflight.set(form, "again"); return; }
    inflight.set(form, true);
    var conflicted = false;
    var item = form.closest(".sheet-item");
    var status = form.querySelector(".status");
    status.className = "status";
    status.textContent = sheet.dataset.saving;
    var data = new FormData(form);
    if (!form.querySelector("input[type=radio][name=points]:checked") && !form.querySelector("input.points")) {
      data.set("points", "");
    }
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (r) {
      var version = form.querySelector("input[name=version]");
      if (r.body.ok) {
        version.value = r.body.version;
        status.textContent = sheet.dataset.saved + " " + r.body.saved_at;
        status.classList.add("ok");
        applyServer(r.body);
        markItem(item);
      } else {
        if (r.body.conflict) { version.value = r.body.version; conflicted = true; }
        status.textContent = r.body.error;
        status.classList.add("error");
      }
    }).catch(function () {
      status.textContent = sheet.dataset.offline;
      status.classList.add("error");
    }).then(function () {
      var again = inflight.get(form) === "again";
      inflight.delete(form);
      // after a real conflict the person must look at the other value first: nothing is re-sent
      if (again && !conflicted) { save(form); }
    });
  }
  function schedule(form, delay) {
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(function () { save(form); }, delay));
  }

  sheet.querySelectorAll("form.item-form").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); schedule(form, 0); });
    form.addEventListener("change", function () { recomputeTotals(); schedule(form, 150); });
    form.addEventListener("input", function (event) {
      recomputeTotals();
      if (event.target.tagName === "TEXTAREA" || event.target.classList.contains("points")) { schedule(form, 800); }
    });
  });

  document.querySelectorAll("a.filter").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      sheet.dataset.filter = link.dataset.filter;
      document.querySelectorAll("a.filter").forEach(function (l) { l.classList.toggle("on", l === link); });
      history.replaceState(null, "", link.getAttribute("href"));
    });
  });
})();
