/* Batch page: polls the run's status.json and moves the <progress> bar; reloads the page once the batch has finished
   (to show the ZIP and the per-unit links). Without JavaScript the page refreshes itself (<noscript> meta refresh). */
(function () {
  "use strict";
  var box = document.getElementById("batch");
  if (!box || box.getAttribute("data-finished") === "1" || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("batch-progress");
  var statusText = document.getElementById("batch-status");
  var counts = document.getElementById("batch-counts");
  var percent = document.getElementById("batch-percent");
  var INTERVAL = 1500;
  var failures = 0;

  function show(data) {
    bar.max = data.total || 1;
    bar.value = data.done + data.failed;
    bar.textContent = data.percent + "%";
    statusText.textContent = data.status_label;
    counts.textContent = "สร้างแล้ว " + data.done + " จาก " + data.total + " หน่วยงาน" +
      (data.failed ? " · ล้มเหลว " + data.failed + " รายการ" : "");
    percent.textContent = data.percent;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, INTERVAL); }
      })
      .catch(function () {
        failures += 1;  // a server restart or a network hiccup: back off, keep the reload link as the fallback
        window.setTimeout(poll, Math.min(INTERVAL * (failures + 1), 15000));
      });
  }

  window.setTimeout(poll, INTERVAL);
}());
