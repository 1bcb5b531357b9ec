// The associate app's shell, on every signed-in page: the service worker and its "update
// available" prompt, the offline banner, and the outbox that keeps actions taken in a dead
// spot until the connection returns. ES modules, no build step; every page works without it.
import { watchConnection } from "./connection.js";
import { showNotice } from "./notice.js";
import { flushOutbox, queueableForms, showOutbox } from "./outbox.js";
import { flushWorkerClaims, forgetPagesOnLogout, registerServiceWorker } from "./sw-register.js";

registerServiceWorker();
showNotice();
queueableForms();
showOutbox();
forgetPagesOnLogout();
watchConnection(() => { flushOutbox(); flushWorkerClaims(); });
