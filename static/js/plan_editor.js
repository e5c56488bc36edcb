/* The payment-plan editor of the contract page: add and remove milestones in place, choose
 * a percentage or a fixed amount per row, and see the planned total and the remainder as you
 * type. The server checks the plan again on save (contracts.services.contract_set_payment_plan);
 * without this script the form still works (one blank row, a delete box per milestone). */
(function () {
  "use strict";

  var SYMBOLS = { CNY: "¥", USD: "$", EUR: "€", GBP: "£", HKD: "HK$", JPY: "JP¥" };
  var DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

  // A plain decimal string as an integer count of 10^-places units (BigInt), or null.
  function scaled(text, places) {
    text = (text || "").trim();
    if (!DECIMAL.test(text)) return null;
    var parts = text.split(".");
    var frac = (parts[1] || "").slice(0, places);
    while (frac.length < places) frac += "0";
    return BigInt(parts[0] || "0") * (10n ** BigInt(places)) + BigInt(frac || "0");
  }

  // a / b rounded half up, for a >= 0 and b > 0 (BigInt).
  function divRound(a, b) {
    return (a * 2n + b) / (b * 2n);
  }

  function format(cents, currency) {
    var sign = cents < 0n ? "-" : "";
    if (cents < 0n) cents = -cents;
    var whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var frac = (cents % 100n).toString().padStart(2, "0");
    var symbol = SYMBOLS[currency] || (currency ? currency + " " : "");
    return sign + symbol + whole + "." + frac;
  }

  function setup(form) {
    var total = scaled(form.dataset.total, 2);
    var currency = form.dataset.currency;
    var rows = form.querySelector("[data-plan-rows]");
    var template = form.querySelector("template[data-plan-template]");
    var totalForms = form.querySelector("input[name$='-TOTAL_FORMS']");
    var prefix = totalForms.name.replace(/-TOTAL_FORMS$/, "");
    var summary = form.querySelector("[data-plan-summary]");
    var plannedOut = form.querySelector("[data-plan-planned]");
    var remainingOut = form.querySelector("[data-plan-remaining]");

    function mode(row) {
      return row.querySelector("[data-plan-mode]").value;
    }

    // Show the input of the row's mode; the other one is emptied so only one is sent.
    function applyMode(row) {
      var pct = row.querySelector("[data-plan-percentage]");
      var amount = row.querySelector("[data-plan-amount]");
      var usePct = mode(row) === "percentage";
      pct.hidden = !usePct;
      amount.hidden = usePct;
      (usePct ? amount : pct).value = "";
    }

    function recompute() {
      var nominal = 0n; // in 10^-6 cents: exact shares before rounding
      var rounded = 0n;
      var invalid = false;
      var hasPct = false;
      rows.querySelectorAll("[data-plan-row]").forEach(function (row) {
        var out = row.querySelector("[data-plan-money]");
        var field = mode(row) === "percentage" ? "percentage" : "amount";
        var text = row.querySelector("[data-plan-" + field + "]").value;
        out.textContent = "";
        if (!text.trim()) return;
        if (field === "percentage") {
          var pct = scaled(text, 4); // percent × 10^4; 100 % = 10^6
          if (pct === null) { invalid = true; return; }
          hasPct = true;
          nominal += total * pct;
          var share = divRound(total * pct, 1000000n);
          rounded += share;
          out.textContent = "= " + format(share, currency);
        } else {
          var cents = scaled(text, 2);
          if (cents === null) { invalid = true; return; }
          nominal += cents * 1000000n;
          rounded += cents;
        }
      });
      // As the server allocates: a plan that covers the total exactly leaves no remainder
      // (the last percentage takes the rounding cent).
      var planned = hasPct && nominal === total * 1000000n ? total : rounded;
      var remaining = total - planned;
      summary.hidden = false;
      plannedOut.textContent = invalid ? "—" : format(planned, currency);
      remainingOut.textContent = invalid ? "—" : format(remaining, currency);
      remainingOut.className = !invalid && remaining === 0n ? "text-success" : "text-danger";
    }

    // Rows are numbered 0..n-1 in the order shown, as the formset expects.
    function renumber() {
      var all = rows.querySelectorAll("[data-plan-row]");
      all.forEach(function (row, index) {
        row.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
          ["name", "id", "for"].forEach(function (attr) {
            var value = el.getAttribute(attr);
            if (value) {
              el.setAttribute(
                attr,
                value.replace(new RegExp("^(id_)?" + prefix + "-(\\d+|__prefix__)-"), function (m, id) {
                  return (id || "") + prefix + "-" + index + "-";
                })
              );
            }
          });
        });
      });
      totalForms.value = all.length;
      var initial = form.querySelector("input[name$='-INITIAL_FORMS']");
      initial.value = Math.min(Number(initial.value), all.length);
    }

    function enhance(row) {
      var select = row.querySelector("[data-plan-mode]");
      select.hidden = false;
      var pct = row.querySelector("[data-plan-percentage]");
      var amount = row.querySelector("[data-plan-amount]");
      if (!pct.value && amount.value) select.value = "amount";
      applyMode(row);
      var remove = row.querySelector("[data-plan-remove]");
      remove.hidden = false;
      var box = row.querySelector("[data-plan-delete]");
      if (box) box.hidden = true; // removing the row replaces the delete box
      select.addEventListener("change", function () { applyMode(row); recompute(); });
      remove.addEventListener("click", function () {
        row.remove();
        renumber();
        recompute();
        var next = rows.querySelector("[data-plan-row] input");
        if (next) next.focus();
      });
    }

    form.querySelector("[data-plan-add]").hidden = false;
    form.querySelector("[data-plan-add]").addEventListener("click", function () {
      var fragment = template.content.cloneNode(true);
      var row = fragment.querySelector("[data-plan-row]");
      rows.appendChild(fragment);
      enhance(row);
      renumber();
      recompute();
      row.querySelector("input[name$='-name']").focus();
    });
    rows.querySelectorAll("[data-plan-row]").forEach(enhance);
    form.addEventListener("input", recompute);
    recompute();
  }

  document.querySelectorAll("form[data-plan-editor]").forEach(setup);
})();
