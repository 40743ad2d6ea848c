// Keeps the translation editor's "Still to translate" summary
// (templates/cms/admin/translation_progress.html) current as translations are saved, badges
// each of the editor's tabs with its count of segments not translated yet (wagtail-localize
// badges its tabs with errors only), and lets the summary's tab names open their tab.
// Without JavaScript the summary, rendered by the server, is already right.
(function () {
  "use strict";
  var summary, editor, badgeLabel;

  function setText(element, value) {
    if (element && element.textContent !== String(value)) element.textContent = String(value);
  }

  function tabOf(slug) {
    return document.getElementById("tab-label-" + slug);
  }

  // A tab's segments: the editor's panel of that id (the innermost one: the current tab's
  // wrapper carries the same id).
  function panelOf(slug) {
    var found = editor.querySelectorAll('section[id="tab-' + CSS.escape(slug) + '"]');
    return found.length ? found[found.length - 1] : null;
  }

  function badge(tab, count) {
    var existing = tab.querySelector("[data-untranslated-badge]");
    if (!existing) {
      existing = document.createElement("span");
      existing.className = "w-status w-status--primary";
      existing.setAttribute("data-untranslated-badge", "");
      var label = document.createElement("span");
      label.className = "w-sr-only";
      label.textContent = " " + badgeLabel + ": ";
      var number = document.createElement("span");
      number.setAttribute("data-count", "");
      existing.append(label, number);
      tab.append(existing);
    }
    setText(existing.querySelector("[data-count]"), count);
    var hide = count === 0;
    if (existing.hidden !== hide) existing.hidden = hide;
  }

  function linkLabel(row, slug) {
    var cell = row.querySelector("[data-progress-label]");
    var tab = tabOf(slug);
    if (!tab || cell.querySelector("a")) return;
    var link = document.createElement("a");
    link.href = "#tab-label-" + slug;
    link.textContent = cell.textContent.trim();
    link.addEventListener("click", function (event) {
      event.preventDefault();
      tab.click();
      tab.focus();
    });
    cell.replaceChildren(link);
  }

  function update() {
    // Nothing to count until the editor has drawn its segments.
    if (!editor.querySelector(".w-tabs")) return;
    var rows = summary.querySelectorAll("[data-progress-tab]");
    var tabbed = !!editor.querySelector('[role="tablist"]');
    var totalUntranslated = 0;
    var totalErrors = 0;
    rows.forEach(function (row) {
      var slug = row.getAttribute("data-progress-tab");
      var scope = tabbed ? panelOf(slug) : rows.length === 1 ? editor : null;
      if (!scope) return;
      var untranslated =
        scope.querySelectorAll("li.incomplete").length +
        Number(row.getAttribute("data-untranslated-objects") || 0);
      var errors = scope.querySelectorAll("li.errored").length;
      setText(row.querySelector("[data-progress-untranslated]"), untranslated);
      setText(row.querySelector("[data-progress-errors]"), errors);
      totalUntranslated += untranslated;
      totalErrors += errors;
      if (tabbed) {
        var tab = tabOf(slug);
        if (tab) badge(tab, untranslated);
        linkLabel(row, slug);
      }
    });
    var total = summary.querySelector("[data-progress-total]");
    if (total) {
      setText(total.querySelector("[data-progress-untranslated]"), totalUntranslated);
      setText(total.querySelector("[data-progress-errors]"), totalErrors);
    }
    var done = summary.querySelector("[data-progress-done]");
    var todo = summary.querySelector("[data-progress-todo]");
    if (done.hidden !== totalUntranslated > 0) done.hidden = totalUntranslated > 0;
    if (todo.hidden !== (totalUntranslated === 0)) todo.hidden = totalUntranslated === 0;
  }

  function start() {
    summary = document.querySelector("[data-translation-progress]");
    editor = document.querySelector(".js-translation-editor");
    if (!summary || !editor) return;
    // Rendered after the package's own content (its template is extended, not copied):
    // shown above the editor, where a translator starts.
    if (summary.nextElementSibling !== editor) editor.parentNode.insertBefore(summary, editor);
    badgeLabel = summary.getAttribute("data-badge-label");
    var pending = false;
    new MutationObserver(function () {
      // Our own badge updates change nothing on the second pass, so this settles.
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        update();
      });
    }).observe(editor, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
    update();
  }

  // The admin loads its scripts in the page's head, before the summary and the editor.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
