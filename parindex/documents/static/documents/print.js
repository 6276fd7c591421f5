// A "print" button on a document page: <button type="button" data-print>…</button> (no inline handler).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
