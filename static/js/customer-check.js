// The price check's "Scan" button: shown only where the phone can lend its camera. The
// scanner itself (customer-check-scanner.js) loads when the customer taps it, never before, so the
// page's first paint carries none of it.
const button = document.getElementById("scan");
if (button && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const scanner = await import(button.dataset.module);
    scanner.toggle(button);
  });
}
