// Backcare's step player: countdown, pause, keys, auto-advance, end-of-step cue, wake lock.
// CSP-safe (a static file, no inline handlers). Without it the player still works as links.
(function () {
  "use strict";

  // Tests may speed the clock up (window.__backcareTimerSpeed = 20) instead of waiting minutes.
  var SPEED = Number(window.__backcareTimerSpeed) || 1;
  var AUTO_KEY = "backcare.autoAdvance";
  var TICK_MS = 200;

  var state = null;
  var wakeLock = null;
  var audio = null;

  function $(selector, root) { return (root || document).querySelector(selector); }

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var minutes = Math.floor(s / 60);
    var rest = s % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function announce(text) {
    var live = $("[data-live]");
    if (live) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 50);
    }
  }

  // ---- Screen wake lock: keep the phone awake while a step is running. ----
  function keepAwake(on) {
    if (!("wakeLock" in navigator)) return;
    if (on && !wakeLock) {
      navigator.wakeLock.request("screen").then(function (lock) {
        wakeLock = lock;
        lock.addEventListener("release", function () { wakeLock = null; });
      }).catch(function () { /* not allowed here (e.g. low battery): carry on */ });
    } else if (!on && wakeLock) {
      wakeLock.release().catch(function () {});
      wakeLock = null;
    }
  }

  // ---- A gentle cue at the end of a step, where the browser allows it. ----
  function unlockAudio() {
    if (audio || !(window.AudioContext || window.webkitAudioContext)) return;
    try {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    } catch (e) {
      audio = null;
    }
  }

  function chime() {
    // Browsers only allow vibration after the person has tapped the page.
    var touched = !navigator.userActivation || navigator.userActivation.hasBeenActive;
    if (navigator.vibrate && touched) {
      try { navigator.vibrate([120, 80, 120]); } catch (e) { /* ignored */ }
    }
    if (!audio || audio.state !== "running") return;
    var now = audio.currentTime;
    var tone = audio.createOscillator();
    var gain = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = 660;
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.2, now + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.6);
    tone.connect(gain).connect(audio.destination);
    tone.start(now);
    tone.stop(now + 0.65);
  }

  // ---- The countdown ----
  function render() {
    var left = Math.max(0, state.remaining);
    var clockEl = $("[data-timer-clock]", state.timer);
    clockEl.textContent = clock(left);
    clockEl.setAttribute("datetime", "PT" + Math.ceil(left) + "S");
    var arc = $("[data-timer-arc]", state.timer);
    if (arc) arc.setAttribute("stroke-dashoffset", String(Math.round(1000 * (1 - left / state.total))));
  }

  function setLabel(text) {
    var label = $("[data-timer-state]", state.timer);
    if (label) label.textContent = text;
  }

  function setPauseButton() {
    var button = $("[data-player-pause]");
    if (!button) return;
    var paused = !state.running && !state.finished;
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    button.textContent = paused ? "▶ Resume" : "❚❚ Pause";
    button.disabled = state.finished;
  }

  function tick() {
    var now = Date.now();
    state.remaining -= ((now - state.last) / 1000) * SPEED;
    state.last = now;
    render();
    if (state.remaining <= 0) finish();
  }

  function run() {
    if (!state || state.finished || state.running) return;
    state.running = true;
    state.last = Date.now();
    state.interval = window.setInterval(tick, TICK_MS);
    state.timer.classList.remove("is-paused");
    setLabel("");
    setPauseButton();
    keepAwake(true);
  }

  function pause(reason) {
    if (!state || !state.running) return;
    tick();
    state.running = false;
    window.clearInterval(state.interval);
    state.timer.classList.add("is-paused");
    if (!state.finished) setLabel(reason || "Paused");
    setPauseButton();
    keepAwake(false);
  }

  function finish() {
    state.remaining = 0;
    state.running = false;
    state.finished = true;
    window.clearInterval(state.interval);
    render();
    state.timer.classList.add("is-finished");
    setLabel("Time's up for this step");
    setPauseButton();
    keepAwake(false);
    chime();
    var next = $("[data-player-next]");
    var auto = $("[data-auto-advance]");
    if (auto && auto.checked && next) {
      announce("Time's up. Moving on.");
      state.advance = window.setTimeout(function () { next.click(); }, 1200);
    } else {
      announce("Time's up for this step. Press Next when you're ready.");
    }
  }

  function teardown() {
    if (!state) return;
    window.clearInterval(state.interval);
    window.clearTimeout(state.advance);
    state = null;
  }

  function init() {
    teardown();
    var timer = $("[data-timer]");
    if (!timer) return;
    var total = Number(timer.getAttribute("data-seconds")) || 0;
    state = { timer: timer, total: total, remaining: total, running: false, finished: false };
    var button = $("[data-player-pause]");
    if (button) button.hidden = false;
    var options = $("[data-player-options]");
    if (options) options.hidden = false;
    var auto = $("[data-auto-advance]");
    if (auto) auto.checked = window.localStorage.getItem(AUTO_KEY) === "1";
    var said = $("[data-announce]");
    if (said) announce(said.textContent);
    render();
    if (document.visibilityState === "visible") run();
    else pause("Paused while the page was hidden");
  }

  // ---- Controls ----
  document.addEventListener("click", function (event) {
    unlockAudio();
    if (event.target.closest("[data-player-pause]")) {
      if (state && state.running) pause();
      else run();
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-auto-advance]")) {
      window.localStorage.setItem(AUTO_KEY, event.target.checked ? "1" : "0");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!$("#player") || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target.closest("input, textarea, select")) return;
    unlockAudio();
    if (event.key === " " || event.key === "Spacebar") {
      if (target.closest("button, a") || !state) return; // Space already works that control
      event.preventDefault();
      if (state.running) pause();
      else run();
    } else if (event.key === "ArrowRight") {
      var next = $("[data-player-next]");
      if (next) { event.preventDefault(); next.click(); }
    } else if (event.key === "ArrowLeft") {
      var back = $("[data-player-back]");
      if (back) { event.preventDefault(); back.click(); }
    } else if (event.key === "Escape") {
      var stop = $("[data-player-stop]");
      if (stop) { event.preventDefault(); window.location.assign(stop.href); }
    }
  });

  // Hidden page: pause, and let the person resume when they're back.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") pause("Paused while the page was hidden");
    else if (state && state.running) keepAwake(true);
  });

  // htmx swapped in another step (or restored one from history): start its timer.
  document.addEventListener("htmx:afterSettle", function () {
    var timer = $("[data-timer]");
    if (timer && (!state || state.timer !== timer)) init();
  });
  document.addEventListener("htmx:historyRestore", init);
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt && event.detail.elt.closest("#player")) teardown();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
