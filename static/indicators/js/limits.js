/* Bad input, handled in the browser before anything is sent (issue 8).
   - Under every box with data-maxlength (the model's limit), a live counter "1,234 / 8,000 ตัวอักษร", red when over.
     The box keeps all of its text: there is no maxlength attribute, which would silently cut a paste.
   - A form carrying the server's limits (data-max-body: bytes of form data, data-max-fields, data-max-file: bytes of
     one file) is not sent while a box is over its limit or the request would be refused as too large; a Thai
     message says why, and everything typed stays in the form.
   - A form with data-keep-typed keeps a copy of what it sends in sessionStorage (this tab only). If the server
     refused the request (the Thai "too large" page), opening the form again puts the copy back — unless the form's
     version moved on, which means the save went through.
   Loaded before entry.js; its submit check runs first and stops entry.js's handlers when it refuses. */
(function () {
  "use strict";

  var STORE_PREFIX = "dsdw-kpi:typed:";
  var KEEP_HOURS = 12;
  var SKIP = /^(csrfmiddlewaretoken|version|.*-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)$/;

  /* Characters as the server counts them: code points, a line break once. */
  function length(text) { return Array.from(String(text || "").replace(/\r\n/g, "\n")).length; }
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function megabytes(bytes) { return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, ""); }

  function labelOf(el) {
    var label = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
    return label ? label.textContent.trim() : (el.name || "");
  }

  /* ---- counters ---- */
  function counterFor(el) {
    var counter = el.id ? document.querySelector('[data-count-for="' + el.id + '"]') : null;
    if (!counter) {
      counter = document.createElement("p");
      counter.className = "char-count";
      if (el.id) { counter.id = el.id + "_count"; counter.setAttribute("data-count-for", el.id); }
      el.insertAdjacentElement("afterend", counter);
    }
    if (counter.id) {
      var described = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (described.indexOf(counter.id) < 0) { described.push(counter.id); }
      el.setAttribute("aria-describedby", described.join(" "));
    }
    return counter;
  }

  function updateCounter(el) {
    var limit = Number(el.getAttribute("data-maxlength"));
    var used = length(el.value);
    var counter = counterFor(el);
    var over = used > limit;
    counter.textContent = over
      ? grouped(used) + " / " + grouped(limit) + " ตัวอักษร — เกินกำหนด " + grouped(used - limit) +
        " ตัวอักษร กรุณาตัดให้สั้นลง (ข้อความทั้งหมดยังอยู่)"
      : grouped(used) + " / " + grouped(limit) + " ตัวอักษร";
    counter.classList.toggle("over", over);
    counter.classList.toggle("near", !over && used >= limit * 0.9);
    if (over) { el.setAttribute("aria-invalid", "true"); } else if (el.getAttribute("aria-invalid") === "true" &&
        !el.closest(".has-error")) { el.removeAttribute("aria-invalid"); }
    return over;
  }

  function counters(root) {
    root.querySelectorAll("[data-maxlength]").forEach(function (el) {
      if (el.disabled || el.readOnly) { return; }
      updateCounter(el);
      el.addEventListener("input", function () { updateCounter(el); });
    });
  }

  /* ---- what the request will weigh ---- */
  function entries(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var out = [];
    data.forEach(function (value, name) { out.push([name, value]); });
    return out;
  }

  function utf8(text) { return new Blob([text]).size; }

  /* Bytes Django counts against DATA_UPLOAD_MAX_MEMORY_SIZE (files excluded) and the number of fields. */
  function weigh(form, submitter) {
    var multipart = (form.getAttribute("enctype") || "").toLowerCase() === "multipart/form-data";
    var bytes = 0, fields = 0, files = [];
    entries(form, submitter).forEach(function (pair) {
      var name = pair[0], value = pair[1];
      if (typeof value !== "string") { if (value.size || value.name) { files.push(value); } return; }
      fields += 1;
      var text = value.replace(/\r?\n/g, "\r\n"); // browsers send a textarea's line breaks as CR LF
      if (multipart) {
        bytes += utf8(text) + utf8(name) + 80; // part headers
      } else {
        bytes += encodeURIComponent(name).length + 1 + encodeURIComponent(text).replace(/%20/g, "+").length + 1;
      }
    });
    return { bytes: bytes, fields: fields, files: files };
  }

  /* ---- refusing before sending ---- */
  function refusalBox(form) {
    var box = form.querySelector(".size-refusal");
    if (!box) {
      box = document.createElement("div");
      box.className = "card error size-refusal";
      box.setAttribute("role", "alert");
      box.tabIndex = -1;
      form.insertBefore(box, form.firstElementChild ? form.firstElementChild.nextSibling : null);
    }
    return box;
  }

  function clearRefusal(form) {
    var box = form.querySelector(".size-refusal");
    if (box) { box.remove(); }
  }

  function refuse(form, lines, focus) {
    var box = refusalBox(form);
    box.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    box.scrollIntoView({ block: "center" });
    (focus || box).focus({ preventScroll: true });
  }

  function problems(form, submitter) {
    var lines = [], first = null;
    form.querySelectorAll("[data-maxlength]").forEach(function (el) {
      if (el.disabled) { return; }
      var limit = Number(el.getAttribute("data-maxlength")), used = length(el.value);
      if (used > limit) {
        lines.push("ช่อง “" + labelOf(el) + "” ยาว " + grouped(used) + " ตัวอักษร เกินกำหนด " +
          grouped(used - limit) + " ตัวอักษร (ได้ไม่เกิน " + grouped(limit) + ")");
        first = first || el;
      }
    });
    var maxBody = Number(form.dataset.maxBody || 0), maxFields = Number(form.dataset.maxFields || 0);
    var maxFile = Number(form.dataset.maxFile || 0);
    var weight = weigh(form, submitter);
    if (maxBody && weight.bytes > maxBody) {
      lines.push("ข้อมูลในแบบฟอร์มมีขนาดประมาณ " + megabytes(weight.bytes) + " MB เกินกว่าที่ระบบรับได้ (" +
        megabytes(maxBody) + " MB) กรุณาลดข้อความให้สั้นลง");
    }
    if (maxFields && weight.fields > maxFields) {
      lines.push("แบบฟอร์มมี " + grouped(weight.fields) + " ช่อง เกินกว่าที่ระบบรับได้ (" + grouped(maxFields) +
        " ช่อง) กรุณาลดจำนวนแถวที่กรอก");
    }
    weight.files.forEach(function (file) {
      if (maxFile && file.size > maxFile) {
        lines.push("ไฟล์ “" + file.name + "” มีขนาด " + megabytes(file.size) + " MB เกินกำหนด " +
          megabytes(maxFile) + " MB กรุณาลดขนาดไฟล์ (เช่น สแกนด้วยความละเอียดต่ำลง) แล้วแนบอีกครั้ง");
        first = first || form.querySelector("input[type=file]");
      }
    });
    return { lines: lines, focus: first };
  }

  function guard(form) {
    form.addEventListener("submit", function (event) {
      var found = problems(form, event.submitter);
      if (!found.lines.length) {
        clearRefusal(form);
        if (form.dataset.keepTyped === "1") { keep(form); }
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      refuse(form, ["ระบบยังไม่ได้ส่งข้อมูล ข้อความที่พิมพ์ไว้ยังอยู่ครบในแบบฟอร์ม"].concat(found.lines)
        .concat(["แก้ไขแล้วกดบันทึกอีกครั้ง"]), found.focus);
    });
  }

  /* ---- a copy of what was sent, for a refused request ---- */
  function storeKey(form) { return STORE_PREFIX + (form.getAttribute("action") || window.location.pathname); }
  function versionOf(form) { var v = form.querySelector('[name="version"]'); return v ? v.value : ""; }

  function snapshot(form) {
    var values = {};
    entries(form, null).forEach(function (pair) {
      if (typeof pair[1] !== "string" || SKIP.test(pair[0])) { return; }
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    var total = form.querySelector('[name$="-TOTAL_FORMS"]');
    return { values: values, rows: total ? Number(total.value) : null };
  }

  function keep(form) {
    var copy = snapshot(form);
    copy.version = versionOf(form);
    copy.at = Date.now();
    try { window.sessionStorage.setItem(storeKey(form), JSON.stringify(copy)); } catch (e) { /* full or off */ }
  }

  function apply(form, copy) {
    var total = form.querySelector('[name$="-TOTAL_FORMS"]');
    var add = form.querySelector("[data-add-row]");
    while (total && add && copy.rows !== null && Number(total.value) < copy.rows) {
      var before = Number(total.value);
      add.click();
      if (Number(total.value) === before) { break; }
    }
    var queues = {}, changed = [];
    Object.keys(copy.values).forEach(function (name) { queues[name] = copy.values[name].slice(); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP.test(el.name) || el.disabled || /^(file|submit|button|reset)$/.test(el.type)) { return; }
      var saved = copy.values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        var checked = saved.indexOf(el.value) >= 0;
        if (el.checked !== checked) { el.checked = checked; changed.push(el); }
        return;
      }
      var value = queues[el.name] && queues[el.name].length ? queues[el.name].shift()
        : (el.type === "hidden" || el.tagName === "SELECT" ? el.value : "");
      if (el.value !== value) { el.value = value; changed.push(el); }
    });
    // entry.js, the date hints and the counters follow the same events as typing would send
    changed.forEach(function (el) {
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function restore(form) {
    var key = storeKey(form), copy = null;
    try { copy = JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (e) { copy = null; }
    if (!copy || !copy.values) { return; }
    var stale = copy.version !== versionOf(form) || Date.now() - (copy.at || 0) > KEEP_HOURS * 3600 * 1000;
    if (stale || form.dataset.editable === "0") { window.sessionStorage.removeItem(key); return; }
    var now = snapshot(form);
    if (JSON.stringify(now.values) === JSON.stringify(copy.values)) { return; } // the page already shows it
    apply(form, copy);
    var note = document.createElement("div");
    note.className = "card notice restored-typed";
    note.setAttribute("role", "status");
    var text = document.createElement("p");
    text.textContent = "ระบบนำข้อความที่คุณพิมพ์ไว้ก่อนการส่งครั้งล่าสุดซึ่งไม่สำเร็จกลับมาใส่ในแบบฟอร์มแล้ว " +
      "(ยังไม่ได้บันทึก) กรุณาตรวจสอบ แล้วกด “บันทึกร่าง”";
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "secondary";
    undo.textContent = "ใช้ค่าที่บันทึกไว้แทน";
    undo.addEventListener("click", function () {
      apply(form, now);
      window.sessionStorage.removeItem(key);
      note.remove();
    });
    note.appendChild(text);
    note.appendChild(undo);
    form.insertBefore(note, form.firstElementChild ? form.firstElementChild.nextSibling : null);
  }

  counters(document);
  document.querySelectorAll("form[data-max-body], form[data-max-fields], form[data-max-file]").forEach(guard);
  // After every deferred script (entry.js listens for the input event the restore sends).
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-keep-typed]").forEach(restore);
  });
})();
