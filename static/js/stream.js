// A store's event stream that outlives the server ending it. EventSource resumes by itself
// with Last-Event-ID when the server ends a stream (its longest life). A refused reconnect
// (429 at the cap, 401 once the session ended) closes it for good: wait, then open a new
// one from the last event seen, or reload into the login page when the session is gone.
const FIRST_BACKOFF_MS = 2000;
const LONGEST_BACKOFF_MS = 60000;

// Follow `url` from event `after`; `onEvent` gets each parsed event, `onState` a short status.
// Returns `close()` and `lastId()`, so a page can follow another URL from where it was.
export function followStream(url, after, { onEvent, onState }) {
  let lastId = after || "0";
  let backoff = FIRST_BACKOFF_MS;
  let source = null;
  let closed = false;

  function connect() {
    if (closed) return;
    const join = url.includes("?") ? "&" : "?";
    source = new EventSource(`${url}${join}last_event_id=${encodeURIComponent(lastId)}`);
    source.onopen = () => { onState("Live."); backoff = FIRST_BACKOFF_MS; };
    source.onerror = () => {
      onState("Reconnecting…");
      if (source.readyState === EventSource.CLOSED) setTimeout(reconnect, backoff * (1 + Math.random()));
    };
    source.onmessage = (message) => {
      if (message.lastEventId) lastId = message.lastEventId;
      onEvent(JSON.parse(message.data));
    };
  }

  async function reconnect() {
    backoff = Math.min(backoff * 2, LONGEST_BACKOFF_MS);
    let response;
    try {
      response = await fetch(window.location.href, {
        credentials: "same-origin", redirect: "manual", headers: { Accept: "text/html" },
      });
    } catch (error) {
      setTimeout(reconnect, backoff);  // offline: try again later
      return;
    }
    if (response.type === "opaqueredirect" || response.status === 401) {
      window.location.reload();  // logged out: the page sends us to the login form
    } else {
      connect();
    }
  }

  connect();
  return {
    close() { closed = true; if (source) source.close(); },
    lastId: () => lastId,
  };
}
