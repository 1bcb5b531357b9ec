// The customer's service worker: only shows what the server pushes about their one help
// request ("Maria is on the way") and opens its status page when tapped. It caches nothing
// and handles no fetch: the customer's pages are always live.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function statusPath(raw) {
  try {
    const url = new URL(String(raw || ""), self.location.origin);
    return url.origin === self.location.origin && url.pathname.startsWith("/h/") ? url.pathname : null;
  } catch (error) {
    return null;
  }
}

self.addEventListener("push", (event) => {
  let payload = {};
  try { payload = event.data ? event.data.json() : {}; } catch (error) { payload = {}; }
  event.waitUntil(self.registration.showNotification(String(payload.title || ""), {
    body: String(payload.body || ""), tag: String(payload.tag || "customer"), lang: payload.lang || "",
    renotify: Boolean(payload.renotify), silent: Boolean(payload.silent),
    data: { url: statusPath(payload.url) },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = event.notification.data && event.notification.data.url;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((client) => path && new URL(client.url).pathname === path) || windows[0];
    if (open) return open.focus();
    return path ? self.clients.openWindow(path) : undefined;
  })());
});
