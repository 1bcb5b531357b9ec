// The customer's "Tell me on this phone when someone is on the way": shown only where the
// browser can push without installing anything (Chrome on Android; not iPhone's Safari),
// asked only after a tap, and bound to this one request (the server deletes it when the
// request ends). The page's words come translated in the element's data attributes.
const box = document.getElementById("phone-push");

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (char) => char.charCodeAt(0));
}

async function subscribe() {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return permission === "denied" ? "denied" : null;
  const registration = await navigator.serviceWorker.register(box.dataset.worker, { scope: "/h/" });
  await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  if (!subscription) {
    const { public_key: key } = await (await fetch(box.dataset.key)).json();
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  }
  const response = await fetch(box.dataset.subscribe, {
    method: "POST", body: JSON.stringify(subscription.toJSON()),
    headers: { "Content-Type": "application/json", Accept: "application/json" },
  });
  return response.status === 201 ? "on" : "failed";
}

function offer() {
  const pushes = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!box || !pushes || Notification.permission === "denied") return;
  const button = box.querySelector("[data-phone-push]");
  const state = box.querySelector("[data-phone-push-state]");
  box.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    let outcome;
    try { outcome = await subscribe(); } catch (error) { outcome = "failed"; }
    button.disabled = false;
    if (!outcome) return;
    state.textContent = box.dataset[outcome];
    button.hidden = outcome === "on" || outcome === "denied";
  });
}

offer();
