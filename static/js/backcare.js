// Backcare's small page helpers (CSP-safe: loaded from static, no inline handlers).
(function () {
  "use strict";

  // Lets the stylesheet hide what only a page without JavaScript needs (an "Update" button).
  document.documentElement.classList.add("js");

  // Installable and offline: the service worker keeps the app shell, and every page of a
  // session once one of them is open, so the session plays with the network gone.
  function keepSession() {
    var holder = document.querySelector("[data-offline-pages]");
    if (!holder || !navigator.serviceWorker) return;
    var pages;
    try { pages = JSON.parse(holder.getAttribute("data-offline-pages")); } catch (e) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "keep-session", pages: pages });
    });
  }

  // A rating given with the network gone waits in the service worker: the done page says so,
  // and says when it was sent.
  function ratingNote(data) {
    var note = document.querySelector("[data-rating-note]");
    if (!note || data.path !== window.location.pathname) return;
    var form = document.querySelector("[data-rating-form]");
    if (data.type === "rating-kept") {
      note.textContent = "Your rating is kept on this device, and will be sent when you're back online.";
    } else if (data.saved || data.status === 409) {
      note.textContent = "Your rating was sent: it is saved with this session.";
    } else {
      note.textContent = "Your rating couldn't be saved (the server said " + data.status + ").";
    }
    note.hidden = false;
    if (form) form.hidden = true;
  }

  function sendRatings() {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage({ type: "send-ratings", path: window.location.pathname });
  }

  if ("serviceWorker" in navigator && document.body.getAttribute("data-service-worker")) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "session-kept") {
        document.documentElement.setAttribute("data-offline-ready", String(data.pages));
      } else if (data.type === "rating-kept" || data.type === "rating-sent") {
        ratingNote(data);
      }
    });
    window.addEventListener("online", sendRatings);
    sendRatings();
    navigator.serviceWorker.register(document.body.getAttribute("data-service-worker"))
      .then(keepSession)
      .catch(function () { /* not here (a private window, an old browser): online only */ });
  }

  // A designed refusal (a rating already saved, 403, 429…) answering an htmx request is a
  // whole page: show it as one, instead of leaving the tap without an answer. (A 400 is a form
  // with its errors, swapped in as usual.)
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr.status <= 400 || !/class="error-page"/.test(detail.serverResponse || "")) return;
    detail.shouldSwap = true;
    detail.isError = false;
    detail.target = document.body;
    detail.swapOverride = "innerHTML";
  });

  // After htmx swaps content in, move focus to its heading so keyboard and screen-reader
  // users land on what changed.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt;
    var heading = target && target.querySelector && target.querySelector("[data-focus-after-swap]");
    if (heading) {
      heading.focus({ preventScroll: false });
    }
  });

  // Hovering or focusing a muscle (or a pain spot) anywhere, on a diagram or in a list,
  // lights it everywhere.
  function light(event, on) {
    ["data-muscle", "data-spot"].forEach(function (name) {
      var source = event.target.closest && event.target.closest("[" + name + "]");
      if (!source) return;
      var value = source.getAttribute(name);
      document.querySelectorAll("[" + name + '="' + value + '"]').forEach(function (el) {
        el.classList.toggle("is-hover", on);
      });
    });
  }
  document.addEventListener("mouseover", function (e) { light(e, true); });
  document.addEventListener("mouseout", function (e) { light(e, false); });
  document.addEventListener("focusin", function (e) { light(e, true); });
  document.addEventListener("focusout", function (e) { light(e, false); });

  // The session card: "Print this card" needs JavaScript, so it shows only where it works.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // The builder's small back diagram: tapping a muscle ticks the area it lies in, and the
  // areas ticked light their muscles. The checkboxes stay the real, accessible control.
  function pickerBoxes() {
    return document.querySelectorAll('#builder-form input[name="region"]');
  }

  function lightPicked() {
    var picked = {};
    pickerBoxes().forEach(function (box) { if (box.checked) picked[box.value] = true; });
    document.querySelectorAll(".region-picker [data-regions]").forEach(function (muscle) {
      var regions = muscle.getAttribute("data-regions").trim().split(/\s+/);
      muscle.classList.toggle("is-selected", regions.some(function (r) { return picked[r]; }));
    });
  }

  document.addEventListener("click", function (event) {
    var muscle = event.target.closest && event.target.closest(".region-picker [data-regions]");
    if (!muscle) return;
    var region = muscle.getAttribute("data-regions").trim().split(/\s+/)[0];
    var box = document.querySelector('#builder-form input[name="region"][value="' + region + '"]');
    if (box) {
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.name === "region") lightPicked();
  });

  // The pain finder's picture: tapping a spot ticks its checkbox (the real control, which
  // updates the answer), and a ticked box marks its spot.
  document.addEventListener("click", function (event) {
    var spot = event.target.closest && event.target.closest(".pain-map [data-spot]");
    if (!spot) return;
    var value = spot.getAttribute("data-spot");
    var box = document.querySelector('#finder-form input[name="spot"][value="' + value + '"]');
    if (box) {
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.name !== "spot") return;
    var spot = document.querySelector('.pain-map [data-spot="' + event.target.value + '"]');
    if (spot) spot.classList.toggle("is-picked", event.target.checked);
  });
})();
