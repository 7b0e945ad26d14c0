// Small behaviours declared in the markup, so that no page needs an inline script or
// event-handler attribute (the Content-Security-Policy forbids both).
//   data-autosubmit          on a select/checkbox: submit its form when it changes
//   data-print               on a button/link: open the print dialog
//   data-clear="NAME"        on a field: when it changes, empty the form's field NAME
//   data-no-submit           on a form: never submit (previews)
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof Element)) return;
    if (el.hasAttribute("data-clear") && el.form) {
      var other = el.form.elements[el.getAttribute("data-clear")];
      if (other) other.value = "";
    }
    if (el.hasAttribute("data-autosubmit") && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (el) { event.preventDefault(); window.print(); }
  });
  document.addEventListener("submit", function (event) {
    if (event.target instanceof Element && event.target.hasAttribute("data-no-submit")) event.preventDefault();
  }, true);
})();
