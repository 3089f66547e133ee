/* Live weight totals under the framework's assignment inline: total, Performance and Potential.
   Reads the inputs by name (assignments-N-weight/-component/-parent/-DELETE), so it works with nested-admin rows. */
(function () {
  "use strict";
  function number(value) {
    var n = parseFloat(String(value || "").replace(/,/g, ""));
    return isNaN(n) ? 0 : n;
  }
  function field(index, name) {
    return document.querySelector("[name='assignments-" + index + "-" + name + "']");
  }
  function recompute() {
    var box = document.getElementById("framework-weight-total");
    if (!box) { return; }
    var total = 0, performance = 0, potential = 0;
    document.querySelectorAll("input[name^='assignments-'][name$='-weight']").forEach(function (input) {
      var match = /^assignments-(\d+)-weight$/.exec(input.name);
      if (!match) { return; }
      var index = match[1];
      var del = field(index, "DELETE");
      if (del && del.checked) { return; }
      var parent = field(index, "parent");
      if (parent && parent.value) { return; }
      var weight = number(input.value);
      var component = (field(index, "component") || {}).value;
      total += weight;
      if (component === "performance") { performance += weight; }
      if (component === "potential") { potential += weight; }
    });
    box.textContent = "น้ำหนักรวม " + total.toFixed(2) + " (Performance " + performance.toFixed(2) +
      " / Potential " + potential.toFixed(2) + ")";
    box.className = Math.abs(total - 100) < 0.001 ? "weight-ok" : "weight-bad";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var group = document.getElementById("assignments-group");
    if (!group) { return; }
    var box = document.createElement("p");
    box.id = "framework-weight-total";
    box.setAttribute("aria-live", "polite");
    group.parentNode.insertBefore(box, group.nextSibling);
    document.addEventListener("input", recompute);
    document.addEventListener("change", recompute);
    document.addEventListener("click", function () { window.setTimeout(recompute, 0); });
    recompute();
  });
})();
