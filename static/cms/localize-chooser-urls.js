// The chooser URLs wagtail-localize's translation editor expects, read from this script's
// data attributes instead of an inline script.
(function () {
  var data = document.currentScript.dataset;
  if (typeof window.chooserUrls === "undefined") {
    window.chooserUrls = {
      imageChooser: data.imageChooser,
      documentChooser: data.documentChooser,
      pageChooser: data.pageChooser,
    };
  }
})();
