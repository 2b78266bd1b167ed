// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Forms that ask for confirmation before a destructive action.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // Long jobs done in steps (e.g. recomputing proposals): each page submits the next step.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    window.setTimeout(function () { form.submit(); }, 300);
  });

  // A select whose options belong to the value chosen in another select
  // (e.g. a student's major depends on the school). The server re-checks.
  document.querySelectorAll("select[data-filter-by]").forEach(function (select) {
    var source = document.getElementById(select.getAttribute("data-filter-by"));
    if (!source) { return; }
    function sync() {
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = option.getAttribute("data-school") === source.value;
        option.hidden = !match;
        option.disabled = !match;
        if (match && first === null) { first = option; }
      });
      if (select.selectedOptions.length === 0 || select.selectedOptions[0].disabled) {
        if (first) { first.selected = true; }
      }
    }
    source.addEventListener("change", sync);
    sync();
  });
})();
