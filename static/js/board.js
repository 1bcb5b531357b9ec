// The live board: fetch the board's changing part every few seconds and swap it in.
// Polling keeps it simple and works on every tablet; the store's SSE stream can
// replace it later without touching the page's HTML.
const POLL_MS = 5000;
const board = document.getElementById("board");
const status = document.getElementById("board-status");
let failures = 0;

async function refresh() {
  try {
    const response = await fetch(board.dataset.liveUrl, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
      redirect: "error",
    });
    if (!response.ok) throw new Error("HTTP " + response.status);
    board.innerHTML = await response.text();
    failures = 0;
    status.textContent = "Live: updates every few seconds.";
  } catch (error) {
    failures += 1;
    status.textContent = failures > 2
      ? "Not updating: check the connection or log in again."
      : "Reconnecting…";
  }
}

function tick() {
  if (document.visibilityState === "visible") refresh();
}

if (board) {
  setInterval(tick, POLL_MS);
  document.addEventListener("visibilitychange", tick);
}
