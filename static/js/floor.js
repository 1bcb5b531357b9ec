// The associate's queue, live: new requests arrive over Server-Sent Events without a reload,
// with a short beep (WebAudio, no audio file) and a vibration where the device allows.
// Every button is a plain form, so the page works without this script.
(function () {
  "use strict";
  var floor = document.getElementById("floor");
  if (!floor || !("EventSource" in window)) { return; }
  var state = document.getElementById("live-state");
  var audio = null;

  // Browsers only let a page make sound after a tap: prepare the audio on the first one.
  document.addEventListener("pointerdown", function () {
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    }
  }, { once: true });

  function beep() {
    if (!audio) { return; }
    var oscillator = audio.createOscillator();
    var gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.35);
  }

  function alertMe() {
    beep();
    if (navigator.vibrate) { try { navigator.vibrate([120, 60, 120]); } catch (e) { /* not allowed */ } }
  }

  function concernsMe(event) {
    var d = floor.dataset;
    if (event.kind === "escalated") {
      return event.data.level === 2 ? d.role !== "associate" : d.availability === "on_floor";
    }
    if (event.kind !== "requested" || d.availability !== "on_floor") { return false; }
    var zone = String(event.data.zone_id);
    // Those covering the zone (or the whole store) are alerted; when nobody covers it,
    // everybody on the floor is.
    var covered = d.wholeStore === "yes" || d.covered.split(",").indexOf(zone) >= 0;
    return !d.zone || zone === d.zone || !covered;
  }

  function refresh(highlight) {
    fetch(window.location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var page = new DOMParser().parseFromString(html, "text/html");
        var next = page.getElementById("queue-region");
        var nextFloor = page.getElementById("floor");
        if (next) {
          document.getElementById("queue-region").replaceWith(next);
          document.dispatchEvent(new CustomEvent("floorapp:content"));
        }
        if (nextFloor) {
          ["availability", "zone", "covered", "wholeStore"].forEach(function (name) {
            floor.dataset[name] = nextFloor.dataset[name];
          });
        }
        if (highlight && next) {
          var items = next.querySelectorAll(".request");
          if (items.length) { items[items.length - 1].classList.add("new-arrival"); }
        }
      })
      .catch(function () { /* a moment offline: the next event refreshes again */ });
  }

  // The server ends a stream now and then (its longest life); EventSource then resumes by
  // itself with Last-Event-ID. A refused reconnect (429 at the cap, 401 once the session
  // ended) closes it for good: wait, then open a new one from the last event seen, or
  // reload into the login page when the session is gone.
  var lastId = floor.dataset.after || "0";
  var backoff = 2000;

  function connect() {
    var source = new EventSource(floor.dataset.events + "?last_event_id=" +
                                 encodeURIComponent(lastId));
    source.onopen = function () { state.textContent = "Live."; backoff = 2000; };
    source.onerror = function () {
      state.textContent = "Reconnecting…";
      if (source.readyState === EventSource.CLOSED) { setTimeout(reconnect, backoff * (1 + Math.random())); }
    };
    source.onmessage = function (message) {
      if (message.lastEventId) { lastId = message.lastEventId; }
      var event = JSON.parse(message.data);
      if (concernsMe(event)) { alertMe(); }
      refresh(event.kind === "requested");
    };
  }

  function reconnect() {
    backoff = Math.min(backoff * 2, 60000);
    fetch(window.location.href, { credentials: "same-origin", redirect: "manual",
                                  headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 401) {
          window.location.reload();  // logged out: the page sends us to the login form
        } else {
          connect();
        }
      })
      .catch(function () { setTimeout(reconnect, backoff); });  // offline: try again later
  }

  connect();

  // Keep the waited times moving between events.
  setInterval(function () {
    document.querySelectorAll("[data-requested-at]").forEach(function (node) {
      var seconds = Math.max(0, Math.round((Date.now() - Date.parse(node.dataset.requestedAt)) / 1000));
      var label = node.querySelector(".waited-time");
      if (label) { label.textContent = seconds >= 60 ? Math.floor(seconds / 60) + " min" : seconds + " s"; }
    });
  }, 15000);
})();
