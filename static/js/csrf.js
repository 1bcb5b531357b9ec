// The page's CSRF token, read when a request is sent (a page kept for a dead spot may
// replay an action later: it takes the token the page has then).
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}
