// The outbox: an action taken in a dead spot is kept on the device and sent once when the
// connection returns, under its own Idempotency-Key (a replay the server did receive gets
// the stored answer). Every form it takes is a plain POST form without JavaScript.
import { checkConnection } from "./connection.js";
import { csrfToken } from "./csrf.js";
import { showNext } from "./notice.js";
import { markCards, renderOutbox, targetOf } from "./outbox-view.js";

// One outbox per user: a shared handheld never replays one associate's actions as another's.
const OUTBOX_KEY = `floorapp-outbox-${document.body.dataset.user || "anonymous"}`;
const SEND_TIMEOUT_MS = 8000;

function readOutbox() {
  try { return JSON.parse(localStorage.getItem(OUTBOX_KEY)) || []; } catch (e) { return []; }
}

function writeOutbox(items) {
  localStorage.setItem(OUTBOX_KEY, JSON.stringify(items));
  renderOutbox(items);
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
// Send what waits, in order, until one fails to arrive (still offline).
export async function flushOutbox() {
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

// "Hold for {customer_label}" → "Hold for Ms Lee": a label may name what was typed in the form.
function fill(template, fields) {
  return (template || "").replace(/\{(\w+)\}/g, (whole, name) => (name in fields ? fields[name] : whole));
}

function itemOf(form) {
  // The CSRF token and the key travel in headers at send time, so a replay uses a current token.
  const fields = Object.fromEntries([...new FormData(form)]
    .filter(([name]) => name !== "csrf_token" && name !== "idempotency_key"));
  const waiting = readOutbox();
  const target = targetOf(form);
  // Pressed again in the dead spot: the first press is already waiting; one intent, one send.
  if (waiting.some((entry) => (entry.target || entry.url) === target && !entry.problem
      && JSON.stringify(entry.fields) === JSON.stringify(fields))) return null;
  let key = form.dataset.idempotencyKey || crypto.randomUUID();
  // A page from the cache has the keys it had: another intent on the same form needs its own.
  if (waiting.some((entry) => entry.key === key)) key = crypto.randomUUID();
  return {
    url: form.dataset.outbox, target, fields, key,
    label: fill(form.dataset.outboxLabel, fields) || "Action",
    then: form.dataset.outboxThen, done: fill(form.dataset.outboxDone, fields),
    queuedAt: new Date().toISOString(),
  };
}

// A form whose page stays (a reply on a thread): empty it, give its next intent a key of its
// own, and tell its box, which shows what was sent (static/js/staff-thread.js).
function sentInPlace(form) {
  form.reset();
  form.dataset.idempotencyKey = crypto.randomUUID();
  form.dispatchEvent(new CustomEvent("floorapp:sent", { bubbles: true }));
}

// Send every form[data-outbox] through the API; keep it in the outbox when it cannot go.
export function queueableForms() {
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-outbox]");
    if (!form) return;
    event.preventDefault();
    const item = itemOf(form);
    if (!item) return;
    try {
      const response = await send(item);
      const problem = await problemOf(response);
      if (problem) { writeOutbox([...readOutbox(), { ...item, problem }]); return; }
      if (form.hasAttribute("data-outbox-in-place")) sentInPlace(form);
      else showNext(item.then, item.done);
    } catch (error) {
      writeOutbox([...readOutbox(), item]);
      checkConnection();
    }
  });
}

// Show what waits, let refusals be dismissed, and mark fresh content (the live queue) again.
export function showOutbox() {
  const button = document.querySelector("#outbox [data-dismiss]");
  if (button) button.addEventListener("click", () => writeOutbox(readOutbox().filter((item) => !item.problem)));
  renderOutbox(readOutbox());
  document.addEventListener("floorapp:content", () => markCards(readOutbox()));
}
