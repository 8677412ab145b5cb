// Staff dashboard helpers (no build step; the CSP forbids inline script, so all of it is here).
// The pages work without this file: it only prints, asks before destructive actions, prevents a
// double submit on slow connections, shows the period fields that matter in the report form, and
// reloads the live-conversation pages now and then.
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

  // A list that changes while staff watch it (the live conversations) reloads itself, but never
  // while someone is typing, has written something not sent yet, or has a form unfolded.
  var live = document.querySelector("[data-autorefresh]");
  if (live) {
    var every = (parseInt(live.getAttribute("data-autorefresh"), 10) || 20) * 1000;
    window.setInterval(function () {
      var active = document.activeElement;
      var busy = active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
      var kept = Array.prototype.some.call(document.querySelectorAll("[data-keep]"), function (el) {
        return el.value.trim() !== "";
      });
      if (!document.hidden && !busy && !kept && !document.querySelector("details[open]")) {
        window.location.reload();
      }
    }, every);
  }

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
