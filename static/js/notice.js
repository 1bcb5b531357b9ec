// After an action: go to the page it changed and say what was done there (a flash, as
// the server shows one without JavaScript).
const NOTICE_KEY = "floorapp-notice";

export function showNext(then, notice) {
  if (notice) sessionStorage.setItem(NOTICE_KEY, notice);
  const next = new URL(then || location.href, location.href);
  if (next.pathname + next.search === location.pathname + location.search) window.location.reload();
  else window.location.assign(next.href);
}

export function showNotice() {
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
