// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Navigation menus are <details>: they work without this. With it, opening one
  // closes the others, Escape closes the open one, and a click elsewhere closes it.
  var menus = document.querySelectorAll("details[data-nav-menu]");
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) { return; }
      menus.forEach(function (other) { if (other !== menu) { other.open = false; } });
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (menu.open && !menu.contains(event.target)) { menu.open = false; } });
  });

  // Tables stack into blocks on phones; each cell keeps its column's label.
  document.querySelectorAll("table.table").forEach(function (table) {
    var heads = table.querySelectorAll("thead tr:first-child th");
    if (!heads.length) { return; }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        var head = heads[column];
        column += cell.colSpan || 1;
        if (!head || cell.hasAttribute("data-label")) { return; }
        var label = head.innerText.trim();
        cell.setAttribute("data-label", head.querySelector(".sr-only") ? "" : label);
      });
    });
  });

  // Long texts: a live character counter instead of a silent cut at maxlength. The server
  // refuses what is too long with a message beside the field, so nothing is lost unseen.
  document.querySelectorAll("[data-counter]").forEach(function (input) {
    var limit = parseInt(input.getAttribute("data-counter"), 10);
    if (!limit) { return; }
    input.removeAttribute("maxlength");
    var counter = document.createElement("p");
    counter.className = "hint counter";
    counter.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", counter);
    // The wording comes translated from the page: "{used} of {limit} characters".
    var text = input.getAttribute("data-counter-text") || "{used} / {limit}";
    var over = input.getAttribute("data-counter-over") || "+{over}";
    function update() {
      var used = Array.from(input.value).length;
      var line = text.replace("{used}", used).replace("{limit}", limit);
      if (used > limit) { line += " · " + over.replace("{over}", used - limit); }
      counter.textContent = line;
      counter.classList.toggle("over", used > limit);
    }
    input.addEventListener("input", update);
    update();
  });

  // Forms that ask for confirmation before a destructive action.
  // The server asks again with a page when `confirmed` is missing (no JavaScript).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); return; }
      if (!form.querySelector("input[name=confirmed]")) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "confirmed"; input.value = "1";
        form.appendChild(input);
      }
    });
  });


  // A select whose options belong to the value chosen in another select
  // (e.g. a student's major depends on the school). The server re-checks.
  document.querySelectorAll("select[data-filter-by]").forEach(function (select) {
    var source = document.getElementById(select.getAttribute("data-filter-by"));
    if (!source) { return; }
    function sync() {
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.value === "") { first = first || option; return; } // "— choose —" always stays
        var match = option.getAttribute("data-school") === source.value;
        option.hidden = !match;
        option.disabled = !match;
        if (match && first === null) { first = option; }
      });
      if (select.selectedOptions.length === 0 || select.selectedOptions[0].disabled) {
        if (first) { first.selected = true; } // the blank line: the student picks the major
      }
    }
    source.addEventListener("change", sync);
    sync();
  });

  // The catalogue picker (a school's major form): a filter box narrows the grouped list by code,
  // name or group; choosing from the list fills the name, and a typed name or old name the
  // browser's list knows selects its major. Without this the list and the name field still work.
  document.querySelectorAll("input[data-catalogue-filter]").forEach(function (filter) {
    var select = document.getElementById(filter.getAttribute("data-catalogue-filter"));
    if (!select) { return; }
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var needle = filter.value.trim().toUpperCase();
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        var inGroup = group.label.toUpperCase().indexOf(needle) !== -1;
        var shown = 0;
        Array.prototype.forEach.call(group.children, function (option) {
          var match = !needle || inGroup || option.textContent.toUpperCase().indexOf(needle) !== -1;
          option.hidden = !match;
          if (match) { shown += 1; }
        });
        group.hidden = shown === 0;
      });
    });
  });
  document.querySelectorAll("input[data-catalogue-name]").forEach(function (name) {
    var select = document.getElementById(name.getAttribute("data-catalogue-name"));
    var list = document.getElementById(name.getAttribute("list"));
    if (!select || !list) { return; }
    select.addEventListener("change", function () {
      var option = select.selectedOptions[0];
      var chosen = option && option.getAttribute("data-name");
      // Keep a direction the school typed after the same name: "护理（老年护理方向）".
      if (chosen && name.value.split(/[（(]/)[0].trim() !== chosen) { name.value = chosen; }
    });
    name.addEventListener("change", function () {
      var typed = name.value.split(/[（(]/)[0].trim();
      var known = Array.prototype.find.call(list.options, function (option) { return option.value === typed; });
      if (known) { select.value = known.getAttribute("data-code"); }
    });
  });
  // A "print" button (the internship agreement): the browser's own print, with the print CSS.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
