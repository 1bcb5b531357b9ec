// The customer's status page, live: Server-Sent Events, falling back to polling.
// Without JavaScript the page refreshes itself (<noscript> meta refresh) instead.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var pollTimer = null;
  var source = null;
  var FINAL = ["resolved", "cancelled", "expired"];

  function refresh() {
    fetch(window.location.pathname, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("status");
        var current = document.getElementById("status");
        if (next && current && next.innerHTML !== current.innerHTML) {
          current.replaceWith(next);
        }
        if (next && FINAL.indexOf(next.dataset.status) >= 0) { stop(); }
      })
      .catch(function () { /* offline for a moment: the next event or poll retries */ });
  }

  function stop() {
    if (source) { source.close(); source = null; }
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
    live.hidden = true;
  }

  function poll() {
    if (!pollTimer) { pollTimer = setInterval(refresh, 5000); }
  }

  if (!("EventSource" in window)) { poll(); return; }
  // The server ends a stream now and then; EventSource resumes by itself. A refused
  // reconnect (429: too many streams behind this network) closes it for good: poll
  // meanwhile and open a new stream later, from the last event seen.
  var lastId = live.dataset.after || "0";
  var failures = 0;
  var backoff = 5000;

  function connect() {
    if (!source) { return; }  // stopped: the request is over
    source = new EventSource(live.dataset.events + "?last_event_id=" + encodeURIComponent(lastId));
    var current = source;
    source.onmessage = function (message) {
      failures = 0;
      if (message.lastEventId) { lastId = message.lastEventId; }
      refresh();
    };
    source.onopen = function () {
      failures = 0; backoff = 5000;
      if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
    };
    source.onerror = function () {
      failures += 1;
      if (failures >= 3) { poll(); }  // the stream keeps failing: poll until it comes back
      if (current.readyState === EventSource.CLOSED && source === current) {
        poll();
        setTimeout(connect, backoff * (1 + Math.random()));
        backoff = Math.min(backoff * 2, 120000);
      }
    };
  }

  source = true;  // connect() only runs while the page still wants a stream
  connect();
})();
