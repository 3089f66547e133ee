/* Live weight totals under the framework's assignment inline: total, Performance and Potential. */
(function () {
  "use strict";
  function number(value) {
    var n = parseFloat(String(value || "").replace(/,/g, ""));
    return isNaN(n) ? 0 : n;
  }
  function recompute() {
    var box = document.getElementById("framework-weight-total");
    if (!box) { return; }
    var total = 0, performance = 0, potential = 0;
    document.querySelectorAll(".assignment-weights tr.form-row").forEach(function (row) {
      if (row.id && row.id.indexOf("-empty") !== -1) { return; }
      var del = row.querySelector("input[name$='-DELETE']");
      if (del && del.checked) { return; }
      var parent = row.querySelector("select[name$='-parent']");
      if (parent && parent.value) { return; }
      var weight = number((row.querySelector("input[name$='-weight']") || {}).value);
      var component = (row.querySelector("select[name$='-component']") || {}).value;
      total += weight;
      if (component === "performance") { performance += weight; }
      if (component === "potential") { potential += weight; }
    });
    box.textContent = "น้ำหนักรวม " + total.toFixed(2) + " (Performance " + performance.toFixed(2) +
      " / Potential " + potential.toFixed(2) + ")";
    box.className = Math.abs(total - 100) < 0.001 ? "weight-ok" : "weight-bad";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var group = document.querySelector(".assignment-weights");
    if (!group) { return; }
    var box = document.createElement("p");
    box.id = "framework-weight-total";
    box.setAttribute("aria-live", "polite");
    group.appendChild(box);
    group.addEventListener("input", recompute);
    group.addEventListener("change", recompute);
    recompute();
  });
})();
