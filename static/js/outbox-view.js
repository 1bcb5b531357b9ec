// What the outbox shows: its list of waiting or refused actions, and a mark on the card
// each one came from.

// What a form acts on: its API URL, or data-outbox-target when several things share one URL
// (every size's hold goes to /api/v1/holds).
export function targetOf(form) {
  return form.dataset.outboxTarget || form.dataset.outbox;
}

export function renderOutbox(items) {
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

// Show a queued or refused action on the card it came from: the form acting on the same target
// (not the same key: a re-rendered page has fresh keys, and the action is still pending).
export function markCards(items) {
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
