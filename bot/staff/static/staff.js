// Staff dashboard helpers (no build step; the CSP forbids inline script, so all of it is here).
// The pages work without this file: it only prints, asks before destructive actions, prevents a
// double submit on slow connections, and shows the period fields that matter in the report form.
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
        button.textContent = "Đang lưu…";
      });
    });
  });

  var period = document.querySelector("select[data-period]");
  if (period) {
    var update = function () {
      document.querySelectorAll(".period-form [data-for]").forEach(function (label) {
        var kinds = label.getAttribute("data-for").split(" ");
        label.hidden = kinds.indexOf(period.value) === -1;
      });
    };
    period.addEventListener("change", update);
    update();
  }
})();
