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
  var url = live.dataset.events + "?last_event_id=" + encodeURIComponent(live.dataset.after || "0");
  source = new EventSource(url);
  var failures = 0;
  source.onmessage = function () { failures = 0; refresh(); };
  source.onopen = function () { failures = 0; if (pollTimer) { clearInterval(pollTimer); pollTimer = null; } };
  source.onerror = function () {
    failures += 1;
    if (failures >= 3) { poll(); }  // the stream keeps failing: poll until it comes back
  };
})();
