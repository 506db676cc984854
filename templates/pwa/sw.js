// Backcare's service worker: the app works offline for a session opened once.
// Kept: the app shell (its CSS, scripts and icons, whose names change with their content) and
// the pages a session plays from (each step, as a page and as the player's fragment, and the
// stop page). Always asked of the network first, so nothing is shown from the cache while the
// network answers. Nothing else is kept — not a session's overview, card or rating pages — so
// no other page can show stale advice, and a shared device keeps no one's ratings.
// A session's pages are made with this device's safety answers of the time: new answers
// empty the kept pages, and a page older than the answers last is not shown.
"use strict";

const SHELL = {{ shell|safe }};
const SHELL_CACHE = "backcare-shell-{{ version }}";
// Renamed when what is kept changed: an older worker's cache (which kept every page under
// /s/) is removed when this one takes over.
const SESSIONS_CACHE = "backcare-session-pages";
const CODE = "{{ code|escapejs }}"; // a session's code, as the server makes them
const KEPT_PAGE = new RegExp(`^/s/${CODE}/(step/[0-9]+/|stop/)$`); // steps and the stop page
const SESSION_OVERVIEW = new RegExp(`^/s/${CODE}/$`);
const FRAGMENT = "__fragment";
const SCREEN = "{{ screen|escapejs }}"; // the safety questions: new answers, new pages
const ANSWERS_AGE_MS = {{ answers_age }} * 1000; // how long the answers a page was made with last

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name !== SHELL_CACHE && name !== SESSIONS_CACHE)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

// The player asks for a step either as a page or as its fragment (htmx, HX-Target: player):
// each is kept under its own key.
function keyFor(request) {
  const fragment = request.headers.get("HX-Request") === "true" && request.headers.get("HX-Target") === "player";
  if (!fragment) return request.url.split("#")[0];
  const url = new URL(request.url);
  url.searchParams.set(FRAGMENT, "1");
  return url.href;
}

async function keep(key, response) {
  // Not a page the server sent on to (the safety questions, when this device has no answers).
  if (response.ok && response.type === "basic" && !response.redirected) {
    const cache = await caches.open(SESSIONS_CACHE);
    await cache.put(key, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  const key = keyFor(request);
  try {
    return await keep(key, await fetch(request));
  } catch (offline) {
    const kept = await caches.match(key, { ignoreVary: true });
    if (kept && Date.now() - Date.parse(kept.headers.get("Date")) < ANSWERS_AGE_MS) return kept;
    throw offline;
  }
}

// Starting a session posts the "before" rating; with no network, go to step 1 without it.
async function startOffline(request) {
  try {
    return await fetch(request.clone());
  } catch (offline) {
    const first = new URL("step/1/", request.url).pathname;
    return new Response("", { headers: { "HX-Location": JSON.stringify({ path: first, target: "body" }) } });
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && SESSION_OVERVIEW.test(url.pathname) && request.headers.get("HX-Request")) {
    event.respondWith(startOffline(request));
    return;
  }
  if (request.method === "POST" && url.pathname === SCREEN) {
    // New answers: the pages kept with the old ones go (the network answers the post itself).
    event.waitUntil(caches.delete(SESSIONS_CACHE));
    return;
  }
  if (request.method !== "GET") return;
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
  } else if (KEPT_PAGE.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});

// A session's page lists every page of the session: keep them all now, while online, so the
// whole session plays with the network gone. One at a time: a few dozen small pages.
async function keepSession(pages) {
  let kept = 0;
  for (const path of pages) {
    if (!KEPT_PAGE.test(new URL(path, self.location.origin).pathname)) continue;
    const variants = [new Request(path, { credentials: "same-origin" })];
    if (/\/step\/\d+\/$/.test(path)) {
      variants.push(new Request(path, { headers: { "HX-Request": "true", "HX-Target": "player" }, credentials: "same-origin" }));
    }
    for (const request of variants) {
      try {
        const response = await keep(keyFor(request), await fetch(request));
        if (response.ok) kept += 1;
      } catch (offline) {
        // kept as far as it got; the next page opened online fills the rest
      }
    }
  }
  return kept;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep-session" || !Array.isArray(data.pages)) return;
  event.waitUntil(
    keepSession(data.pages).then((kept) => {
      if (event.source) event.source.postMessage({ type: "session-kept", pages: kept });
    })
  );
});
