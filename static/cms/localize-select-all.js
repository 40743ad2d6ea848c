// wagtail-localize's "translate into all languages" checkbox, without an inline script.
document.addEventListener("DOMContentLoaded", function () {
  var selectAll = document.querySelector('[name="select_all"]');
  if (!selectAll) return;
  selectAll.addEventListener("change", function () {
    document.querySelectorAll('[name="locales"]').forEach(function (box) {
      box.checked = selectAll.checked;
    });
  });
});
