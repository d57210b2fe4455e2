// The service worker (built by vite-plugin-pwa's injectManifest): precaches
// the app shell so the app starts offline, shows pushed messages, and obeys
// the kill switch (/sw-kill.json) so nobody is stranded on a broken build.
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from "workbox-precaching";
import { conversationUrl, isAppNavigation, isKillSignal, parsePushPayload } from "./pwa/swLogic";
import type { SwScope } from "./pwa/swTypes";

declare const self: SwScope;

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

/** A new build waits until the page says "reload" (see src/pwa/register.ts). */
self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") void self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim().then(checkKill));
});

let lastKillCheck = 0;
const KILL_CHECK_INTERVAL_MS = 60_000;

async function checkKill(): Promise<void> {
  lastKillCheck = Date.now();
  let res: Response;
  try {
    res = await fetch("/sw-kill.json", { cache: "no-store" });
  } catch {
    return; // offline: keep serving
  }
  if (!res.ok || !isKillSignal(res.headers.get("content-type"), await res.text())) return;
  await self.registration.unregister();
  for (const key of await caches.keys()) await caches.delete(key);
  // Reload every open page from the network, now without a service worker.
  for (const client of await self.clients.matchAll({ type: "window" })) void client.navigate(client.url);
}

// App routes (/, /c/:id, /contacts...) all get the precached shell: cache
// first, so the app opens instantly and offline. Updates arrive as a new SW.
self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || req.mode !== "navigate") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || !isAppNavigation(url.pathname)) return;
  if (Date.now() - lastKillCheck > KILL_CHECK_INTERVAL_MS) event.waitUntil(checkKill());
  event.respondWith(matchPrecache("/index.html").then((cached) => cached ?? fetch(req)));
});

self.addEventListener("push", (event) => {
  const payload = event.data ? parsePushPayload(event.data.text()) : null;
  if (!payload) return;
  event.waitUntil(
    self.registration.showNotification(payload.title, {
      body: payload.body,
      tag: payload.conversationId,
      icon: "/icons/icon-192.png",
      data: { conversationId: payload.conversationId },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data: unknown = event.notification.data;
  const id =
    typeof data === "object" && data !== null && "conversationId" in data && typeof data.conversationId === "string"
      ? data.conversationId
      : null;
  const target = id === null ? `${self.location.origin}/` : conversationUrl(self.location.origin, id);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const existing = windows[0];
      if (existing) {
        await existing.focus();
        await existing.navigate(target);
      } else {
        await self.clients.openWindow(target);
      }
    })(),
  );
});
