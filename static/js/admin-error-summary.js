/* The admin's error summary (templates/admin/includes/_error_summary.html), as GOV.UK does it: the summary gets
   the focus when the page opens, so a screen reader reads it first; a link in it moves the focus to its field
   and scrolls the field's label into view too, not only the input. A static file: the CSP allows no inline
   script. Without it the links still jump to the fields. */
(function () {
  "use strict";

  function labelFor(input) {
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    return label || input.closest(".form-row, fieldset, tr") || input;
  }

  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) {
        return;
      }
      event.preventDefault();
      // A field in a closed fieldset (a collapsed <details>) must be shown before it can take the focus.
      var details = target.closest("details");
      if (details) {
        details.open = true;
      }
      labelFor(target).scrollIntoView();
      target.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
