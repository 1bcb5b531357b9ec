// The customer's status page, live: Server-Sent Events, falling back to polling, and its
// message form sent in place. Without JavaScript the page refreshes itself (<noscript>
// meta refresh) instead, and the form posts.
import { fetchPage } from "./page.js";

document.documentElement.classList.add("js");  // shows the forms that need this page live

const FINAL = ["resolved", "cancelled", "expired"];
const POLL_MS = 5000;
const FIRST_BACKOFF_MS = 5000;
const LONGEST_BACKOFF_MS = 120000;

const live = document.getElementById("live");
let pollTimer = null;
let source = null;
let stopped = false;

async function refresh() {
  let page;
  try { page = await fetchPage(window.location.pathname); } catch (error) { return; }  // offline for a moment
  const next = page && page.getElementById("status");
  const current = document.getElementById("status");
  if (next && current && next.innerHTML !== current.innerHTML) current.replaceWith(next);
  const nextThread = page && page.getElementById("thread-list");
  const thread = document.getElementById("thread-list");
  if (nextThread && thread && nextThread.innerHTML !== thread.innerHTML) thread.replaceWith(nextThread);
  if (next && FINAL.includes(next.dataset.status)) stop();
}

function stop() {
  stopped = true;
  if (source) { source.close(); source = null; }
  if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  if (live) live.hidden = true;
}

function poll() {
  if (!pollTimer) pollTimer = setInterval(refresh, POLL_MS);
}

// The server ends a stream now and then; EventSource resumes by itself. A refused
// reconnect (429: too many streams behind this network) closes it for good: poll
// meanwhile and open a new stream later, from the last event seen.
let lastId = live ? live.dataset.after || "0" : "0";
let failures = 0;
let backoff = FIRST_BACKOFF_MS;

function connect() {
  if (stopped) return;  // the request is over
  const current = new EventSource(`${live.dataset.events}?last_event_id=${encodeURIComponent(lastId)}`);
  source = current;
  current.onmessage = (message) => {
    failures = 0;
    if (message.lastEventId) lastId = message.lastEventId;
    refresh();
  };
  current.onopen = () => {
    failures = 0;
    backoff = FIRST_BACKOFF_MS;
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  };
  current.onerror = () => {
    failures += 1;
    if (failures >= 3) poll();  // the stream keeps failing: poll until it comes back
    if (current.readyState === EventSource.CLOSED && source === current) {
      poll();
      setTimeout(connect, backoff * (1 + Math.random()));
      backoff = Math.min(backoff * 2, LONGEST_BACKOFF_MS);
    }
  };
}

if (live) {
  if ("EventSource" in window) connect();
  else poll();
}

// A message (and its photo) goes through the JSON API without leaving the page, under the
// form's idempotency key, and shows at once. A refusal falls back to the form's own post,
// whose page says what was wrong in the customer's language; the form works without this.
function sendInPlace(form) {
  const keyField = form.querySelector("[name=idempotency_key]");
  let sending = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) return;  // a double tap: the first is on its way
    sending = true;
    let response;
    try {
      response = await fetch(form.dataset.api, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Idempotency-Key": keyField.value, Accept: "application/json" },
      });
    } catch (error) {
      say(form, form.dataset.offline);  // kept as typed; the same key makes a resend one message
      return;
    } finally {
      sending = false;
    }
    if (!response.ok) { form.submit(); return; }
    form.reset();
    keyField.value = crypto.randomUUID();  // the next message is another intent
    say(form, "");
    await refresh();
  });
}

function say(form, text) {
  let line = form.querySelector("[data-send-problem]");
  if (!line) {
    line = document.createElement("p");
    line.className = "error";
    line.setAttribute("role", "alert");
    line.dataset.sendProblem = "";
    form.prepend(line);
  }
  line.textContent = text;
  line.hidden = !text;
}

const messageForm = document.getElementById("message-form");
if (messageForm && window.fetch && window.FormData) sendInPlace(messageForm);
