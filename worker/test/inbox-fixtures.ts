// Fixtures for the inbox and presence tests, built on helpers.ts.
import { env } from "cloudflare:workers";
import { inboxStub } from "../do/stubs";
import { PING_TEXT } from "../protocol";
import { apiOk, expectSocket, openSocket, type TestSocket, type TestUser, waitFor } from "./helpers";
import { newEndpoint, newUserAgent, type TestUserAgent } from "./push-fixtures";

export const INBOX_PATH = "/api/inbox/ws";
export const inboxOf = (userId: string) => inboxStub(env, userId);

/** Sends a text message over REST (201). */
export const say = (conversationId: string, user: TestUser, clientId: string, text: string) =>
  apiOk(
    `/api/conversations/${conversationId}/messages`,
    { token: user.accessToken, body: { clientId, kind: "text", text } },
    201,
  );

/** Opens an inbox socket and waits for its welcome. */
export async function openInbox(user: TestUser): Promise<TestSocket> {
  const s = expectSocket(await openSocket(INBOX_PATH, user.accessToken));
  await waitFor(() => s.frames.some((f) => f.type === "welcome"), 10_000, "inbox welcome");
  return s;
}

/** Keeps a socket alive past the (short, in tests) heartbeat timeout; returns the stopper. */
export function keepAlive(s: TestSocket, everyMs = 250): () => void {
  const timer = setInterval(() => {
    try {
      s.ws.send(PING_TEXT);
    } catch {}
  }, everyMs);
  return () => clearInterval(timer);
}

export const framesOf = (s: TestSocket, type: string) => s.frames.filter((f) => f.type === type);

export const welcomeOf = (s: TestSocket) => {
  const w = s.frames.find((f) => f.type === "welcome");
  if (!w) throw new Error("no welcome");
  return w as unknown as {
    conversations: {
      id: string;
      unread: number;
      lastSeq: number;
      readSeq: number;
      lastMessage?: { seq: number; preview: string; senderId: string };
    }[];
    friends: { userId: string; status: string; lastSeenAt: number | null }[];
  };
};

/** Waits until the user's inbox holds a summary of `conversationId` that satisfies `ok`. */
export async function waitForSummary(
  userId: string,
  conversationId: string,
  ok: (s: { lastSeq: number; unread: number; readSeq: number }) => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const start = Date.now();
  for (;;) {
    const n = await inboxOf(userId).note(conversationId);
    if (n?.summary && ok(n.summary)) return;
    if (Date.now() - start > timeoutMs)
      throw new Error(`inbox of ${userId} never got ${conversationId}: ${JSON.stringify(n)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A new browser's subscription for `user`, registered through the route. */
export async function subscribe(user: TestUser): Promise<{ endpoint: string; ua: TestUserAgent }> {
  const ua = await newUserAgent();
  const endpoint = newEndpoint();
  await apiOk(
    "/api/push/subscriptions",
    { token: user.accessToken, body: { endpoint, keys: { p256dh: ua.p256dh, auth: ua.auth } } },
    201,
  );
  return { endpoint, ua };
}
