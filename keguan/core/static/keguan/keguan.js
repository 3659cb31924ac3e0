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
});
// An export link exports exactly what its filter form shows now.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-export-form]");
  if (!link) return;
  var form = document.getElementById(link.getAttribute("data-export-form"));
  if (!form) return;
  var params = new URLSearchParams(new FormData(form));
  var base = link.getAttribute("href").split("?")[0];
  link.setAttribute("href", base + (params.toString() ? "?" + params.toString() : ""));
});
// Bootstrap tooltips (the figures' sources in the report preview).
document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
  if (window.bootstrap) { new bootstrap.Tooltip(el); }
});
