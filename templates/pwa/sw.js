// floorapp's service worker: the app shell from cache, pages network-first with a short
// timeout, and the last good copy of each page when the store's Wi-Fi drops.
const VERSION = {{ version | tojson }};
const SHELL_CACHE = `floorapp-shell-${VERSION}`;
const PAGES_CACHE = "floorapp-pages";
const SHELL = {{ shell | tojson }};
const NETWORK_TIMEOUT_MS = 3000;
// The pages kept for a dead spot: the most recently shown ones (a day of lookups on a shared
// handheld would otherwise fill its storage with every size ever tapped).
const MAX_PAGES = 60;
// Customer pages, live streams, the health check and logging in are never served from cache.
const PASS_THROUGH = [/^\/s\//, /^\/h\//, /\/events$/, /^\/healthz$/, /^\/login/, /^\/logout/];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => name.startsWith("floorapp-shell-") && name !== SHELL_CACHE)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
  if (event.data === "forget-pages") caches.delete(PAGES_CACHE);
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (PASS_THROUGH.some((pattern) => pattern.test(url.pathname))) return;
  if (SHELL.includes(url.pathname) || url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
    return;
  }
  event.respondWith(networkFirst(request));
});

async function cacheFirst(request) {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) (await caches.open(SHELL_CACHE)).put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok && !response.redirected) {
      cache.put(request, response.clone()).then(() => trim(cache)).catch(() => {});  // full: skip
    }
    return response;
  } catch (error) {
    const hit = await cache.match(request);
    if (hit) return hit;
    if (request.mode === "navigate") return caches.match("/offline");
    return new Response(
      JSON.stringify({ error: { code: "offline", message: "You are offline." } }),
      { status: 503, headers: { "Content-Type": "application/json" } },
    );
  }
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
