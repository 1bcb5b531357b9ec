// The associate's queue, live: new requests arrive over Server-Sent Events without a
// reload, with an alert for those meant for this associate. Every button is a plain form,
// so the page works without this script.
import { coalesced } from "./coalesce.js";
import { fetchPage } from "./page.js";
import { alertMe } from "./sound.js";
import { followStream } from "./stream.js";

// Events closer together than this share one fetch of the page (see coalesce.js).
const REFRESH_WINDOW_MS = 300;
const WAITED_TICK_MS = 15000;

const floor = document.getElementById("floor");
// Whether the next fetch shows a new arrival (any of the events it covers was a new request).
let highlightNext = false;

// The server filters the stream to my zone while I cover one (data-events names it): my
// zone's requests, every zone's arrivals and escalations, and who covers what.
let stream = null;

if (floor && "EventSource" in window) {
  const state = document.getElementById("live-state");
  const refresh = coalesced(swapQueue, REFRESH_WINDOW_MS);
  const follow = (after) => followStream(floor.dataset.events, after, {
    onState: (text) => { state.textContent = text; },
    onEvent: (event) => {
      if (concernsMe(event)) alertMe();
      if (event.kind === "requested") highlightNext = true;
      refresh();
    },
  });
  stream = follow(floor.dataset.after);
  floor.addEventListener("floorapp:stream-url", () => {
    const from = stream.lastId();
    stream.close();
    stream = follow(from);  // my zone changed: follow the new one from where I was
  });
  setInterval(tickWaitedTimes, WAITED_TICK_MS);
}

function concernsMe(event) {
  const d = floor.dataset;
  if (event.kind === "escalated") {
    return event.data.level === 2 ? d.role !== "associate" : d.availability === "on_floor";
  }
  if (isMyBackupEvent(event, d.me)) return true;
  if (event.kind !== "requested" || d.availability !== "on_floor") return false;
  const zone = String(event.data.zone_id);
  // A zone I back up while its associate is on break comes to me first.
  if (d.backing && d.backing.split(",").includes(zone)) return true;
  // Those covering the zone (or the whole store) are alerted; when nobody covers it,
  // everybody on the floor is.
  const covered = d.wholeStore === "yes" || d.covered.split(",").includes(zone);
  return !d.zone || zone === d.zone || !covered;
}

// Named as someone's backup (a break started, or its backup changed to me).
function isMyBackupEvent(event, me) {
  if (event.kind === "break_started") return String(event.data.backup_id) === me;
  if (event.kind === "backup_changed") return String(event.data.to_id) === me;
  return false;
}

async function swapQueue() {
  const highlight = highlightNext;
  highlightNext = false;
  let page;
  try { page = await fetchPage(window.location.pathname); } catch (error) { return; }  // a moment offline
  if (!page) return;
  const next = page.getElementById("queue-region");
  const nextFloor = page.getElementById("floor");
  if (next) {
    const current = document.getElementById("queue-region");
    const focused = current.contains(document.activeElement) ? document.activeElement.id : "";
    keepWhatIsTyped(current, next);
    current.replaceWith(next);
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    document.dispatchEvent(new CustomEvent("floorapp:content"));
  }
  if (nextFloor) {
    for (const name of ["availability", "zone", "covered", "wholeStore", "backing"]) {
      floor.dataset[name] = nextFloor.dataset[name];
    }
    if (nextFloor.dataset.events !== floor.dataset.events) {
      floor.dataset.events = nextFloor.dataset.events;
      floor.dispatchEvent(new Event("floorapp:stream-url"));
    }
  }
  if (highlight && next) {
    const items = next.querySelectorAll(".request");
    if (items.length) items[items.length - 1].classList.add("new-arrival");
  }
}

// A reply being typed (and a manager's opened answers) survive another request arriving.
function keepWhatIsTyped(from, to) {
  from.querySelectorAll(".reply-text input[name=body]").forEach((input) => {
    const fresh = input.value && input.id && to.querySelector(`#${CSS.escape(input.id)}`);
    if (fresh) fresh.value = input.value;
  });
  from.querySelectorAll("details[id][open]").forEach((opened) => {
    const fresh = to.querySelector(`#${CSS.escape(opened.id)}`);
    if (fresh) fresh.open = true;
  });
}

// Keep the waited times moving between events.
function tickWaitedTimes() {
  document.querySelectorAll("[data-requested-at]").forEach((node) => {
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(node.dataset.requestedAt)) / 1000));
    const label = node.querySelector(".waited-time");
    if (label) label.textContent = seconds >= 60 ? `${Math.floor(seconds / 60)} min` : `${seconds} s`;
  });
}
