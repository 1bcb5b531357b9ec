// The camera for the price check, loaded only after a tap on "Scan". Reads a tag's barcode
// with the browser's BarcodeDetector and submits its code as if typed; where the browser
// has none it says so, and the typed code always works.
const WANTED = ["upc_a", "upc_e", "ean_13", "ean_8", "code_128", "code_39"];
let running = null;

export async function toggle(button) {
  if (running) return stop(button);
  const state = document.getElementById("scan-state");
  document.getElementById("camera").hidden = false;
  const detector = await makeDetector();
  if (!detector) {
    state.textContent = button.dataset.none;
    return;
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia(
      { video: { facingMode: "environment" }, audio: false });
    const video = document.getElementById("video");
    video.srcObject = stream;
    await video.play();
    running = { stream, label: button.textContent };
    button.textContent = button.dataset.stop;
    state.textContent = state.dataset.aim;
    look(detector, video, button);
  } catch {
    state.textContent = button.dataset.none;
  }
}

async function makeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  const supported = await window.BarcodeDetector.getSupportedFormats();
  const formats = WANTED.filter((format) => supported.includes(format));
  return formats.length ? new window.BarcodeDetector({ formats }) : null;
}

async function look(detector, video, button) {
  while (running) {
    const found = await detector.detect(video).catch(() => []);
    if (found.length && found[0].rawValue) {
      stop(button);
      const form = document.getElementById("check");
      form.elements.q.value = found[0].rawValue;
      form.requestSubmit();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

function stop(button) {
  running.stream.getTracks().forEach((track) => track.stop());
  button.textContent = running.label;
  running = null;
  document.getElementById("camera").hidden = true;
}
