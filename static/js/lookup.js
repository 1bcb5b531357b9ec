// The handheld lookup: results as you type, and camera scanning where the browser can.
// Without this file the search form still works (a plain GET); without BarcodeDetector
// the scan button stays hidden and a typed code does the same job.
const RESULTS_DELAY_MS = 180;
const SCAN_EVERY_MS = 150;
const FORMATS = ["upc_a", "upc_e", "ean_13", "ean_8", "code_128", "code_39", "qr_code"];

function resultsAsYouType(form, input) {
  const results = document.getElementById("lookup-results");
  let timer = null;
  let inFlight = null;

  function showResults() {
    const query = input.value.trim();
    if (inFlight) inFlight.abort();
    if (query.length < 2) return;
    inFlight = new AbortController();
    const url = form.dataset.resultsUrl + "?q=" + encodeURIComponent(query);
    fetch(url, { signal: inFlight.signal, headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => {
        if (html !== null) results.innerHTML = html;
        history.replaceState(null, "", "?q=" + encodeURIComponent(query));
      })
      .catch(() => {});
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(showResults, RESULTS_DELAY_MS);
  });
}

function cameraScanning(form, input) {
  const scanButton = document.getElementById("scan-button");
  scanButton.hidden = false;
  const scanner = document.getElementById("scanner");
  const video = document.getElementById("scanner-video");
  const status = document.getElementById("scanner-status");
  let stream = null;

  function stop() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    scanner.hidden = true;
  }

  async function scan() {
    const detector = new window.BarcodeDetector({ formats: FORMATS });
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (error) {
      status.textContent = "The camera is not available: type the code instead.";
      scanner.hidden = false;
      input.focus();
      return;
    }
    scanner.hidden = false;
    video.srcObject = stream;
    await video.play();
    while (stream) {
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length) {
        const code = codes[0].rawValue;
        stop();
        input.value = code;
        form.submit();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, SCAN_EVERY_MS));
    }
  }

  scanButton.addEventListener("click", scan);
  document.getElementById("scanner-stop").addEventListener("click", stop);
}

const form = document.querySelector(".lookup-search");
if (form) {
  const input = form.querySelector("input[name=q]");
  resultsAsYouType(form, input);
  if ("BarcodeDetector" in window && navigator.mediaDevices) cameraScanning(form, input);
}
