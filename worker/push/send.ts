// Delivers one notification to every push subscription of a user. The caller
// (the inbox object) decides when: only while the user has no live socket.
import { deleteSubscription, listSubscriptions, type StoredSubscription } from "../db/push";
import { fromBase64Url } from "../ids";
import { encryptAes128gcm } from "./ece";
import { type EncodedPayload, encodePayload, type PushPayload } from "./payload";
import { type VapidEnv, type VapidSigner, vapidAuthorization, vapidSigner } from "./vapid";

export type { PushPayload } from "./payload";

/**
 * RFC 8030 §5.2: how long the push service keeps the message for an offline
 * device. A day-old chat notification is still worth showing.
 */
export const PUSH_TTL_SECONDS = 24 * 60 * 60;
/** A slow push service must not hold the caller (an inbox object turn) for long. */
const PUSH_TIMEOUT_MS = 10_000;

export interface PushEnv extends VapidEnv {
  DB: D1Database;
}

export interface PushSummary {
  sent: number;
  removed: number;
  failed: number;
}

/** The `fetch` used to reach push services; tests pass a fake push service. */
export type PushFetch = (url: string, init: RequestInit) => Promise<Response>;

type Outcome = "sent" | "removed" | "failed";

/** What is safe to log about an endpoint: its path is a bearer capability. */
function originOf(endpoint: string): string {
  return URL.canParse(endpoint) ? new URL(endpoint).origin : "(invalid endpoint)";
}

async function deliver(
  env: PushEnv,
  userId: string,
  sub: StoredSubscription,
  message: EncodedPayload,
  signer: VapidSigner,
  fetcher: PushFetch,
): Promise<Outcome> {
  const endpoint = new URL(sub.endpoint);
  const body = await encryptAes128gcm(
    message.plaintext,
    { publicKey: fromBase64Url(sub.p256dh), authSecret: fromBase64Url(sub.auth) },
    { padding: message.padding },
  );
  const res = await fetcher(sub.endpoint, {
    method: "POST",
    headers: {
      Authorization: await vapidAuthorization(signer, endpoint),
      "Content-Encoding": "aes128gcm",
      "Content-Type": "application/octet-stream",
      TTL: String(PUSH_TTL_SECONDS),
      Urgency: "high",
    },
    body,
    // A push service answers; it does not send us elsewhere.
    redirect: "manual",
    signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
  });
  await res.body?.cancel();
  if (res.ok) return "sent";
  // RFC 8030 §7.3: 404 and 410 mean the subscription is gone for good.
  if (res.status === 404 || res.status === 410) {
    await deleteSubscription(env.DB, userId, sub.endpoint);
    return "removed";
  }
  console.warn("push refused", { origin: endpoint.origin, status: res.status });
  return "failed";
}

/**
 * Encrypts `payload` (RFC 8291) for each of the user's subscriptions and
 * POSTs it with a VAPID signature (RFC 8292). Never throws for push-side
 * trouble (bad configuration, network, refusals): that is counted in
 * `failed` and logged without keys or endpoint paths. Only a D1 failure
 * while listing subscriptions propagates.
 */
export async function sendPush(
  env: PushEnv,
  userId: string,
  payload: PushPayload,
  fetcher: PushFetch = (url, init) => fetch(url, init),
): Promise<PushSummary> {
  const subs = await listSubscriptions(env.DB, userId);
  const summary: PushSummary = { sent: 0, removed: 0, failed: 0 };
  if (subs.length === 0) return summary;

  let signer: VapidSigner;
  let message: EncodedPayload;
  try {
    signer = await vapidSigner(env);
    message = encodePayload(payload);
  } catch (err) {
    console.error("push not sent", err instanceof Error ? err.message : "unknown error");
    summary.failed = subs.length;
    return summary;
  }

  const outcomes = await Promise.all(
    subs.map((sub) =>
      deliver(env, userId, sub, message, signer, fetcher).catch((err: unknown): Outcome => {
        const reason = err instanceof Error ? err.name : "unknown error";
        console.warn("push failed", { origin: originOf(sub.endpoint), reason });
        return "failed";
      }),
    ),
  );
  for (const outcome of outcomes) summary[outcome] += 1;
  return summary;
}
