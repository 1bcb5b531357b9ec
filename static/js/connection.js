// The offline banner: whether the server answers, checked when the browser says the
// network changed; when it answers again, whatever waits for the connection goes.
import { show } from "./banner.js";

let whenOnline = () => {};

function renderedAt() {
  const stamp = document.body.dataset.renderedAt;
  const time = stamp ? new Date(stamp) : new Date();
  return time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export async function checkConnection() {
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
    whenOnline();
  } else {
    show(banner, `Offline — last updated ${renderedAt()}`);
  }
}

// Check now and on every change of the network; call `onOnline` each time the server answers.
export function watchConnection(onOnline) {
  whenOnline = onOnline;
  window.addEventListener("online", checkConnection);
  window.addEventListener("offline", checkConnection);
  checkConnection();
}
