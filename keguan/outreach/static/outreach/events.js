// The event form: firm names suggested from the district's register as one types; "再加一行" adds a firm row.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-search");
  var list = document.getElementById("firm-options");
  var timer = null;
  function suggest(input) {
    var q = input.value.trim();
    if (!url || !list || q.length < 2) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { firms: [] }; })
        .then(function (data) {
          list.textContent = "";
          (data.firms || []).forEach(function (f) {
            var option = document.createElement("option");
            option.value = f.name;
            option.label = f.code;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 250);
  }
  document.addEventListener("input", function (ev) {
    if (ev.target && ev.target.hasAttribute && ev.target.hasAttribute("data-firm-search")) suggest(ev.target);
  });
  var add = document.querySelector("[data-firm-add]");
  if (add) {
    add.addEventListener("click", function () {
      var rows = document.querySelectorAll("[data-firm-row]");
      var last = rows[rows.length - 1];
      if (!last) return;
      var next = rows.length;
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input, select, label").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(/_(\d+)$/, "_" + next));
        });
        if (el.tagName === "INPUT") el.value = "";
        if (el.tagName === "SELECT") el.selectedIndex = 0;
      });
      copy.querySelectorAll(".invalid-feedback").forEach(function (el) { el.remove(); });
      last.parentNode.appendChild(copy);
    });
  }
})();
