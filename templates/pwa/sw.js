// floorapp's service worker: the app shell from cache, pages network-first with a short
// timeout, and the last good copy of a page when the store's Wi-Fi drops -- but only for
// the login session that saw it, and only while that session could still be alive.
//
// Every answer says whose it is (X-Floorapp-Session: a tag of the login session, or
// "none"). A page is kept in the cache of its own session; the worker notes the current
// session and when it last answered online. Another session's answer, "none", a 401 or
// being sent to the login page drops every other session's pages at once. Offline, a
// kept page is shown only for the current session within the server's idle window.
const VERSION = {{ version | tojson }};
const SHELL_CACHE = `floorapp-shell-${VERSION}`;
const PAGES_PREFIX = "floorapp-pages-";
const STATE_CACHE = "floorapp-session";
const STATE_URL = "/__floorapp/session-state";
const SHELL = {{ shell | tojson }};
const OFFLINE_URL = "/offline";
// How long after the last online answer a kept page may be shown: the server's idle
// window, less the minute by which its note of the last use can lag.
const OFFLINE_WINDOW_MS = {{ offline_window_ms | tojson }};
const SESSION_HEADER = "X-Floorapp-Session";
const NO_SESSION = "none";
const NETWORK_TIMEOUT_MS = 3000;
// The pages kept for a dead spot: the most recently shown ones (a day of lookups on a shared
// handheld would otherwise fill its storage with every size ever tapped).
const MAX_PAGES = 60;
// Sessions this device has moved away from: a late or stale answer of one is never kept.
const RETIRED_KEPT = 50;
// Customer pages, live streams and the health check are never served from cache.
const PASS_THROUGH = [/^\/s\//, /^\/h\//, /\/events$/, /^\/healthz$/];
// Logging in and out: never from cache, but their answers say that no session follows.
const WATCH_ONLY = [/^\/login/, /^\/logout/];

self.addEventListener("install", (event) => {
  // Fetched without the cookie: the offline page is nobody's (no name, no outbox of theirs).
  const requests = SHELL.map((url) => new Request(url, { credentials: "omit" }));
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(requests)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => (name.startsWith("floorapp-shell-") && name !== SHELL_CACHE)
                || name === "floorapp-pages")  // the one cache of every session, before
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
  // Logging out of a shared handheld: the next person sees none of the last one's
  // notifications, and a claim the last one left waiting is never sent as anyone.
  if (event.data === "forget-pages") {
    event.waitUntil(Promise.all([switchTo(NO_SESSION), closeNotifications(), dropAllClaims()]));
  }
  if (event.data === "flush-claims") event.waitUntil(flushClaims());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (PASS_THROUGH.some((pattern) => pattern.test(url.pathname))) return;
  if (WATCH_ONLY.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(watched(request));
    return;
  }
  if (SHELL.includes(url.pathname) || url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
    return;
  }
  event.respondWith(networkFirst(request));
});

async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

async function watched(request) {
  try {
    const response = await fetch(request);
    await observe(response);
    return response;
  } catch (error) {
    return offlineAnswer(request);
  }
}

async function networkFirst(request) {
  let response;
  try {
    response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
  } catch (error) {
    return fromCache(request);
  }
  const { owner, stale } = await observe(response);
  if (stale) return fromCache(request);  // an ended session's copy (the browser's own cache)
  if (owner && response.ok && !response.redirected && !noStore(response)) {
    const copy = response.clone();
    caches.open(PAGES_PREFIX + owner)
      .then((cache) => cache.put(request, copy).then(() => trim(cache)))
      .catch(() => {});  // storage full: the page is not kept
  }
  return response;
}

// Whose answer this is: a session's tag, "none", or null when it does not say (an asset).
function sessionOf(response) {
  if (response.status === 401) return NO_SESSION;
  if (response.redirected && new URL(response.url).pathname.startsWith("/login")) return NO_SESSION;
  return response.headers.get(SESSION_HEADER);
}

function noStore(response) {
  return /no-store/i.test(response.headers.get("Cache-Control") || "");
}

// Note the answer's session; returns the session it may be kept for (null: none) and
// whether it came from a session this device has already left.
async function observe(response) {
  const id = sessionOf(response);
  if (!id) return { owner: null, stale: false };
  const state = await update((current) => nextState(current, id));
  if (state.retired.includes(id)) return { owner: null, stale: true };
  return { owner: id !== NO_SESSION && id === state.id ? id : null, stale: false };
}

function nextState(state, id) {
  if (state.retired.includes(id)) return state;
  if (id === state.id) return { ...state, lastOnline: Date.now() };
  const retired = state.id === NO_SESSION ? state.retired : [...state.retired, state.id];
  return { id, lastOnline: Date.now(), retired: retired.slice(-RETIRED_KEPT) };
}

function switchTo(id) {
  return update((state) => nextState(state, id));
}

// One update at a time, so two answers arriving together cannot undo each other; a change
// of session is stored, and drops every other session's pages, before the next answer is
// looked at. The same session's clock is kept in memory and stored at most every
// SAVE_EVERY_MS (a worker restarted offline then counts from a slightly older answer).
const SAVE_EVERY_MS = 15000;
let known = null;  // the stored state, as this worker last left it
let savedAt = 0;
let updating = Promise.resolve();
function update(change) {
  const run = updating.then(async () => {
    const before = await currentState();
    const after = change(before);
    known = after;
    if (after.id !== before.id || after.lastOnline - savedAt > SAVE_EVERY_MS) {
      savedAt = after.lastOnline;
      await writeState(after);
    }
    if (after.id !== before.id) await forgetPagesBut(after.id);
    return after;
  });
  updating = run.catch(() => {});
  return run;
}

async function currentState() {
  if (!known) known = await readState();
  return known;
}

async function readState() {
  const hit = await (await caches.open(STATE_CACHE)).match(STATE_URL);
  const empty = { id: NO_SESSION, lastOnline: 0, retired: [] };
  return hit ? { ...empty, ...(await hit.json()) } : empty;
}

async function writeState(state) {
  const body = new Response(JSON.stringify(state), { headers: { "Content-Type": "application/json" } });
  await (await caches.open(STATE_CACHE)).put(STATE_URL, body);
}

async function forgetPagesBut(id) {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(PAGES_PREFIX) && name !== PAGES_PREFIX + id)
    .map((name) => caches.delete(name)));
}

// Offline: the current session's copy, if that session can still be alive; else its pages
// go and the offline page (or an "offline" error for a script's request) answers.
async function fromCache(request) {
  const { id, lastOnline } = await updating.then(currentState);
  const age = Date.now() - lastOnline;
  if (id === NO_SESSION || age < 0 || age > OFFLINE_WINDOW_MS) {
    await forgetPagesBut(null);
    return offlineAnswer(request);
  }
  const hit = await (await caches.open(PAGES_PREFIX + id)).match(request);
  return hit || offlineAnswer(request);
}

async function offlineAnswer(request) {
  if (request.mode === "navigate") return (await caches.open(SHELL_CACHE)).match(OFFLINE_URL);
  return new Response(
    JSON.stringify({ error: { code: "offline", message: "You are offline." } }),
    { status: 503, headers: { "Content-Type": "application/json" } },
  );
}

// A page put again moves to the end of the cache's keys, so the first keys are the stalest.
async function trim(cache) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map((key) => cache.delete(key)));
}

function withTimeout(promise, milliseconds) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("network timeout")), milliseconds);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
                 (error) => { clearTimeout(timer); reject(error); });
  });
}

// ---- Web Push: show what the server pushed, and claim from the notification ----
//
// The payload (services/notify/messages.py): title, body, tag, renotify, silent, actions,
// url, claim {request_id, store}, push_id. A later payload with the same tag and no actions
// replaces the notification ("Maria took it"), so none is left stale on the lock screen.
// "Claim" goes through the API's idempotent path under the key push-<push_id>: tapped twice,
// or replayed after a dead spot, it claims once. Offline, the claim waits in this worker's
// own outbox (IndexedDB) and goes when a page of the app finds the connection again (or
// when the browser's background sync fires), only for the login session that tapped it.
const CLAIMS_DB = "floorapp-sw";
const CLAIMS_STORE = "claims";
const ICON = "/icons/icon-192.png";

self.addEventListener("push", (event) => {
  // A push got through, so the connection is back: a claim left waiting goes too.
  event.waitUntil(Promise.all([showPush(pushPayload(event)), flushClaims().catch(() => {})]));
});

function pushPayload(event) {
  try { return event.data ? event.data.json() : {}; } catch (error) { return {}; }
}

function showPush(payload) {
  const actions = Array.isArray(payload.actions)
    ? payload.actions.filter((action) => action && action.action === "claim" && payload.claim) : [];
  const tag = typeof payload.tag === "string" && payload.tag ? payload.tag : "floorapp";
  return self.registration.showNotification(String(payload.title || "floorapp"), {
    body: String(payload.body || ""), tag, icon: ICON, lang: payload.lang || "",
    renotify: Boolean(payload.renotify), silent: Boolean(payload.silent),
    actions: actions.map((action) => ({ action: "claim", title: String(action.title || "Claim") })),
    data: { url: localUrl(payload.url), claim: actions.length ? payload.claim : null,
            push_id: payload.push_id ?? null },
  });
}

// Only a path of this app: a payload never sends the associate to another site.
function localUrl(raw) {
  try {
    const url = new URL(String(raw || "/"), self.location.origin);
    return url.origin === self.location.origin ? url.pathname + url.search + url.hash : "/";
  } catch (error) {
    return "/";
  }
}

self.addEventListener("notificationclick", (event) => {
  const notification = event.notification;
  const data = notification.data || {};
  if (event.action === "claim" && data.claim) {
    event.waitUntil(claimFrom(notification));
    return;
  }
  notification.close();
  event.waitUntil(openApp(data.url || "/"));
});

async function openApp(path) {
  const target = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).pathname === new URL(target).pathname)
    || windows[0];
  if (!open) return self.clients.openWindow(target);
  let shown = open;
  try { shown = await open.focus(); } catch (error) { /* focus needs the tap's own activation */ }
  if (shown.url !== target && "navigate" in shown) await shown.navigate(target).catch(() => {});
  return shown;
}

// One claim per notification at a time: a second tap while the first is on its way joins it
// (the server would refuse the same claim again instead of answering it twice).
const claiming = new Map();
function claimFrom(notification) {
  const key = `push-${notification.data.push_id ?? notification.tag}`;
  if (!claiming.has(key)) {
    claiming.set(key, claimOnce(notification, key).finally(() => claiming.delete(key)));
  }
  return claiming.get(key);
}

async function claimOnce(notification, key) {
  const { claim, url } = notification.data;
  const item = {
    key,
    url: `/api/v1/help-requests/${Number(claim.request_id)}/claim`,
    tag: notification.tag, title: notification.title, open: url,
    session: (await updating.then(currentState)).id, queuedAt: Date.now(),
  };
  const outcome = await sendClaim(item);
  if (outcome.offline) {
    await keepClaim(item);
    if (self.registration.sync) self.registration.sync.register("floorapp-claims").catch(() => {});
  }
  return tellClaim(item, outcome);
}

// Send one claim: {done}, {problem: "..."} when refused, or {offline} when it could not go.
async function sendClaim(item) {
  try {
    const token = await fetch("/api/v1/me/csrf-token", { headers: { Accept: "application/json" } });
    if (token.status === 401) return { problem: "Log in again on this device to claim." };
    if (!token.ok) return { offline: true };
    const { csrf_token: csrf } = await token.json();
    const response = await fetch(item.url, {
      method: "POST", body: "{}",
      headers: { "Idempotency-Key": item.key, "X-CSRFToken": csrf, "Content-Type": "application/json",
                 Accept: "application/json" },
    });
    if (response.status >= 500) return { offline: true };
    if (response.ok) return { done: true };
    const body = await response.json().catch(() => ({}));
    return { problem: (body.error && body.error.message) || `Refused (${response.status}).` };
  } catch (error) {
    return { offline: true };
  }
}

function tellClaim(item, outcome) {
  const body = outcome.offline ? "Claim waiting to send"
    : outcome.done ? "Claimed: you are on your way." : `Not claimed: ${outcome.problem}`;
  return self.registration.showNotification(item.title || "floorapp", {
    body, tag: item.tag, icon: ICON, silent: true, renotify: false, actions: [],
    data: { url: item.open || "/", claim: null, push_id: null },
  });
}

self.addEventListener("sync", (event) => {
  if (event.tag === "floorapp-claims") event.waitUntil(flushClaims());
});

let flushingClaims = null;
// Send the waiting claims once each; one that cannot go yet stops the round.
function flushClaims() {
  if (!flushingClaims) {
    flushingClaims = (async () => {
      const { id } = await updating.then(currentState);
      for (const item of await waitingClaims()) {
        if (item.session !== id) { await dropClaim(item.key); continue; }  // another person's
        const outcome = await sendClaim(item);
        if (outcome.offline) break;
        await dropClaim(item.key);
        await tellClaim(item, outcome);
      }
    })().finally(() => { flushingClaims = null; });
  }
  return flushingClaims;
}

function claimsDb() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(CLAIMS_DB, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(CLAIMS_STORE, { keyPath: "key" });
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
}

async function withClaims(mode, act) {
  const db = await claimsDb();
  try {
    return await new Promise((resolve, reject) => {
      const store = db.transaction(CLAIMS_STORE, mode).objectStore(CLAIMS_STORE);
      const asked = act(store);
      asked.onsuccess = () => resolve(asked.result);
      asked.onerror = () => reject(asked.error);
    });
  } finally {
    db.close();
  }
}

const keepClaim = (item) => withClaims("readwrite", (store) => store.put(item));
const dropClaim = (key) => withClaims("readwrite", (store) => store.delete(key));
const waitingClaims = async () => (await withClaims("readonly", (store) => store.getAll()))
  .sort((a, b) => a.queuedAt - b.queuedAt);
const dropAllClaims = () => withClaims("readwrite", (store) => store.clear());

async function closeNotifications() {
  (await self.registration.getNotifications()).forEach((notification) => notification.close());
}
