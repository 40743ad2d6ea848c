// Starts Wagtail admin widgets whose inline <script> our templates replaced with data
// attributes, so that the admin runs under a Content Security Policy without inline script.
(function () {
  "use strict";
  var functions = ["initDateChooser", "initTimeChooser", "initDateTimeChooser", "createTaskChooser"];
  var constructors = [
    "Chooser", "PageChooser", "DocumentChooser", "ImageChooser", "SnippetChooser", "TaskChooser",
  ];
  // Panels take only their options.
  var panels = ["InlinePanel", "MultipleChooserPanel"];

  function start(root) {
    root.querySelectorAll("[data-confianza-init]:not([data-started])").forEach(function (el) {
      var name = el.getAttribute("data-confianza-init");
      var isFunction = functions.indexOf(name) !== -1;
      var isPanel = panels.indexOf(name) !== -1;
      var known = isFunction || isPanel || constructors.indexOf(name) !== -1;
      if (!known || typeof window[name] !== "function") return;
      var id = el.getAttribute("data-target-id");
      var config = JSON.parse(el.getAttribute("data-config") || "{}");
      el.setAttribute("data-started", "");
      if (isFunction) window[name](id, config);
      else if (isPanel) new window[name](config);
      else new window[name](id, config);
    });
  }

  function startAll() {
    start(document);
  }

  document.addEventListener("DOMContentLoaded", startAll);
  window.addEventListener("load", startAll);
  // Listings and dialogs load fragments later (filters, AJAX results).
  new MutationObserver(function (mutations) {
    mutations.forEach(function (m) {
      m.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) start(node.parentNode || node);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
