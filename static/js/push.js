// "Notify me on this device": after a tap (never on page load) ask the browser's permission,
// subscribe with the server's public key and hand the subscription to the server, which
// keeps it for this login session only (logging out removes it). Each state is said in
// plain words, with what still works when notifications cannot.
import { csrfToken } from "./csrf.js";

const TEXT = {
  off: "Get new requests on this device even when floorapp is not on screen.",
  on: "This device is notified of new requests while you are logged in.",
  asking: "Asking the browser…",
  denied: "Notifications are blocked for this site in the browser's settings; the queue still beeps while this page is open.",
  ios: "On iPhone, add floorapp to the Home Screen first, then open it from there.",
  unsupported: "This browser cannot show notifications from floorapp; the queue still beeps while this page is open.",
  failed: "Notifications could not be turned on just now; the queue still beeps while this page is open. Try again later.",
};

function isIos() {
  return /iPhone|iPad|iPod/.test(navigator.userAgent)
    || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
}

function installed() {
  return window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
}

export function canPush() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

// The key the server signs with, as pushManager.subscribe() takes it (bytes, not base64url).
export function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (char) => char.charCodeAt(0));
}

export async function subscribeBrowser(registration) {
  const existing = await registration.pushManager.getSubscription();
  if (existing) return existing;
  const answer = await fetch("/api/v1/push/key", { headers: { Accept: "application/json" } });
  if (!answer.ok) throw new Error(`key: ${answer.status}`);
  const { public_key: key } = await answer.json();
  return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
}

async function subscribeHere() {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return permission === "denied" ? "denied" : "off";
  const registration = await navigator.serviceWorker.ready;
  const subscription = await subscribeBrowser(registration);
  const response = await fetch("/api/v1/me/push-subscriptions", {
    method: "POST", credentials: "same-origin", body: JSON.stringify(subscription.toJSON()),
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
  });
  return response.status === 201 ? "on" : "failed";
}

async function notifiedHere() {
  try {
    const response = await fetch("/api/v1/me/push-subscriptions", { headers: { Accept: "application/json" } });
    if (!response.ok) return false;
    return (await response.json()).devices.some((device) => device.this_device);
  } catch (error) {
    return false;  // offline: offer the button; a tap then says what happened
  }
}

function offerPush() {
  const box = document.getElementById("push");
  if (!box) return;
  const state = box.querySelector("[data-push-state]");
  const button = box.querySelector("[data-push-subscribe]");
  const show = (name) => {
    state.textContent = TEXT[name];
    button.hidden = !["off", "failed"].includes(name);
    box.dataset.pushNow = name;
  };
  if (!canPush()) { show(isIos() && !installed() ? "ios" : "unsupported"); return; }
  if (Notification.permission === "denied") { show("denied"); return; }
  show("off");
  if (Notification.permission === "granted") notifiedHere().then((on) => { if (on) show("on"); });
  button.addEventListener("click", async () => {
    button.disabled = true;
    show("asking");
    let outcome;
    try { outcome = await subscribeHere(); } catch (error) { outcome = "failed"; }
    button.disabled = false;
    show(outcome);
  });
}

offerPush();
