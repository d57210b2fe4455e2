// Registers the service worker (from a module, never an inline script: the
// CSP forbids those) and surfaces "a new version is available".
import { createStore } from "../ui/store";

/** The installed-but-waiting worker of a newer build, if any. */
export const updateReady = createStore<ServiceWorker | null>(null);

const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  const sw = navigator.serviceWorker;
  // Set when the user asked for the new version: its takeover reloads the page once.
  let reloading = false;
  sw.addEventListener("controllerchange", () => {
    if (!reloading) return;
    reloading = false;
    location.reload();
  });
  applyUpdate = (worker) => {
    reloading = true;
    worker.postMessage("skip-waiting");
  };

  void sw.register("/sw.js", { scope: "/" }).then((reg) => {
    const offer = (worker: ServiceWorker | null) => {
      // Only an update is news: the very first install has no controller to replace.
      if (worker && sw.controller) updateReady.set(worker);
    };
    offer(reg.waiting);
    reg.addEventListener("updatefound", () => {
      const worker = reg.installing;
      worker?.addEventListener("statechange", () => {
        if (worker.state === "installed") offer(worker);
      });
    });
    setInterval(() => void reg.update().catch(() => undefined), UPDATE_CHECK_MS);
  });
}

let applyUpdate: (worker: ServiceWorker) => void = () => undefined;

/** Activates the waiting build; the page reloads when it takes over. */
export function reloadToUpdate(): void {
  const worker = updateReady.get();
  if (worker) applyUpdate(worker);
}
