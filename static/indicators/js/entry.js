/* Result entry: live score preview (scored on the server by indicators/scoring.py through /api/score-preview/,
   which refuses what the save would refuse, with the same Thai message), entry-mode panels, sub-unit table totals,
   Buddhist-Era date hints and an unsaved-changes guard. Length counters and the size check: limits.js.
   Numbers are only *added up* here (breakdown totals); every percentage and score comes from the server. */
(function () {
  "use strict";

  var THAI_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
    "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
  var DIGIT_SETS = ["๐๑๒๓๔๕๖๗๘๙", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "０１２３４５６７８９"];
  var SCALE = 10000n; // 4 decimals, as stored

  /* "๑,๔๒๔.๕" -> "1424.5"; null when blank; undefined when not a number (the server says why). */
  function normalise(text) {
    var s = String(text || "");
    DIGIT_SETS.forEach(function (set) {
      for (var i = 0; i < 10; i++) { s = s.split(set[i]).join(String(i)); }
    });
    s = s.replace(/[٫．]/g, ".").replace(/[٬，]/g, ",").replace(/[−－]/g, "-").replace(/\s+/g, "");
    if (s.endsWith("%")) { s = s.slice(0, -1); }
    if (s === "") { return null; }
    if (s.indexOf(",") >= 0) {
      if (!/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(s)) { return undefined; }
      s = s.replace(/,/g, "");
    }
    return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s) ? s : undefined;
  }

  function scaled(text) {
    var s = normalise(text);
    if (s === null || s === undefined) { return s; }
    var negative = s[0] === "-";
    s = s.replace(/^[+-]/, "");
    var parts = s.split(".");
    var decimals = (parts[1] || "").padEnd(4, "0");
    if (decimals.length > 4) { return undefined; }
    var value = BigInt(parts[0] || "0") * SCALE + BigInt(decimals);
    return negative ? -value : value;
  }

  function show(value) {
    var negative = value < 0n;
    if (negative) { value = -value; }
    var whole = (value / SCALE).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var frac = (value % SCALE).toString().padStart(4, "0").replace(/0+$/, "");
    return (negative ? "-" : "") + whole + (frac ? "." + frac : "");
  }

  function plain(value) { return show(value).replace(/,/g, ""); }

  function digits(text) {
    var s = String(text || "");
    DIGIT_SETS.forEach(function (set) {
      for (var i = 0; i < 10; i++) { s = s.split(set[i]).join(String(i)); }
    });
    return s.trim();
  }

  /* "31/3/2566", "31/3/2023" or "2023-03-31" -> "31 มีนาคม 2566" ("" when not a date). */
  function thaiDate(text) {
    var s = digits(text), day, month, year;
    var m = /^(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{4})$/.exec(s);
    if (m) { day = Number(m[1]); month = Number(m[2]); year = Number(m[3]); if (year < 2400) { year += 543; } }
    else {
      m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      if (!m) { return ""; }
      day = Number(m[3]); month = Number(m[2]); year = Number(m[1]) + 543;
    }
    var check = new Date(year - 543, month - 1, day);
    if (month < 1 || month > 12 || check.getDate() !== day) { return ""; }
    return day + " " + THAI_MONTHS[month - 1] + " " + year;
  }

  /* The date written out in words next to every date box (31/03/2566 → 31 มีนาคม 2566). */
  function dateHints(root) {
    root.querySelectorAll("[data-be-for]").forEach(function (hint) {
      var input = document.getElementById(hint.getAttribute("data-be-for"));
      if (!input) { return; }
      var update = function () { var t = thaiDate(input.value); hint.textContent = t ? "(" + t + ")" : ""; };
      input.addEventListener("change", update);
      input.addEventListener("input", update);
      update();
    });
  }

  function confirmations() {
    document.querySelectorAll("button[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }

  dateHints(document);
  confirmations();

  var form = document.getElementById("entry-form");
  if (!form) { return; }
  var editable = form.dataset.editable === "1";
  var kind = form.dataset.kind;
  var out = {};
  document.querySelectorAll("#score-preview [data-out]").forEach(function (el) { out[el.dataset.out] = el; });

  function field(name) { return form.querySelector('[name="' + name + '"]'); }
  function val(name) { var el = field(name); return el ? el.value : null; }

  /* ---- entry modes: totals typed, a sub-unit table, or the percentage itself ---- */
  var modeInputs = form.querySelectorAll('input[name="mode"]');
  function mode() {
    var checked = form.querySelector('input[name="mode"]:checked');
    return checked ? checked.value : (modeInputs.length ? "ratio" : null);
  }
  function showMode() {
    var current = mode();
    form.querySelectorAll("[data-mode-panel]").forEach(function (panel) {
      panel.hidden = current !== null && panel.dataset.modePanel !== current;
    });
  }
  modeInputs.forEach(function (input) { input.addEventListener("change", function () { showMode(); changed(); }); });
  showMode();

  /* ---- breakdown table ---- */
  var table = document.getElementById("breakdown");
  function totals() {
    if (!table) { return null; }
    var num = 0n, den = 0n, bad = false, above = false, any = false;
    table.querySelectorAll("tbody tr.sub-row").forEach(function (row, index) {
      row.querySelector(".col-no").textContent = String(index + 1);
      var n = scaled(row.querySelector('input[name$="-numerator"]').value);
      var d = scaled(row.querySelector('input[name$="-denominator"]').value);
      var warning = row.querySelector(".row-warning");
      if (n === undefined || d === undefined) { bad = true; }
      var rowAbove = typeof n === "bigint" && typeof d === "bigint" && n > d;
      if (warning) { warning.hidden = !rowAbove; }
      above = above || rowAbove;
      if (typeof n === "bigint") { num += n; any = true; }
      if (typeof d === "bigint") { den += d; any = true; }
    });
    table.querySelector('[data-total="numerator"]').textContent = any ? show(num) : "";
    table.querySelector('[data-total="denominator"]').textContent = any ? show(den) : "";
    return { num: num, den: den, bad: bad, above: above || num > den, any: any };
  }
  var addRow = form.querySelector("[data-add-row]");
  if (addRow && table) {
    addRow.addEventListener("click", function () {
      var total = form.querySelector('input[name="sub-TOTAL_FORMS"]');
      var index = Number(total.value);
      var html = document.getElementById("sub-empty-row").innerHTML.replace(/__prefix__/g, String(index));
      table.querySelector("tbody").insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      totals();
      var inputs = table.querySelectorAll("tbody tr:last-child input[type=text]");
      if (inputs.length) { inputs[0].focus(); }
    });
  }

  /* ---- "numerator above denominator" must be confirmed: show the box only when it applies ---- */
  var confirmBox = form.querySelector('[data-field="numerator_above_denominator_confirmed"]');
  function updateConfirm(above) {
    if (!confirmBox) { return; }
    var checkbox = confirmBox.querySelector("input");
    confirmBox.hidden = !(above || checkbox.checked || confirmBox.classList.contains("has-error"));
  }

  /* ---- what the server should score (and judge by the save's own rules: indicators/forms/rules.py) ---- */
  function payload() {
    var data = { assignment_id: Number(form.dataset.assignment), round_id: Number(form.dataset.round),
      org_unit_id: Number(form.dataset.unit), as_of_date: val("as_of_date") || "" };
    var above = false;
    if (kind === "milestones") {
      data.completed = {};
      form.querySelectorAll("li.step[data-level]").forEach(function (step) {
        data.completed[step.dataset.level] = Array.prototype.map.call(
          step.querySelectorAll('input[type=checkbox][name$="-done"]'), function (box) { return box.checked; });
      });
    } else if (kind === "maturity") {
      data.achieved_level = val("achieved_level") || "";
    } else if (kind === "composite") {
      data.value = val("value");
      data.second_value = val("second_value");
    } else {
      if (kind === "mixed") { data.level1_milestone_done = !!(field("level1_milestone_done") || {}).checked; }
      var current = mode();
      if (current) { data.mode = current; }
      if (confirmBox) { data.numerator_above_denominator_confirmed = confirmBox.querySelector("input").checked; }
      if (current === "breakdown") {
        var t = totals();
        if (t && t.any && !t.bad) {
          data.numerator = plain(t.num); data.denominator = plain(t.den); above = t.above; data.rows_above = t.above;
        }
        else if (t && t.bad) { data.numerator = "?"; data.denominator = "1"; }
      } else if (field("numerator") && (current === "ratio" || (current === null &&
                 ((val("numerator") || "").trim() || (val("denominator") || "").trim() || !field("value"))))) {
        data.numerator = val("numerator");
        data.denominator = val("denominator");
        var n = scaled(data.numerator), d = scaled(data.denominator);
        above = typeof n === "bigint" && typeof d === "bigint" && n > d;
      } else {
        data.value = val("value");
      }
    }
    updateConfirm(above);
    return data;
  }

  function render(result) {
    var has = function (v) { return v !== null && v !== undefined && v !== ""; };
    if (out.value) { out.value.textContent = has(result.value) ? result.value : "—"; }
    if (out.score) { out.score.textContent = has(result.score) ? result.score : "—"; }
    if (out.explanation) {
      out.explanation.textContent = result.explanation || "";
      out.explanation.hidden = !result.explanation;
    }
    if (out.problem) {
      out.problem.textContent = result.problem || "";
      out.problem.hidden = !result.problem;
    }
  }

  var timer = null;
  var sequence = 0;
  function preview() {
    var mine = ++sequence;
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    fetch(form.dataset.previewUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(payload())
    }).then(function (response) {
      return response.json().then(function (body) {
        // 400: the input itself is wrong (e.g. "13,90"); only its Thai explanation is shown
        return response.ok ? body : { problem: body.problem || "คำนวณคะแนนไม่ได้ในขณะนี้" };
      }, function () { return { problem: "คำนวณคะแนนไม่ได้ในขณะนี้" }; });
    }).then(function (result) {
      if (mine === sequence) { render(result); }
    }).catch(function () {
      if (mine === sequence) { render({ problem: "เชื่อมต่อเครื่องแม่ข่ายไม่ได้ คะแนนจะคำนวณเมื่อบันทึก" }); }
    });
  }

  var dirty = false;
  function changed() {
    dirty = true;
    totals();
    if (!editable) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(preview, 300);
  }

  totals();
  if (editable) {
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    preview(); // what is in the form now (after a refused save it differs from what is saved)
  }
  form.addEventListener("submit", function () { dirty = false; }); // limits.js stops this when it refuses to send
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  /* ---- evidence: per-level links and the unsaved-changes warning ---- */
  var evidenceForm = document.getElementById("evidence-form");
  document.querySelectorAll("[data-attach-level]").forEach(function (link) {
    link.addEventListener("click", function () {
      var select = document.getElementById("id_milestone_level");
      if (select) { select.value = link.dataset.attachLevel; }
      var file = document.getElementById("id_file");
      if (file) { window.setTimeout(function () { file.focus(); }, 50); }
    });
  });
  if (evidenceForm) {
    evidenceForm.addEventListener("submit", function (event) {
      if (dirty && !window.confirm("มีข้อมูลในแบบฟอร์มผลการดำเนินงานที่ยังไม่ได้บันทึก หากแนบไฟล์ตอนนี้ข้อมูลนั้นจะหายไป ต้องการแนบไฟล์ต่อหรือไม่?")) {
        event.preventDefault();
        return;
      }
      dirty = false;
    });
  }
})();
