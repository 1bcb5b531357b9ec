// Coalesce a costly refresh: while a run is in flight, and for a short window after it
// started, further calls only mark it due; one more run follows. A burst of N events then
// costs at most two runs instead of N (one full server render per handheld per event).
export function coalesced(task, windowMs) {
  let busy = false;
  let due = false;

  async function run() {
    busy = true;
    due = false;
    const started = Date.now();
    try { await task(); } catch (error) { /* the next call runs it again */ }
    setTimeout(() => {
      busy = false;
      if (due) run();
    }, Math.max(0, windowMs - (Date.now() - started)));
  }

  return () => {
    if (busy) due = true;
    else run();
  };
}
