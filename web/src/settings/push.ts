// Notification permission and the Web Push subscription behind the settings switch.
import { base64UrlToBytes, deleteSubscription, getPushKey, saveSubscription } from "../api/push";

export type NotifyOutcome = "on" | "on-without-push" | "denied" | "unsupported";

export const notificationsSupported = () => typeof Notification !== "undefined";

export function notificationsOn(): boolean {
  return notificationsSupported() && Notification.permission === "granted";
}

/** Asks for permission, then subscribes to push (in-app notices work without push). */
export async function enableNotifications(): Promise<NotifyOutcome> {
  if (!notificationsSupported()) return "unsupported";
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return "denied";
  try {
    if (!("serviceWorker" in navigator)) return "on-without-push";
    const reg = await navigator.serviceWorker.ready;
    const key = await getPushKey();
    const sub =
      (await reg.pushManager.getSubscription()) ??
      (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(key) }));
    await saveSubscription(sub.toJSON());
    return "on";
  } catch {
    // No push service (some browsers, headless ones): notices still show while the app runs.
    return "on-without-push";
  }
}

/**
 * Re-sends this browser's subscription, if it has one. The server drops a
 * subscription when another account registers the same endpoint (a shared
 * browser profile), so every start of a signed-in app takes it back.
 */
export async function restorePushSubscription(): Promise<void> {
  if (!notificationsOn() || !("serviceWorker" in navigator)) return;
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = await reg?.pushManager.getSubscription();
  if (sub) await saveSubscription(sub.toJSON());
}

export async function disableNotifications(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = await reg?.pushManager.getSubscription();
  if (!sub) return;
  await deleteSubscription(sub.endpoint).catch(() => undefined);
  await sub.unsubscribe();
}
