// Fixtures shared by the conversation and socket tests, built on helpers.ts.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { conversationStub } from "../conversation/stub";
import type { Conversation, ConversationEvent } from "../protocol";
import { api, apiOk, befriend, expectSocket, openSocket, type TestSocket, type TestUser, waitFor } from "./helpers";

export const wsPath = (conversationId: string) => `/api/conversations/${conversationId}/ws`;
export const stubOf = (conversationId: string) => conversationStub(env, conversationId);

/** A group owned by `owner` with every other user as a friend-of-owner member. */
export async function makeGroup(
  owner: TestUser,
  others: TestUser[],
  title = "group",
  { befriendFirst = true } = {},
): Promise<Conversation> {
  if (befriendFirst) for (const o of others) await befriend(owner, o);
  const { conversation } = await apiOk<{ conversation: Conversation }>(
    "/api/conversations",
    { token: owner.accessToken, body: { kind: "group", title, memberIds: others.map((o) => o.user.id) } },
    201,
  );
  return conversation;
}

/** Opens a socket, says hello, and waits for the welcome. */
export async function join(conversationId: string, user: TestUser, lastSeq = 0): Promise<TestSocket> {
  const s = expectSocket(await openSocket(wsPath(conversationId), user.accessToken));
  s.send({ type: "hello", lastSeq });
  await waitFor(() => s.frames.some((f) => f.type === "welcome"), 10_000, "welcome");
  return s;
}

/** Every event received on the socket, in arrival order. */
export const receivedEvents = (s: TestSocket): ConversationEvent[] =>
  s.frames.flatMap((f) => (f.type === "events" ? (f.events as ConversationEvent[]) : []));
export const receivedSeqs = (s: TestSocket) => receivedEvents(s).map((e) => e.seq);

export async function head(conversationId: string, user: TestUser): Promise<number> {
  const res = await apiOk<{ head: number }>(`/api/conversations/${conversationId}/events?after=0&limit=1`, {
    token: user.accessToken,
  });
  return res.head;
}

export async function expectError(res: Response, status: number, code: string): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(JSON.parse(text)).toMatchObject({ error: { code } });
}

export { api };
