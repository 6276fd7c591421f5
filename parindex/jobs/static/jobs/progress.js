// The job page while its job runs: ask the job's state every few seconds, move the bar and the message,
// and reload the page once the job has ended (to show its file or its errors). Without script the page
// reloads itself (<noscript> refresh) instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-state]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-job-state");
  var every = (parseInt(box.getAttribute("data-job-poll"), 10) || 2) * 1000;
  function field(name) { return box.querySelector('[data-job-field="' + name + '"]'); }
  function show(state) {
    var bar = field("bar");
    if (bar) {
      if (state.percent === null) { bar.removeAttribute("value"); } else { bar.value = state.percent; }
    }
    if (field("status_label")) field("status_label").textContent = state.status_label;
    if (field("message")) field("message").textContent = state.message;
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state) { setTimeout(poll, every * 3); return; }
        show(state);
        if (state.finished) { window.location.reload(); } else { setTimeout(poll, every); }
      })
      .catch(function () { setTimeout(poll, every * 3); });
  }
  setTimeout(poll, every);
})();
