/* LTC CRM: small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Success and info messages fade out after a while; errors stay until dismissed.
  function autohideAlerts(root) {
    root.querySelectorAll(".messages .alert[data-autohide='1']").forEach(function (el) {
      setTimeout(function () {
        if (window.bootstrap && document.body.contains(el)) {
          bootstrap.Alert.getOrCreateInstance(el).close();
        }
      }, 6000);
    });
  }

  // Bulk selection on list pages: a "select all" box and a bar that shows the count.
  function bulkSelect(root) {
    root.querySelectorAll("[data-bulk]").forEach(function (form) {
      var all = form.querySelector("[data-bulk-all]");
      var boxes = function () { return form.querySelectorAll("input[data-bulk-item]"); };
      var counter = form.querySelector("[data-bulk-count]");
      var buttons = form.querySelectorAll("[data-bulk-action]");
      function refresh() {
        var n = Array.prototype.filter.call(boxes(), function (b) { return b.checked; }).length;
        if (counter) counter.textContent = n;
        buttons.forEach(function (b) { b.disabled = n === 0; });
        if (all) {
          all.checked = n > 0 && n === boxes().length;
          all.indeterminate = n > 0 && n < boxes().length;
        }
      }
      if (all) {
        all.addEventListener("change", function () {
          boxes().forEach(function (b) { b.checked = all.checked; });
          refresh();
        });
      }
      form.addEventListener("change", function (e) {
        if (e.target.matches("input[data-bulk-item]")) refresh();
      });
      refresh();
    });
  }

  // Filter forms submit as soon as a select changes.
  function autoSubmit(root) {
    root.querySelectorAll("form[data-autosubmit] select").forEach(function (el) {
      el.addEventListener("change", function () { el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit(); });
    });
  }

  // Buttons that ask before they act.
  document.addEventListener("submit", function (e) {
    var btn = e.submitter;
    var msg = (btn && btn.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  });

  // Show the file name chosen in an upload drop zone.
  function fileNames(root) {
    root.querySelectorAll("[data-file-name]").forEach(function (out) {
      var input = document.getElementById(out.getAttribute("data-file-name"));
      if (!input) return;
      input.addEventListener("change", function () {
        out.textContent = input.files.length ? input.files[0].name : "";
      });
    });
  }

  function init(root) {
    autohideAlerts(root);
    bulkSelect(root);
    autoSubmit(root);
    fileNames(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { if (e.target !== document.body) init(e.target); });
})();

// Global search: Ctrl+K (or ⌘K) focuses the top bar's box; Escape clears its drop-down.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("global-search");
    if (!box) return;
    if ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K")) {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "Escape" && document.activeElement === box) {
      var results = document.getElementById("global-search-results");
      if (results) results.innerHTML = "";
    }
  });
})();

// Copy buttons: <button data-copy-target="input-id" data-copied-label="Copied"> copies that
// field's value (a survey link to paste into WeChat); without the clipboard API the text is
// selected for the user to copy.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-target]") : null;
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) return;
    field.select();
    var done = function () {
      var label = button.getAttribute("data-copied-label");
      if (label) {
        button.setAttribute("data-copied", "true");
        button.lastChild.textContent = label;
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else {
      try { if (document.execCommand("copy")) done(); } catch (e) { /* selected for copying */ }
    }
  });
})();
