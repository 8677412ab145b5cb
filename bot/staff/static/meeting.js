// The meeting grid, from the keyboard alone: Enter adds a row (or goes to the next one),
// Tab moves between cells, Ctrl+Enter saves. The category is suggested from the text as staff
// leave the content cell (unless they chose one); the village follows the meeting's village.
(function () {
  "use strict";
  var grid = document.getElementById("grid");
  if (!grid) { return; }
  var body = grid.querySelector("tbody");
  var form = document.getElementById("meeting-form");
  var suggestUrl = grid.getAttribute("data-suggest");

  function rows() { return body.querySelectorAll("tr[data-row]"); }

  function renumber(row, n) {
    row.querySelector("[data-stt]").textContent = String(n);
    row.querySelectorAll("[data-f]").forEach(function (cell) {
      var f = cell.getAttribute("data-f");
      cell.name = "r-" + n + "-" + f;
      var label = cell.getAttribute("aria-label") || "";
      cell.setAttribute("aria-label", label.replace(/\d+$/, String(n)));
    });
  }

  function addRow() {
    var all = rows();
    var last = all[all.length - 1];
    var row = last.cloneNode(true);
    row.querySelectorAll("[data-f]").forEach(function (cell) {
      if (cell.type === "checkbox") { cell.checked = false; }
      else if (cell.tagName === "SELECT") { cell.value = ""; cell.removeAttribute("data-touched"); }
      else { cell.value = ""; }
    });
    body.appendChild(row);
    renumber(row, all.length + 1);
    wire(row);
    defaultVillage(row);
    row.querySelector("[data-f=content]").focus();
    return row;
  }

  function meetingVillage() {
    var checked = document.querySelectorAll("[data-meeting-village]:checked");
    return checked.length === 1 ? checked[0].value : "";
  }

  function defaultVillage(row) {
    var select = row.querySelector("[data-f=village]");
    if (!select.getAttribute("data-touched")) { select.value = meetingVillage(); }
  }

  function suggest(row) {
    var content = row.querySelector("[data-f=content]").value.trim();
    var select = row.querySelector("[data-f=category]");
    if (!content || select.getAttribute("data-touched")) { return; }
    fetch(suggestUrl + "?text=" + encodeURIComponent(content), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.category && !select.getAttribute("data-touched")) {
          select.value = data.category;
          select.setAttribute("data-suggested", data.category);
        }
      })
      .catch(function () { /* the server suggests again when saving */ });
  }

  function wire(row) {
    row.querySelectorAll("select[data-f]").forEach(function (select) {
      select.addEventListener("change", function () { select.setAttribute("data-touched", "1"); });
    });
    row.querySelector("[data-f=content]").addEventListener("change", function () { suggest(row); });
  }

  rows().forEach(function (row) { wire(row); defaultVillage(row); });
  document.querySelectorAll("[data-meeting-village]").forEach(function (box) {
    box.addEventListener("change", function () { rows().forEach(defaultVillage); });
  });
  document.getElementById("add-row").addEventListener("click", addRow);

  grid.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault();
    if (event.ctrlKey || event.metaKey) { form.requestSubmit(); return; }
    var row = event.target.closest("tr[data-row]");
    var next = row && row.nextElementSibling;
    if (row) { suggest(row); }
    if (next) { next.querySelector("[data-f=content]").focus(); } else { addRow(); }
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !grid.contains(event.target)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Enter" && event.target.tagName === "INPUT" && !grid.contains(event.target)) {
      event.preventDefault(); // Enter in a meeting field must not save half a meeting
    }
  });
})();
