// The associate app's shell: the service worker, an "update available" prompt, the
// offline banner, and the outbox that keeps actions taken in a dead spot until the
// connection returns. Plain JS, no build step; every page works without it.
"use strict";

// One outbox per user: a shared handheld never replays one associate's actions as another's.
const OUTBOX_KEY = `floorapp-outbox-${document.body.dataset.user || "anonymous"}`;

const SEND_TIMEOUT_MS = 8000;

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function show(element, text) {
  if (!element) return;
  if (text !== undefined) element.querySelector("[data-text]").textContent = text;
  element.hidden = false;
}

// --- service worker and updates ---------------------------------------------------
function registerServiceWorker() {
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

// --- offline banner -----------------------------------------------------------------
function renderedAt() {
  const stamp = document.body.dataset.renderedAt;
  const time = stamp ? new Date(stamp) : new Date();
  return time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

async function checkConnection() {
  const banner = document.getElementById("connection-banner");
  if (!banner) return;
  let online = navigator.onLine;
  if (online) {
    try {
      const response = await fetch("/healthz", { cache: "no-store" });
      online = response.ok;
    } catch (error) {
      online = false;
    }
  }
  if (online) {
    banner.hidden = true;
    flushOutbox();
  } else {
    show(banner, `Offline — last updated ${renderedAt()}`);
  }
}

// --- the outbox: actions taken offline, sent once when the connection returns -------
function readOutbox() {
  try { return JSON.parse(localStorage.getItem(OUTBOX_KEY)) || []; } catch (e) { return []; }
}

function writeOutbox(items) {
  localStorage.setItem(OUTBOX_KEY, JSON.stringify(items));
  renderOutbox(items);
}

function renderOutbox(items) {
  const box = document.getElementById("outbox");
  if (!box) return;
  const list = box.querySelector("ul");
  list.replaceChildren(...items.map((item) => {
    const entry = document.createElement("li");
    entry.textContent = item.problem ? `${item.label} — not done: ${item.problem}` : `${item.label} — waiting for the connection`;
    if (item.problem) entry.classList.add("outbox-problem");
    return entry;
  }));
  box.hidden = items.length === 0;
  const dismiss = box.querySelector("[data-dismiss]");
  if (dismiss) dismiss.hidden = !items.some((item) => item.problem);
  markCards(items);
}

// What a form acts on: its API URL, or data-outbox-target when several things share one URL
// (every size's hold goes to /api/v1/holds).
function targetOf(form) {
  return form.dataset.outboxTarget || form.dataset.outbox;
}

// Show a queued or refused action on the card it came from: the form acting on the same target
// (not the same key: a re-rendered page has fresh keys, and the action is still pending).
function markCards(items) {
  document.querySelectorAll("[data-outbox-mark]").forEach((mark) => mark.remove());
  document.querySelectorAll(".outbox-pending-card").forEach((card) => card.classList.remove("outbox-pending-card"));
  const forms = [...document.querySelectorAll("form[data-outbox]")];
  for (const item of items) {
    const form = forms.find((candidate) => targetOf(candidate) === (item.target || item.url));
    const card = form && form.closest(".card");
    if (!card) continue;
    const mark = document.createElement("p");
    mark.dataset.outboxMark = "";
    mark.className = item.problem ? "outbox-mark outbox-problem" : "outbox-mark";
    mark.textContent = item.problem ? `Not done — ${item.problem}` : `${item.label.split(":")[0]} — pending, sent when the connection returns`;
    card.classList.add("outbox-pending-card");
    card.prepend(mark);
  }
}

async function send(item) {
  const response = await fetch(item.url, {
    method: "POST",
    body: new URLSearchParams(item.fields),
    credentials: "same-origin",
    // A weak signal must not hang the button: after a while keep it in the outbox; a replay
    // of something the server did receive gets the stored answer (same Idempotency-Key).
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    headers: { "Idempotency-Key": item.key, "X-CSRFToken": csrfToken(), Accept: "application/json" },
  });
  if (response.status >= 500) throw new Error(`server answered ${response.status}`);
  return response;
}

async function problemOf(response) {
  if (response.ok) return null;
  try {
    const body = await response.json();
    return body.error ? body.error.message : `refused (${response.status})`;
  } catch (e) {
    return `refused (${response.status})`;
  }
}

let flushing = false;
async function flushOutbox() {
  if (flushing) return;
  flushing = true;
  const answered = [];
  try {
    for (const item of readOutbox().filter((entry) => !entry.problem)) {
      let response;
      try { response = await send(item); } catch (error) { break; }  // still offline
      const problem = await problemOf(response);
      const rest = readOutbox().filter((entry) => entry.key !== item.key);
      writeOutbox(problem ? [...rest, { ...item, problem }] : rest);
      answered.push({ ...item, problem });
    }
  } finally {
    flushing = false;
  }
  // Answered while this page is on screen: show it fresh (done or refused, its figures have
  // moved), with what was done; a refusal stays in the outbox list until dismissed.
  const here = answered.filter((item) => item.then && new URL(item.then, location.href).pathname === location.pathname);
  if (here.length) {
    const done = here.filter((item) => !item.problem).map((item) => item.done).filter(Boolean);
    showNext(here[here.length - 1].then, done.join(" "));
  }
}

// --- after an action: the page it changed, and what was done (a flash, as without JS) --
const NOTICE_KEY = "floorapp-notice";

function showNext(then, notice) {
  if (notice) sessionStorage.setItem(NOTICE_KEY, notice);
  const next = new URL(then || location.href, location.href);
  if (next.pathname + next.search === location.pathname + location.search) window.location.reload();
  else window.location.assign(next.href);
}

function showNotice() {
  const text = sessionStorage.getItem(NOTICE_KEY);
  if (!text) return;
  sessionStorage.removeItem(NOTICE_KEY);
  const notice = document.createElement("p");
  notice.className = "flash flash-success";
  notice.setAttribute("role", "status");
  notice.textContent = text;
  const outbox = document.getElementById("outbox");
  if (outbox) outbox.after(notice);
}

// "Hold for {customer_label}" → "Hold for Ms Lee": a label may name what was typed in the form.
function fill(template, fields) {
  return (template || "").replace(/\{(\w+)\}/g, (whole, name) => (name in fields ? fields[name] : whole));
}

function queueableForms() {
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-outbox]");
    if (!form) return;
    event.preventDefault();
    // The CSRF token and the key travel in headers at send time, so a replay uses a current token.
    const fields = Object.fromEntries([...new FormData(form)]
      .filter(([name]) => name !== "csrf_token" && name !== "idempotency_key"));
    const waiting = readOutbox();
    const target = targetOf(form);
    // Pressed again in the dead spot: the first press is already waiting; one intent, one send.
    if (waiting.some((entry) => (entry.target || entry.url) === target && !entry.problem
        && JSON.stringify(entry.fields) === JSON.stringify(fields))) return;
    let key = form.dataset.idempotencyKey || crypto.randomUUID();
    // A page from the cache has the keys it had: another intent on the same form needs its own.
    if (waiting.some((entry) => entry.key === key)) key = crypto.randomUUID();
    const item = {
      url: form.dataset.outbox, target, fields, key,
      label: fill(form.dataset.outboxLabel, fields) || "Action",
      then: form.dataset.outboxThen, done: fill(form.dataset.outboxDone, fields),
      queuedAt: new Date().toISOString(),
    };
    try {
      const response = await send(item);
      const problem = await problemOf(response);
      if (problem) { writeOutbox([...readOutbox(), { ...item, problem }]); return; }
      showNext(item.then, item.done);
    } catch (error) {
      writeOutbox([...readOutbox(), item]);
      checkConnection();
    }
  });
}

function dismissProblems() {
  const button = document.querySelector("#outbox [data-dismiss]");
  if (button) button.addEventListener("click", () => writeOutbox(readOutbox().filter((item) => !item.problem)));
}

function forgetPagesOnLogout() {
  const form = document.querySelector("form[data-logout]");
  if (form && navigator.serviceWorker && navigator.serviceWorker.controller) {
    form.addEventListener("submit", () => navigator.serviceWorker.controller.postMessage("forget-pages"));
  }
}

registerServiceWorker();
showNotice();
queueableForms();
dismissProblems();
forgetPagesOnLogout();
renderOutbox(readOutbox());
// A page that swaps in fresh content (the live queue) asks for the pending marks again.
document.addEventListener("floorapp:content", () => markCards(readOutbox()));
window.addEventListener("online", checkConnection);
window.addEventListener("offline", checkConnection);
checkConnection();
