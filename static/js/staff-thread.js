// A request's thread on the associate's pages, kept fresh in place: at once after a reply
// is sent (the outbox tells the form's box), and on the size grid opened from a request,
// live from the store's stream. Without this file the reply forms post and the page returns.
import { coalesced } from "./coalesce.js";
import { fetchPage } from "./page.js";
import { followStream } from "./stream.js";

const REFRESH_WINDOW_MS = 300;  // events closer together share one fetch (see coalesce.js)

// Swap in the box's fresh copy. While both can answer, only the messages change, so a reply
// being typed is never wiped by the customer's message arriving.
function swapIn(current, next) {
  const list = current.querySelector("ol.thread");
  const nextList = next.querySelector("ol.thread");
  if (!current.querySelector(".replies") || !next.querySelector(".replies")) current.replaceWith(next);
  else if (list && nextList) list.replaceWith(nextList);
  else if (nextList) current.prepend(nextList);
}

async function refreshBox(id) {
  const box = document.getElementById(id);
  if (!box) return;
  let page;
  try { page = await fetchPage(box.dataset.threadPart); } catch (error) { return; }  // a moment offline
  const next = page && page.getElementById(id);
  const current = document.getElementById(id);  // the queue may have swapped it meanwhile
  if (!next || !current) return;
  swapIn(current, next);
  document.dispatchEvent(new CustomEvent("floorapp:content"));  // the outbox marks cards again
}

document.addEventListener("floorapp:sent", (event) => {
  const box = event.target.closest(".thread-box");
  if (box) refreshBox(box.id);
});

const conversation = document.getElementById("conversation");
if (conversation && "EventSource" in window) {
  const box = conversation.querySelector(".thread-box");
  const state = document.getElementById("live-state");
  const refresh = coalesced(() => refreshBox(box.id), REFRESH_WINDOW_MS);
  followStream(conversation.dataset.events, conversation.dataset.after, {
    onState: (text) => { state.textContent = text; },
    onEvent: (event) => { if (String(event.request_id) === box.dataset.request) refresh(); },
  });
}
