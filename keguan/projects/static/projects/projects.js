// 科技项目 forms: live sums (criteria weights; budget columns filling the stated totals until typed over).
(function () {
  "use strict";
  function num(v) { var n = parseFloat(v); return isNaN(n) ? 0 : n; }
  var out = document.getElementById("crit-sum");
  if (out) {
    var weights = document.querySelectorAll('input[name^="crit_weight_"]');
    var sumW = function () {
      var s = 0; weights.forEach(function (i) { s += num(i.value); });
      out.textContent = s; out.className = s === 100 ? "text-success" : "text-danger";
    };
    weights.forEach(function (i) { i.addEventListener("input", sumW); }); sumW();
  }
  ["own", "requested"].forEach(function (side) {
    var cells = document.querySelectorAll('input[data-budget="' + side + '"]');
    var shown = document.getElementById("sum-" + side);
    var total = document.querySelector('input[name="' + side + '_total_wan"]');
    if (!cells.length || !shown) return;
    var sum = function () { var s = 0; cells.forEach(function (i) { s += num(i.value); }); return s; };
    // the total follows the lines while it agrees with them (a new form, or a saved one being amended);
    // once the applicant types a different total, it is theirs and the check on saving compares the two
    var auto = total && (total.value === "" || Math.abs(num(total.value) - sum()) < 1e-6);
    if (total) total.addEventListener("input", function () { auto = false; });
    var run = function () {
      var s = sum();
      var text = (Math.round(s * 1e6) / 1e6).toString();
      shown.textContent = text;
      if (total && auto) total.value = text;
    };
    cells.forEach(function (i) { i.addEventListener("input", run); }); run();
  });
})();
