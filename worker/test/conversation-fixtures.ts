// Fixtures shared by the conversation and socket tests, built on helpers.ts.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { conversationStub } from "../do/stubs";
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

/** Sends a change frame and waits for its answer (ack or error) on the same socket. */
export async function answerTo(s: TestSocket, frame: Record<string, unknown>): Promise<Record<string, unknown>> {
  const clientId = crypto.randomUUID();
  s.send({ ...frame, clientId });
  let answer: Record<string, unknown> | undefined;
  await waitFor(
    () => {
      answer = s.frames.find((f) => f.clientId === clientId && (f.type === "ack" || f.type === "error"));
      return answer !== undefined;
    },
    5000,
    `answer to ${String(frame.type)}`,
  );
  return answer ?? {};
}

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

/** Deterministic generator (mulberry32), so a failure reproduces. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A client that applies events strictly in order. Within one socket session
 * the server must send lastSeq+1, lastSeq+2, ... with no gap and no repeat;
 * any deviation (or an error frame) is recorded as a violation.
 */
export abstract class InOrderClient {
  applied: ConversationEvent[] = [];
  violations: string[] = [];
  /** clientIds whose refusal the caller expects and checks itself: their error frames are no violation. */
  readonly refusable = new Set<string>();
  private cursor = 0;
  private sessionNext = 1;

  /** The current socket's frames, in arrival order. */
  protected abstract frames(): TestSocket["frames"];

  get highest(): number {
    return this.applied.at(-1)?.seq ?? 0;
  }

  /** Call before opening a socket that resumes after `highest`. */
  protected startSession(): void {
    this.cursor = 0;
    this.sessionNext = this.highest + 1;
  }

  /** Applies frames received so far on the current socket. */
  pump(): void {
    const frames = this.frames();
    for (; this.cursor < frames.length; this.cursor++) {
      const f = frames[this.cursor];
      if (f?.type === "error" && !this.refusable.has(String(f.clientId))) {
        this.violations.push(`error frame ${JSON.stringify(f)}`);
      }
      if (f?.type !== "events") continue;
      for (const e of f.events as ConversationEvent[]) {
        if (e.seq !== this.sessionNext) this.violations.push(`expected seq ${this.sessionNext}, got ${e.seq}`);
        this.sessionNext = e.seq + 1;
        if (e.seq === this.highest + 1) this.applied.push(e);
      }
    }
  }
}

export { api };
