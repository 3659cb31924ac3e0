// keguan: small behaviours without inline scripts (the CSP allows only files served by keguan).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches("form[data-autosubmit] select")) {
    el.form.requestSubmit();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
  // Forms that come back to this page (the list kit's page size and columns) return to the address as it is
  // now: htmx filters may have changed it since the page was rendered.
  var back = form.querySelector("input[name=next][data-back-here]");
  if (back) back.value = window.location.pathname + window.location.search;
});
// An export link exports exactly what its filter form shows now.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-export-form]");
  if (!link) return;
  var form = document.getElementById(link.getAttribute("data-export-form"));
  if (!form) return;
  var params = new URLSearchParams(new FormData(form));
  var extra = link.getAttribute("data-extra");  // the print link adds print=1
  if (extra) new URLSearchParams(extra).forEach(function (v, k) { params.set(k, v); });
  var base = link.getAttribute("href").split("?")[0];
  link.setAttribute("href", base + (params.toString() ? "?" + params.toString() : ""));
});
// Bootstrap tooltips (the figures' sources in the report preview).
document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
  if (window.bootstrap) { new bootstrap.Tooltip(el); }
});
// On a phone the filter forms fold behind one button, so the results are the first thing on the screen; the
// button says how many conditions are on.
if (window.matchMedia && window.matchMedia("(max-width: 575.98px)").matches) {
  document.querySelectorAll("form.kg-filter").forEach(function (form, i) {
    if (!form.id) form.id = "kg-filter-" + i;
    var on = Array.prototype.filter.call(form.querySelectorAll("select, input:not([type=hidden])"), function (el) {
      if (el.tagName === "SELECT") return el.selectedIndex > 0;  // the first option is the default
      return el.value && el.type !== "submit" && el.type !== "button";
    }).length;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary btn-sm mb-2 w-100 text-start";
    button.setAttribute("aria-controls", form.id);
    button.setAttribute("aria-expanded", "false");
    button.textContent = "筛选条件" + (on ? "（已设" + on + "项）" : "") + " ▾";
    button.addEventListener("click", function () {
      var open = form.classList.toggle("kg-filter-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    form.classList.add("kg-filter-folded");
    form.parentNode.insertBefore(button, form);
  });
}
// On a phone a long set of cards shows its first few; the button under it unfolds the rest.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-unfold]");
  if (!button) return;
  var box = document.getElementById(button.getAttribute("data-unfold"));
  if (!box) return;
  box.classList.remove("kg-phone-fold");
  button.setAttribute("aria-expanded", "true");
  button.remove();
});
// A table wider than the screen says that it scrolls sideways.
function kgMarkScrolling() {
  document.querySelectorAll(".table-responsive").forEach(function (box) {
    box.classList.toggle("kg-scrolls", box.scrollWidth > box.clientWidth + 2);
  });
}
kgMarkScrolling();
window.addEventListener("resize", kgMarkScrolling);
document.body.addEventListener("htmx:afterSettle", kgMarkScrolling);
// The list kit (keguan.core.lists): tick rows for the batch actions, tick all on the page, count what is ticked;
// the actions wait for a ticked row. Rows come and go with htmx swaps, so everything is read at the event.
function kgBatchSync() {
  var bar = document.querySelector("form[data-batch]");
  if (!bar) return;
  var rows = document.querySelectorAll("input[data-batch-row]");
  var ticked = Array.prototype.filter.call(rows, function (el) { return el.checked; }).length;
  var count = bar.querySelector("[data-batch-count]");
  if (count) count.textContent = ticked;
  bar.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = ticked === 0; });
  var all = document.querySelector("input[data-batch-all]");
  if (all) {
    all.checked = rows.length > 0 && ticked === rows.length;
    all.indeterminate = ticked > 0 && ticked < rows.length;
  }
}
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches("input[data-batch-all]")) {
    document.querySelectorAll("input[data-batch-row]").forEach(function (row) { row.checked = el.checked; });
  }
  if (el.matches("input[data-batch-all], input[data-batch-row]")) kgBatchSync();
});
document.addEventListener("htmx:afterSwap", kgBatchSync);
kgBatchSync();
// The print layout: 立即打印.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
});
// The left menu (keguan.core.menu): a long menu folds all groups but the current page's; the groups the user
// unfolds (or folds) by a click are remembered in this browser, for this user (an office PC is shared).
(function () {
  var nav = document.getElementById("kg-sidebar");
  var KEY = (nav && nav.getAttribute("data-menu-memory")) || "kg-menu-open";
  var folds = document.querySelectorAll("details.kg-menu-fold");
  var opened = [];
  try { opened = JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { opened = []; }
  if (!Array.isArray(opened)) opened = [];
  folds.forEach(function (fold) {
    var name = fold.getAttribute("data-menu-group");
    if (opened.indexOf(name) >= 0) fold.open = true;
    fold.querySelector("summary").addEventListener("click", function () {
      window.setTimeout(function () {  // after the browser has toggled it
        opened = opened.filter(function (n) { return n !== name; });
        if (fold.open) opened.push(name);
        try { window.localStorage.setItem(KEY, JSON.stringify(opened)); } catch (e) { /* private mode */ }
      }, 0);
    });
  });
})();
