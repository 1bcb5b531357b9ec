// A page's fresh copy, fetched and parsed, for a live page to swap a region of it in.
// Returns null when the server does not answer with the page (offline, an error).
export async function fetchPage(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
  if (!response.ok) return null;
  return new DOMParser().parseFromString(await response.text(), "text/html");
}
