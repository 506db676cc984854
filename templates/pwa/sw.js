// Backcare's service worker: the app works offline for a session opened once, to its end.
// Kept: the app shell (its CSS, scripts and icons, whose names change with their content) and
// every page of a session this browser opened (its overview, each step as a page and as the
// player's fragment, the stop page, the done page and the card). Always asked of the network
// first, so nothing is shown from the cache while the network answers. The pages are this
// device's own (a worker is per browser; the server marks them private): nothing is shared.
// A session's pages are made with this device's safety answers of the time: new answers
// empty the kept pages, and a page older than the answers last is not shown.
// A rating given with the network gone (before, at Start; after, on the done page) is kept in
// this browser's IndexedDB and posted once the network is back; the server saves a rating
// once (a second post is a 409), so a post sent twice never counts twice. A step's feedback
// ("too much", …) given offline waits with them, in order: the latest tap on a step wins.
"use strict";

const SHELL = {{ shell|safe }};
const SHELL_CACHE = "backcare-shell-{{ version }}";
// Renamed when what is kept changed: an older worker's cache (which kept every page under
// /s/) is removed when this one takes over.
const SESSIONS_CACHE = "backcare-session-pages";
const CODE = "{{ code|escapejs }}"; // a session's code, as the server makes them
const KEPT_PAGE = new RegExp(`^/s/${CODE}/(step/[0-9]+/|stop/|done/|card/)?$`); // a session's pages
const SESSION_OVERVIEW = new RegExp(`^/s/${CODE}/$`);
const DONE_PAGE = new RegExp(`^/s/${CODE}/done/$`);
const FEEDBACK = new RegExp(`^/s/${CODE}/step/[0-9]+/feedback/$`);
const OUTBOX_DB = "backcare-outbox";
const OUTBOX = "ratings";
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
    const response = await keep(key, await fetch(request));
    sendKept(); // the network is back: a rating kept meanwhile goes now
    return response;
  } catch (offline) {
    const kept = await caches.match(key, { ignoreVary: true });
    if (kept && Date.now() - Date.parse(kept.headers.get("Date")) < ANSWERS_AGE_MS) return kept;
    throw offline;
  }
}

// ---- Ratings given offline: kept in IndexedDB, sent when the network is back ----
function outbox(mode, use) {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(OUTBOX_DB, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(OUTBOX, { keyPath: "id", autoIncrement: true });
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
      const db = opening.result;
      const tx = db.transaction(OUTBOX, mode);
      const result = use(tx.objectStore(OUTBOX));
      tx.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : undefined); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    };
  });
}

async function tell(message) {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(message);
}

// A rating post the network didn't take: kept, to be posted again as it was (its CSRF token
// in the body, or in `headers` as htmx sent it; the browser's own cookies with it).
async function keepForLater(request, headers = {}) {
  const body = await request.text();
  const path = new URL(request.url).pathname;
  await outbox("readwrite", (store) => store.add({ path, body, headers, at: Date.now() }));
  if (self.registration.sync) self.registration.sync.register("send-ratings").catch(() => {});
  await tell({ type: "rating-kept", path });
}

let sending = null; // one flush at a time: two at once could post the same rating twice

function sendKept() {
  if (!sending) sending = flush().catch(() => {}).finally(() => { sending = null; });
  return sending;
}

async function flush() {
  const waiting = await outbox("readonly", (store) => store.getAll());
  for (const item of waiting || []) {
    let response;
    try {
      response = await fetch(item.path, {
        method: "POST",
        body: item.body,
        credentials: "same-origin",
        headers: { ...item.headers, "Content-Type": "application/x-www-form-urlencoded" },
      });
    } catch (offline) {
      return; // still offline: the rest waits too, in order
    }
    // Answered: saved, or refused for good (already saved: a 409; not this device's: a 403).
    await outbox("readwrite", (store) => store.delete(item.id));
    await tell({ type: "rating-sent", path: item.path, saved: response.ok, status: response.status });
  }
}

async function pending(path) {
  const waiting = await outbox("readonly", (store) => store.getAll());
  return (waiting || []).some((item) => item.path === path);
}

// Starting a session posts the "before" rating; with no network, it is kept and step 1 opens.
async function startOffline(request) {
  const kept = request.clone();
  try {
    return await fetch(request);
  } catch (offline) {
    if (new URLSearchParams(await kept.clone().text()).get("pain")) await keepForLater(kept);
    const first = new URL("step/1/", request.url).pathname;
    return new Response("", { headers: { "HX-Location": JSON.stringify({ path: first, target: "body" }) } });
  }
}

// A POST sent now, or, with no network, kept to send later (`headers` kept with it) and
// answered by `offline()`.
async function sentOrKept(request, headers, offline) {
  const kept = request.clone();
  try {
    const response = await fetch(request);
    sendKept();
    return response;
  } catch (gone) {
    await keepForLater(kept, headers);
    return offline();
  }
}

// The "after" rating on the done page; with no network, kept, and the done page shown again
// (it says the rating is kept on this device, and later that it was sent).
function rateOffline(request) {
  return sentOrKept(request, {}, () => Response.redirect(new URL(request.url).pathname, 303));
}

// A step's feedback, tapped with the network gone: kept, and said so in the step's live region.
function feedbackOffline(request) {
  const token = request.headers.get("X-CSRFToken");
  const headers = { "HX-Request": "true", ...(token ? { "X-CSRFToken": token } : {}) };
  const said = "Noted on this device: it is sent when you're back online.";
  const html = { headers: { "Content-Type": "text/html; charset=utf-8" } };
  return sentOrKept(request, headers, () => new Response(said, html));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && SESSION_OVERVIEW.test(url.pathname) && request.headers.get("HX-Request")) {
    event.respondWith(startOffline(request));
    return;
  }
  if (request.method === "POST" && DONE_PAGE.test(url.pathname)) {
    event.respondWith(rateOffline(request));
    return;
  }
  if (request.method === "POST" && FEEDBACK.test(url.pathname) && request.headers.get("HX-Request")) {
    event.respondWith(feedbackOffline(request));
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

self.addEventListener("sync", (event) => {
  if (event.tag === "send-ratings") event.waitUntil(sendKept());
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
  if (data.type === "send-ratings") {
    // The page is back online (or just opened): send what waits; say whether its own waits.
    event.waitUntil(sendKept().then(() => pending(data.path)).then((waiting) => {
      if (event.source && waiting) event.source.postMessage({ type: "rating-kept", path: data.path });
    }).catch(() => {}));
    return;
  }
  if (data.type !== "keep-session" || !Array.isArray(data.pages)) return;
  event.waitUntil(
    keepSession(data.pages).then((kept) => {
      if (event.source) event.source.postMessage({ type: "session-kept", pages: kept });
    })
  );
});
