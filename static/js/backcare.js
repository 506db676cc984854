// Backcare's small page helpers (CSP-safe: loaded from static, no inline handlers).
(function () {
  "use strict";

  // After htmx swaps content in, move focus to its heading so keyboard and screen-reader
  // users land on what changed.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt;
    var heading = target && target.querySelector && target.querySelector("[data-focus-after-swap]");
    if (heading) {
      heading.focus({ preventScroll: false });
    }
  });

  // Hovering or focusing a muscle anywhere (diagram or list) lights it everywhere.
  function light(event, on) {
    var source = event.target.closest && event.target.closest("[data-muscle]");
    if (!source) return;
    var slug = source.getAttribute("data-muscle");
    document.querySelectorAll('[data-muscle="' + slug + '"]').forEach(function (el) {
      el.classList.toggle("is-hover", on);
    });
  }
  document.addEventListener("mouseover", function (e) { light(e, true); });
  document.addEventListener("mouseout", function (e) { light(e, false); });
  document.addEventListener("focusin", function (e) { light(e, true); });
  document.addEventListener("focusout", function (e) { light(e, false); });
})();
