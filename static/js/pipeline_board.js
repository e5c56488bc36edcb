// The pipeline board: drag a card to another stage column; the server runs the transition
// that leads there (an htmx POST). A refused move (403 role, 409 state, 400 rule) shows the
// reason and puts the card back where it was.
(function () {
  "use strict";
  var board = document.getElementById("pipeline-board");
  if (!board || typeof Sortable === "undefined" || typeof htmx === "undefined") return;
  var errorBox = document.getElementById("board-error");

  function showError(text) {
    errorBox.textContent = text;
    errorBox.classList.remove("d-none");
  }

  board.querySelectorAll(".board-column").forEach(function (column) {
    Sortable.create(column, {
      group: "pipeline",
      sort: false,
      draggable: ".board-card",
      forceFallback: true, // mouse/touch events: the same on phones, laptops and test browsers
      onEnd: function (evt) {
        if (evt.from === evt.to) return;
        var card = evt.item;
        var from = evt.from;
        var oldIndex = evt.oldIndex;
        errorBox.classList.add("d-none");
        card.addEventListener("htmx:afterRequest", function handler(e) {
          card.removeEventListener("htmx:afterRequest", handler);
          var xhr = e.detail.xhr;
          if (xhr.status >= 200 && xhr.status < 300) {
            window.location.reload(); // totals and probabilities changed
          } else {
            from.insertBefore(card, from.children[oldIndex] || null);
            showError(xhr.responseText || xhr.statusText);
            card.dataset.refused = "1";
          }
        });
        htmx.ajax("POST", card.dataset.moveUrl, {
          source: card,
          target: card,
          swap: "none",
          values: { stage: evt.to.dataset.stage },
        });
      },
    });
  });
})();
