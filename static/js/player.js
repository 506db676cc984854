// Backcare's step player. A static file (the CSP allows no inline script); without it the
// player still works as plain links.
//
// Each step waits until the person is ready: "Start timer", or in hands-free mode a get-ready
// that lasts as long as the spoken introduction and a breath after it (at least a few seconds,
// longer when the place changes; timed from the text where a browser never says it finished). The countdown runs on the real clock, so a locked
// screen doesn't stop it: when the page comes back it catches up. Hands-free speaks the step,
// each instruction line as its turn comes, "halfway", "ten seconds left", "switch sides" or
// "next: …", then moves on by itself; where the browser can't speak, tones and a buzz mark
// the same moments. A movement step counts its repetitions instead ("3 of 8", Move… Hold…
// Release, side by side), and hands-free counts them aloud, the clock waiting while a count is
// said. Sound and speech are unlocked by the tap that starts the session; pausing
// pauses the voice with the clock; the screen is kept awake on a step where the browser can.
(function () {
  "use strict";

  var HANDS_FREE = "backcare.handsFree";
  var VOICE = "backcare.voice";
  var RATE = "backcare.rate";
  var TICK_MS = 250;
  var READY_SECONDS = 5;
  var MOVE_SECONDS = 10; // a new place: the wall, the floor, the roller
  var BEAT_MS = 1500; // after the introduction has been said, a breath before the clock starts
  var WORDS_PER_SECOND = 2.5; // a voice at rate 1, for a browser that says no "end"

  var state = null;
  var wakeLock = null;
  var audio = null;
  var tapped = false; // a tap on this page: sound may play and the session may run on its own
  var speaking = []; // utterances still to be said: held, or Chrome may drop one unsaid, with its "end"

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $$(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function stored(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function store(key, value) { try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ } }

  function handsFree() { return stored(HANDS_FREE) === "1"; }

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var minutes = Math.floor(s / 60);
    var rest = s % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  // "10 min", "9:30", "45 s": as the server writes durations.
  function duration(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    if (s < 60) return s + " s";
    var minutes = Math.floor(s / 60);
    var rest = s % 60;
    return rest === 0 ? minutes + " min" : minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function announce(text) {
    var live = $("[data-live]");
    if (live) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 50);
    }
  }

  // ---- Speech, with tones where the browser has none ----
  function speechAvailable() {
    return "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function";
  }

  function voices() {
    return speechAvailable() ? window.speechSynthesis.getVoices() : [];
  }

  // Says `text`; `said` (optional) is called once it has been said, or once the browser gave
  // up saying it. True when it is being spoken (else `said` is never called).
  function say(text, said) {
    announce(text);
    if (!handsFree() || !tapped) return false;
    if (!speechAvailable()) {
      chime(440);
      return false;
    }
    var utterance = new window.SpeechSynthesisUtterance(text);
    var wanted = stored(VOICE);
    var voice = voices().filter(function (v) { return v.name === wanted; })[0];
    if (voice) utterance.voice = voice;
    utterance.rate = Number(stored(RATE)) || 1;
    utterance.lang = (voice && voice.lang) || document.documentElement.lang || "en-GB";
    var once = function () {
      speaking = speaking.filter(function (u) { return u !== utterance; });
      if (said) { var then = said; said = null; then(); }
    };
    utterance.addEventListener("end", once);
    utterance.addEventListener("error", once); // no voice here, or cancelled: nothing to wait for
    speaking.push(utterance);
    window.speechSynthesis.speak(utterance);
    return true;
  }

  // How long `text` may take to say, for a browser that never says it has finished.
  function sayingTime(text) {
    var words = text.split(/\s+/).length;
    var rate = Number(stored(RATE)) || 1;
    return 1000 * (Math.ceil(1.5 * words / (WORDS_PER_SECOND * rate)) + 2);
  }

  function quiet() {
    if (!speechAvailable()) return;
    window.speechSynthesis.cancel();
    window.speechSynthesis.resume(); // a voice paused stays paused for what comes next
  }

  // The tap that starts the session lets the page speak from then on (iPhone-like browsers
  // allow speech only from a tap): an empty utterance inside it unlocks speech.
  function unlockSpeech() {
    if (tapped || !handsFree() || !speechAvailable()) return;
    try { window.speechSynthesis.speak(new window.SpeechSynthesisUtterance("")); } catch (e) { /* ignored */ }
  }

  function unlockAudio() {
    tapped = true;
    if (audio || !(window.AudioContext || window.webkitAudioContext)) return;
    try {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    } catch (e) {
      audio = null;
    }
  }

  function chime(pitch) {
    if (navigator.vibrate && tapped) {
      try { navigator.vibrate([120, 80, 120]); } catch (e) { /* ignored */ }
    }
    if (!audio) return;
    if (audio.state === "suspended") audio.resume();
    var now = audio.currentTime;
    var tone = audio.createOscillator();
    var gain = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = pitch || 660;
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.2, now + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.6);
    tone.connect(gain).connect(audio.destination);
    tone.start(now);
    tone.stop(now + 0.65);
  }

  // ---- Screen wake lock: keep the phone awake while a step runs ----
  function keepAwake(on) {
    if (!("wakeLock" in navigator)) return;
    if (on && !wakeLock) {
      navigator.wakeLock.request("screen").then(function (lock) {
        wakeLock = lock;
        lock.addEventListener("release", function () { wakeLock = null; });
      }).catch(function () { /* not allowed here (low battery, hidden page): carry on */ });
    } else if (!on && wakeLock) {
      wakeLock.release().catch(function () {});
      wakeLock = null;
    }
  }

  // ---- A movement's repetitions: where its clock stands, and what is said when ----
  var NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty"];
  var OTHER_SIDE = "Now the other side.";

  // The counter of a movement step (data-reps, -pattern, -move, -hold on its timer), or null.
  // Each repetition is a move into it and back (`move` seconds) around a hold (`hold`); on
  // each side in turn ("each_side": all on the left, then all on the right) or one side then
  // the other ("alternate": left then right is one).
  function counter(timer, seconds) {
    var reps = Number(timer.getAttribute("data-reps")) || 0;
    if (!reps) return null;
    var pattern = timer.getAttribute("data-pattern") || "hold";
    var hold = Number(timer.getAttribute("data-hold")) || 0;
    var move = Number(timer.getAttribute("data-move")) || 0;
    var sides = pattern === "each_side" || pattern === "alternate" ? 2 : 1;
    if (move + hold <= 0) move = seconds / (reps * sides); // untimed: the step's time, shared
    if (!(move + hold > 0)) return null;
    var c = { reps: reps, pattern: pattern, hold: hold, move: move, sides: sides,
      cycle: move + hold, goes: reps * sides, cues: [] };
    c.total = c.goes * c.cycle;
    for (var k = 0; k < c.goes; k++) {
      var at = k * c.cycle;
      var go = place(c, k);
      if (k > 0 && go.side !== place(c, k - 1).side && pattern === "each_side") {
        c.cues.push({ at: at, text: OTHER_SIDE });
      } else if (k > 0 && pattern === "alternate" && go.side === 1) {
        c.cues.push({ at: at, text: OTHER_SIDE });
      }
      if (hold > 0) c.cues.push({ at: at + move / 2, text: "Hold…" });
      // Back from it: a repetition ends here (for "alternate", on the right). A flowing one,
      // never held, is only counted.
      var counted = pattern !== "alternate" || go.side === 1;
      var number = NUMBERS[go.rep] || String(go.rep);
      var back = hold > 0
        ? (counted ? "And release, that's " + number + "." : "And release.")
        : (counted ? "That's " + number + "." : "");
      if (back) c.cues.push({ at: at + move / 2 + hold, text: back });
    }
    return c;
  }

  // The k-th go (0-based): which repetition, on which side (0 left, 1 right).
  function place(c, k) {
    if (c.pattern === "each_side") return { rep: (k % c.reps) + 1, side: Math.floor(k / c.reps) };
    if (c.pattern === "alternate") return { rep: Math.floor(k / 2) + 1, side: k % 2 };
    return { rep: k + 1, side: 0 };
  }

  // Where the count stands `elapsed` seconds in: its repetition, side and phase word.
  function standing(c, elapsed) {
    var k = Math.max(0, Math.min(c.goes - 1, Math.floor(elapsed / c.cycle)));
    var within = elapsed - k * c.cycle;
    var go = place(c, k);
    go.word = within < c.move / 2 ? "Move…" : within < c.move / 2 + c.hold ? "Hold…"
      : c.hold ? "Release" : "Back…";
    go.sideName = go.side ? "right side" : "left side";
    return go;
  }

  function renderCount() {
    var c = state.count;
    if (!c || ["running", "paused", "done"].indexOf(state.phase) < 0) return;
    var go = standing(c, state.total - Math.max(0, state.remaining));
    var text = go.rep + " of " + c.reps;
    $("[data-rep-count]", state.timer).textContent = text;
    var side = $("[data-rep-side]", state.timer);
    if (side) side.textContent = go.sideName;
    var word = $("[data-rep-phase]", state.timer);
    if (word) {
      word.hidden = false;
      word.textContent = state.phase === "done" ? "Done" : state.phase === "paused" ? "" : go.word;
    }
    var mini = $("[data-rep-mini]");
    if (mini) mini.textContent = text + (c.sides === 2 ? " · " + (go.side ? "right" : "left") : "");
  }

  // The counts due by now are said (only the latest, after a locked screen); while one is being
  // said the clock waits for it, so a slow voice never leaves the count behind the body.
  function countCues() {
    var c = state.count;
    var elapsed = state.total - state.remaining;
    var due = null;
    while (state.cue < c.cues.length && c.cues[state.cue].at <= elapsed + 0.001) {
      due = c.cues[state.cue];
      state.cue += 1;
    }
    if (!due) return;
    if (due.text === OTHER_SIDE) chime(550);
    var wait = { since: now() };
    var voiced = say(due.text, function () { waited(wait); });
    if (!voiced || wait.over) return;
    state.waiting = wait;
    wait.timeout = window.setTimeout(function () { waited(wait); }, sayingTime(due.text));
  }

  function waited(wait) {
    wait.over = true;
    if (!state || state.waiting !== wait) return;
    window.clearTimeout(wait.timeout);
    state.pausedFor += (now() - wait.since) / 1000;
    state.waiting = null;
    keepClock();
    tick();
  }

  // The voice waited for is let go (paused, restarted): its time is the clock's pause.
  function stopWaiting() {
    var wait = state && state.waiting;
    if (!wait) return;
    window.clearTimeout(wait.timeout);
    state.pausedFor += (now() - wait.since) / 1000;
    state.waiting = null;
  }

  // The counts already said before `elapsed` (a reload, a resumed step) are not said again.
  function skipSaidCues() {
    var elapsed = state.total - state.remaining;
    state.cue = 0;
    if (!state.count) return;
    while (state.cue < state.count.cues.length && state.count.cues[state.cue].at < elapsed) state.cue += 1;
  }

  // ---- Drawing the step's time, lines and the session's time left ----
  function render() {
    var left = Math.max(0, state.remaining);
    var clockEl = $("[data-timer-clock]", state.timer);
    clockEl.textContent = clock(left);
    clockEl.setAttribute("datetime", "PT" + Math.ceil(left) + "S");
    var mini = $("[data-timer-clock-mini]");
    if (mini) {
      mini.textContent = clock(left);
      mini.setAttribute("datetime", "PT" + Math.ceil(left) + "S");
    }
    var arc = $("[data-timer-arc]", state.timer);
    if (arc) arc.setAttribute("stroke-dashoffset", String(Math.round(1000 * (1 - left / state.total))));
    var sessionLeft = $("[data-session-left]");
    if (sessionLeft) {
      var all = state.after + left;
      sessionLeft.textContent = duration(all);
      sessionLeft.setAttribute("datetime", "PT" + Math.ceil(all) + "S");
    }
    var progress = $("[data-session-progress]");
    if (progress) progress.value = state.number - 1 + (state.total ? 1 - left / state.total : 1);
    renderCount();
    showLine();
  }

  function showLine() {
    if (!state.lines.length || state.count) return; // a movement's lines are one repetition
    var started = state.phase === "running" || state.phase === "paused" || state.phase === "done";
    var index = started
      ? Math.min(state.lines.length - 1, Math.floor((1 - state.remaining / state.total) * state.lines.length))
      : -1;
    if (index === state.line) return;
    state.line = index;
    state.lines.forEach(function (li, i) {
      li.classList.toggle("is-current", i === index);
      if (i === index) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
    var now = $("[data-now-line]");
    if (now && index >= 0) {
      now.hidden = false;
      now.textContent = state.lines[index].textContent;
      // In view above the dock (html's scroll-padding keeps it clear), on a short screen too.
      now.scrollIntoView({ block: "nearest" });
      if (index > 0) say(state.lines[index].textContent);
    }
  }

  function setLabel(text) {
    var label = $("[data-timer-state]", state.timer);
    if (label) label.textContent = text;
  }

  function setButton() {
    var button = $("[data-player-pause]");
    if (!button) return;
    button.hidden = false;
    var labels = {
      ready: ["▶", "Start"],
      counting: ["▶", "Start now"],
      running: ["❚❚", "Pause"],
      paused: ["▶", "Resume"],
      done: ["▶", "Start again"]
    };
    $("[data-icon]", button).textContent = labels[state.phase][0];
    $("[data-label]", button).textContent = labels[state.phase][1];
    button.setAttribute("aria-pressed", state.phase === "paused" ? "true" : "false");
  }

  // ---- A reload keeps the step's clock: kept for this tab only (sessionStorage) ----
  var CLOCK = "backcare.clock.";

  function keepClock() {
    if (!state) return;
    var kept = { phase: state.phase, startedAt: state.startedAt, pausedFor: state.pausedFor,
      pausedAt: state.pausedAt || 0 };
    try { window.sessionStorage.setItem(CLOCK + state.key, JSON.stringify(kept)); } catch (e) { /* off */ }
  }

  function forgetClocks() { // a session started afresh: every step's time from the start
    try {
      Object.keys(window.sessionStorage).forEach(function (key) {
        if (key.indexOf(CLOCK) === 0) window.sessionStorage.removeItem(key);
      });
    } catch (e) { /* off */ }
  }

  // The step as it was before the reload (running, paused or done): true if there was one.
  function recallClock() {
    var kept = null;
    try { kept = JSON.parse(window.sessionStorage.getItem(CLOCK + state.key) || "null"); } catch (e) { kept = null; }
    if (!kept || ["running", "paused", "done"].indexOf(kept.phase) < 0) return false;
    state.startedAt = kept.startedAt;
    state.pausedFor = kept.pausedFor;
    state.phase = kept.phase;
    if (kept.phase === "paused") {
      state.pausedAt = kept.pausedAt;
      state.remaining = state.total - ((kept.pausedAt - kept.startedAt) / 1000 - kept.pausedFor);
      state.timer.classList.add("is-paused");
      setLabel("Paused");
    } else if (kept.phase === "done") {
      state.remaining = 0;
      state.timer.classList.add("is-finished");
      setLabel(doneLabel());
    } else {
      state.remaining = state.total - ((now() - kept.startedAt) / 1000 - kept.pausedFor);
      setLabel("");
    }
    var elapsed = state.total - state.remaining; // cues already given stay given
    state.said = { half: elapsed >= state.total / 2, ten: state.remaining <= 10 };
    skipSaidCues();
    setButton();
    render();
    if (state.phase === "running") tick();
    return true;
  }

  // ---- The step's life: ready → (count-in) → running ⇄ paused → done ----
  function now() { return Date.now(); }

  function tick() {
    if (!state) return;
    var t = now();
    if (state.phase === "counting") {
      var wait = (state.goAt - t) / 1000;
      if (wait <= 0) return run();
      // While the introduction is said, no count: it lasts as long as the voice takes.
      setLabel(state.listening ? "Get ready… listen" : "Get ready… " + Math.ceil(wait));
      return;
    }
    if (state.phase !== "running" || state.waiting) return; // (waiting: a count being said)
    state.remaining = state.total - ((t - state.startedAt) / 1000 - state.pausedFor);
    cues();
    render();
    if (state.remaining <= 0) finish();
  }

  function cues() {
    if (state.count) return countCues();
    var elapsed = state.total - state.remaining;
    if (!state.said.half && state.total >= 40 && elapsed >= state.total / 2 && state.remaining > 12) {
      state.said.half = true;
      say("Halfway.");
    }
    if (!state.said.ten && state.total >= 30 && state.remaining <= 10 && state.remaining > 0) {
      state.said.ten = true;
      say("Ten seconds left.");
    }
  }

  // Get ready: at least a few seconds (more to move to a new place), and as long as the
  // introduction takes to say, with a breath after it; the text's length bounds the wait where
  // a browser never says it has finished.
  function countIn() {
    var seconds = state.moves ? MOVE_SECONDS : READY_SECONDS;
    var started = now();
    var position = $("[data-position]");
    var aim = $("[data-aim]"); // where the step's muscle lies, for eyes on the ceiling
    var text = state.announce + ". " + (aim ? aim.textContent + " " : "") + "Get ready. " +
      (position ? position.textContent : "") + (state.count ? " " + oneRepetition() : "");
    var counting = state;
    state.phase = "counting";
    state.readyAt = started + seconds * 1000;
    state.goAt = Math.max(state.readyAt, started + sayingTime(text));
    state.listening = true;
    setButton();
    keepAwake(true);
    var speaking = say(text, function () {
      if (state !== counting || state.phase !== "counting") return;
      state.listening = false;
      state.goAt = Math.max(state.readyAt, now() + BEAT_MS);
      tick();
    });
    if (!speaking) {
      state.listening = false;
      state.goAt = state.readyAt;
    }
    tick();
  }

  function run() {
    if (!state || state.phase === "running" || state.phase === "done") return;
    var t = now();
    if (state.phase === "paused") {
      state.pausedFor += (t - state.pausedAt) / 1000;
      if (speechAvailable()) window.speechSynthesis.resume(); // the voice goes on with the clock
    } else {
      state.startedAt = t;
      state.pausedFor = 0;
      if (state.phase === "ready") say(state.announce);
      var first = state.lines[0];
      if (state.count) {
        if (state.phase === "ready") say(oneRepetition()); // hands-free said it getting ready
      } else if (first) say(first.textContent);
    }
    state.phase = "running";
    state.timer.classList.remove("is-paused");
    setLabel("");
    setButton();
    keepAwake(true);
    keepClock();
    tick();
  }

  // What one repetition is: a movement's lines, said before the count starts.
  function oneRepetition() {
    return state.lines.map(function (li) { return li.textContent; }).join(" ");
  }

  function pause() {
    if (!state || state.phase !== "running") return;
    tick();
    stopWaiting();
    state.phase = "paused";
    state.pausedAt = now();
    state.timer.classList.add("is-paused");
    setLabel("Paused");
    setButton();
    if (speechAvailable()) window.speechSynthesis.pause(); // the voice waits with the clock
    keepClock();
  }

  var FELT_ASK = "If that was too much, tap Too much now. If it was fine, say nothing.";
  var FELT_ASKED_WAIT = 8000, FELT_WAIT = 4000; // ms before the next step, to tap
  function feltAsked() {
    try {
      if (window.sessionStorage.getItem("backcare.felt-asked")) return true;
      window.sessionStorage.setItem("backcare.felt-asked", "1");
    } catch (e) { /* storage off: asked each time */ }
    return false;
  }

  function doneLabel() {
    return state.count ? "All " + state.count.reps + " done" : "Time's up for this step";
  }

  function finish() {
    state.remaining = 0;
    state.phase = "done";
    render();
    state.timer.classList.add("is-finished");
    setLabel(doneLabel());
    setButton();
    keepClock();
    chime();
    var over = state.count ? "That's all of them. " : "Time's up. ";
    var next = $("[data-player-next]");
    var switchCue = state.article.getAttribute("data-switch-cue"); // worded by the page
    var nextTitle = state.article.getAttribute("data-next-title");
    var cue = switchCue
      ? switchCue
      : nextTitle ? "Next: " + nextTitle + "." : "That was the last step. Well done.";
    if (handsFree() && tapped && next) {
      // Hands-free, the step's "Too much" waits a moment before the next step: said the
      // first time (this tab), and then left to a tap; saying nothing is fine.
      var felt = $("#felt-form");
      var ask = felt && !feltAsked();
      say(over + (ask ? FELT_ASK + " " : "") + cue);
      var wait = felt ? (ask ? FELT_ASKED_WAIT : FELT_WAIT) : 2500;
      state.advance = window.setTimeout(function () { next.click(); }, wait);
    } else {
      say(over + cue);
      announce(over + cue + " Press Next when you're ready.");
    }
  }

  // "Start again" on a finished step: the whole step once more.
  function restart() {
    window.clearTimeout(state.advance);
    stopWaiting();
    state.phase = "ready";
    state.remaining = state.total;
    state.said = {};
    state.cue = 0;
    state.line = null;
    state.timer.classList.remove("is-finished");
    run();
  }

  function teardown() {
    if (!state) return;
    stopWaiting();
    window.clearInterval(state.interval);
    window.clearTimeout(state.advance);
    state = null;
  }

  function init() {
    teardown();
    var timer = $("[data-timer]");
    if (!timer) return;
    var article = $("#player");
    var total = Number(timer.getAttribute("data-seconds")) || 0;
    var said = $("[data-announce]");
    var stopLink = $("[data-player-stop]", article);
    var count = counter(timer, total);
    if (count) total = count.total; // it ends when the repetitions are done
    state = {
      article: article,
      timer: timer,
      total: total,
      remaining: total,
      number: Number(article.getAttribute("data-step")) || 1,
      after: Number(article.getAttribute("data-after")) || 0,
      moves: article.getAttribute("data-moves") === "1",
      lines: $$("[data-lines] li", article),
      line: null,
      announce: said ? said.textContent : "",
      phase: "ready",
      said: {},
      count: count,
      cue: 0,
      waiting: null,
      key: stopLink ? stopLink.getAttribute("href") : window.location.pathname, // one per step
      interval: window.setInterval(tick, TICK_MS)
    };
    showSettings();
    setButton();
    render();
    keepAwake(true); // a step is on screen: the session is on, keep the phone awake
    if (recallClock()) return;
    if (handsFree() && tapped) countIn();
    else {
      setLabel(duration(total) + " for this step");
      announce(state.announce + ". Press Start when you're in position.");
    }
  }

  // ---- Hands-free settings: the choice, the voice and its speed, kept on this device ----
  function showSettings() {
    $$("[data-hands-free-settings]").forEach(function (box) { box.hidden = false; });
    $$("[data-player-options]").forEach(function (box) { box.hidden = false; });
    $$("[data-hands-free]").forEach(function (box) { box.checked = handsFree(); });
    var speaks = speechAvailable();
    $$("[data-no-speech]").forEach(function (note) { note.hidden = speaks; });
    $$("[data-voice-settings]").forEach(function (row) { row.hidden = !speaks || !handsFree(); });
    fillVoices();
    $$("[data-rate]").forEach(function (select) { select.value = stored(RATE) || "1"; });
  }

  function fillVoices() {
    var list = voices();
    $$("[data-voice]").forEach(function (select) {
      if (select.options.length === list.length + 1) return;
      select.textContent = "";
      var automatic = document.createElement("option");
      automatic.value = "";
      automatic.textContent = "The browser's own";
      select.appendChild(automatic);
      list.forEach(function (voice) {
        var option = document.createElement("option");
        option.value = voice.name;
        option.textContent = voice.name + " (" + voice.lang + ")";
        select.appendChild(option);
      });
      select.value = stored(VOICE) || "";
    });
  }

  if (speechAvailable() && "onvoiceschanged" in window.speechSynthesis) {
    window.speechSynthesis.addEventListener("voiceschanged", fillVoices);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-hands-free]")) {
      store(HANDS_FREE, target.checked ? "1" : "0");
      showSettings();
      if (state && target.checked && state.phase === "ready" && tapped) countIn();
    } else if (target.matches("[data-voice]")) {
      store(VOICE, target.value);
    } else if (target.matches("[data-rate]")) {
      store(RATE, target.value);
    }
  });

  // ---- Controls ----
  document.addEventListener("click", function (event) {
    var starting = event.target.closest("[data-start-session] [type=submit]");
    if (!starting) unlockSpeech();
    unlockAudio();
    if (starting) forgetClocks();
    if (starting && handsFree()) {
      say("Starting your session."); // speaks within the tap: the browser allows sound from now on
    }
    if (!state || !event.target.closest("[data-player-pause]")) return;
    if (state.phase === "running") pause();
    else if (state.phase === "done") restart();
    else run();
  });

  document.addEventListener("keydown", function (event) {
    if (!$("#player") || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target.closest("input, textarea, select, dialog")) return; // Esc in the dialog closes it
    unlockSpeech();
    unlockAudio();
    if (event.key === " " || event.key === "Spacebar") {
      if (target.closest("button, a") || !state) return; // Space already works that control
      event.preventDefault();
      if (state.phase === "running") pause();
      else run();
    } else if (event.key === "ArrowRight") {
      var next = $("[data-player-next]");
      if (next) { event.preventDefault(); next.click(); }
    } else if (event.key === "ArrowLeft") {
      var back = $("[data-player-back]");
      if (back) { event.preventDefault(); back.click(); }
    } else if (event.key === "Escape") {
      var stop = $("[data-player-stop]");
      if (stop) { event.preventDefault(); askToStop(stop); }
    }
  });

  // Esc asks before stopping: "Stop — this hurts" (focused: Enter stops) or "No, carry on"
  // (a second Esc). The dialog's link follows the step on show.
  function askToStop(stop) {
    var ask = $("[data-stop-ask]");
    if (!ask || typeof ask.showModal !== "function") return window.location.assign(stop.href);
    $("[data-stop-ask-yes]", ask).href = stop.href;
    if (!ask.open) ask.showModal();
  }

  // A locked screen or another app: the time runs on (it is read from the clock), and when the
  // page comes back it catches up at once, and asks for the wake lock again.
  document.addEventListener("visibilitychange", function () {
    if (!state || document.visibilityState !== "visible") return;
    tick();
    if (state && state.phase === "running") keepAwake(true);
  });

  // htmx swapped in another step (or the overview's Start swapped in step 1): start it.
  document.addEventListener("htmx:afterSettle", function () {
    var timer = $("[data-timer]");
    if (timer && (!state || state.timer !== timer)) init();
    else if (!timer) showSettings();
  });
  document.addEventListener("htmx:historyRestore", init);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.closest("#player") && !elt.closest("#felt-form")) {
      teardown();
      quiet();
    }
  });

  // How a step felt: a step swapped in carries no CSRF token in its form (it would not fit the
  // swap's size), so its tap sends the browser's CSRF cookie as Django's header instead.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "felt-form") return;
    var token = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (token) event.detail.headers["X-CSRFToken"] = decodeURIComponent(token[1]);
  });

  // How a step felt: once a tap is saved (htmx put what was noted in the live region), its
  // button shows pressed and the others not; the timer runs on.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt, config = event.detail.requestConfig;
    if (!form || form.id !== "felt-form" || !event.detail.successful || !config) return;
    var felt = config.formData && config.formData.get("felt");
    Array.prototype.forEach.call(form.querySelectorAll("button[name=felt]"), function (button) {
      button.setAttribute("aria-pressed", String(button.value === felt));
    });
  });

  function start() {
    if ($("[data-timer]")) init();
    else showSettings();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
