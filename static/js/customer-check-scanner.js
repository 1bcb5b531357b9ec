// The camera for the price check, loaded only after a tap on "Scan". Reads a tag's barcode
// with the browser's BarcodeDetector, or else with zxing-wasm vendored into static/vendor
// (pinned, served from this origin; static/vendor/zxing-wasm/fetch.sh), and submits its
// code as if typed. Where neither can run it says so; the typed code always works.
const WANTED = ["upc_a", "upc_e", "ean_13", "ean_8", "code_128", "code_39"];
const ZXING = new URL("../vendor/zxing-wasm/3.1.6/", import.meta.url);
const ZXING_FORMATS = ["UPC-A", "UPC-E", "EAN-13", "EAN-8", "Code128", "Code39"];
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
  if ("BarcodeDetector" in window) {
    const supported = await window.BarcodeDetector.getSupportedFormats();
    const formats = WANTED.filter((format) => supported.includes(format));
    if (formats.length) return new window.BarcodeDetector({ formats });
  }
  return wasmDetector().catch(() => null);
}

// The same detect(video) as BarcodeDetector's, reading one frame at a time with zxing.
async function wasmDetector() {
  const zxing = await import(new URL("es/reader/index.js", ZXING).href);
  await zxing.prepareZXingModule({
    overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm")
      ? new URL(`reader/${path}`, ZXING).href : prefix + path) },
    fireImmediately: true,
  });
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return {
    async detect(video) {
      if (!video.videoWidth) return [];
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const frame = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = await zxing.readBarcodes(frame,
        { formats: ZXING_FORMATS, tryHarder: true, maxNumberOfSymbols: 1 });
      return found.filter((result) => result.isValid).map((result) => ({ rawValue: result.text }));
    },
  };
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
