// The respondent's page: the invitation code from the URL #fragment (never sent to the
// server), and the questionnaire's skip logic (the server applies the same rules).
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form) return;

  var match = /(?:^#|&)c=([0-9A-Za-z-]+)/.exec(window.location.hash);
  var codeInput = form.querySelector("input[name=code]");
  if (match && codeInput) {
    codeInput.value = match[1].toUpperCase();
    // Drop the code from the address bar and the history.
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }

  var blocks = Array.prototype.slice.call(form.querySelectorAll("fieldset.q[data-key]"));

  function chosen(block) {
    var input = block.querySelector("input[type=radio]:checked");
    return input ? input.value : null;
  }

  function apply() {
    var skippingTo = null;
    blocks.forEach(function (block) {
      var key = block.dataset.key;
      if (skippingTo !== null && skippingTo !== key) {
        block.hidden = true;
      } else {
        skippingTo = null;
        block.hidden = false;
      }
      block.querySelectorAll("input, textarea").forEach(function (el) { el.disabled = block.hidden; });
      if (!block.hidden && block.dataset.skipOption && chosen(block) === block.dataset.skipOption) {
        skippingTo = block.dataset.skipTo || null;
      }
    });
  }

  form.addEventListener("change", apply);
  apply();
})();
