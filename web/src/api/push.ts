// Web Push subscription (docs/protocol.md "Push notifications").
import * as v from "valibot";
import { api, apiVoid } from "./client";

const KeySchema = v.object({ publicKey: v.pipe(v.string(), v.minLength(1)) });

/** base64url (VAPID key) to the bytes pushManager.subscribe wants. */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .padEnd(Math.ceil(text.length / 4) * 4, "=");
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

export async function getPushKey(): Promise<string> {
  return (await api("/api/push/key", KeySchema)).publicKey;
}

export async function saveSubscription(sub: PushSubscriptionJSON): Promise<void> {
  await api("/api/push/subscriptions", v.unknown(), { body: sub });
}

export function deleteSubscription(endpoint: string): Promise<void> {
  return apiVoid("/api/push/subscriptions", { method: "DELETE", body: { endpoint } });
}
