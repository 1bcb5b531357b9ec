// The service worker: register it, offer a new version's reload, and have it forget the
// kept pages when the associate logs out of a shared handheld.
import { show } from "./banner.js";

export function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js").then((registration) => {
    const watch = (incoming) => incoming.addEventListener("statechange", () => {
      if (incoming.state === "installed" && navigator.serviceWorker.controller) {
        offerUpdate(incoming);
      }
    });
    registration.addEventListener("updatefound", () => watch(registration.installing));
    // The page's own navigation may have started installing a new version before this ran.
    if (registration.installing) watch(registration.installing);
    if (registration.waiting && navigator.serviceWorker.controller) {
      offerUpdate(registration.waiting);
    }
  });
  // Reload only when a new version takes over, not when the first one starts controlling.
  const hadController = Boolean(navigator.serviceWorker.controller);
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (hadController && !reloading) { reloading = true; window.location.reload(); }
  });
}

function offerUpdate(worker) {
  const banner = document.getElementById("update-banner");
  show(banner);
  banner.querySelector("button").addEventListener("click", () => worker.postMessage("skip-waiting"));
}

// A claim tapped on a notification in a dead spot waits in the worker: send it now.
export function flushWorkerClaims() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready.then((registration) => {
    if (registration.active) registration.active.postMessage("flush-claims");
  });
}

export function forgetPagesOnLogout() {
  const form = document.querySelector("form[data-logout]");
  if (form && navigator.serviceWorker && navigator.serviceWorker.controller) {
    form.addEventListener("submit", () => navigator.serviceWorker.controller.postMessage("forget-pages"));
  }
}
