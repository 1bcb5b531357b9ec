// The shell's banners (offline, update available): hidden until something needs saying.
export function show(element, text) {
  if (!element) return;
  if (text !== undefined) element.querySelector("[data-text]").textContent = text;
  element.hidden = false;
}
