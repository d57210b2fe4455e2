// Invariants shared by the fuzz and model-based tests: the log as GET events
// returns it must be gap-free from 1 and every event must match the contract.
import fc from "fast-check";
import * as v from "valibot";
import { expect } from "vitest";
import { type ConversationEvent, ErrorCode, Limits, PING_TEXT } from "../protocol";
import { apiOk, type TestSocket, type TestUser } from "./helpers";

const seq = v.pipe(v.number(), v.integer(), v.minValue(1));
const base = {
  seq,
  conversationId: v.string(),
  senderId: v.pipe(v.string(), v.minLength(1)),
  clientId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(Limits.clientIdMax))),
  createdAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
};
const fileRef = v.object({ id: v.string(), name: v.string(), size: v.number(), contentType: v.string() });

/** The contract's event shape, strict enough that a corrupted row cannot pass. */
export const EventSchema = v.variant("type", [
  v.object({
    ...base,
    type: v.literal("message"),
    kind: v.picklist(["text", "file", "image", "audio", "video", "system"]),
    text: v.optional(v.pipe(v.string(), v.maxLength(Limits.textMax))),
    fileId: v.optional(v.string()),
    file: v.optional(fileRef),
    replyTo: v.optional(seq),
  }),
  // Edits of a deleted message keep no text.
  v.object({
    ...base,
    type: v.literal("edit"),
    target: seq,
    text: v.optional(v.pipe(v.string(), v.maxLength(Limits.textMax))),
  }),
  v.object({ ...base, type: v.literal("delete"), target: seq }),
  v.object({ ...base, type: v.literal("reaction"), target: seq, emoji: v.string(), on: v.boolean() }),
  v.object({
    ...base,
    type: v.literal("member"),
    action: v.picklist(["created", "added", "removed", "left", "role", "renamed"]),
    userIds: v.array(v.string()),
    role: v.optional(v.picklist(["owner", "admin", "member"])),
    title: v.optional(v.string()),
  }),
]);

export const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** Reads the whole log through GET events, page by page. */
export async function fetchLog(conversationId: string, user: TestUser): Promise<ConversationEvent[]> {
  const events: ConversationEvent[] = [];
  for (;;) {
    const after = events.at(-1)?.seq ?? 0;
    const page = await apiOk<{ events: unknown[]; head: number }>(
      `/api/conversations/${conversationId}/events?after=${after}&limit=${Limits.eventsPageMax}`,
      { token: user.accessToken },
    );
    for (const e of page.events) {
      const parsed = v.safeParse(EventSchema, e);
      expect(parsed.success, `event does not parse: ${JSON.stringify(e).slice(0, 300)}`).toBe(true);
      events.push(e as ConversationEvent);
    }
    if (page.events.length === 0 || (events.at(-1)?.seq ?? 0) >= page.head) {
      expect(events.length, "head matches the number of events").toBe(page.head);
      break;
    }
  }
  return events;
}

/** GET events returns exactly 1..head, every event parses, each (sender, clientId) once, seq 1 is `created`. */
export async function expectIntactLog(conversationId: string, user: TestUser): Promise<ConversationEvent[]> {
  const events = await fetchLog(conversationId, user);
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
  expect(events[0]).toMatchObject({ type: "member", action: "created", conversationId });
  for (const e of events) expect(e.conversationId).toBe(conversationId);
  const keys = events.filter((e) => e.clientId !== undefined).map((e) => `${e.senderId}\u0000${e.clientId}`);
  expect(new Set(keys).size, "no (sender, clientId) twice").toBe(keys.length);
  return events;
}

/**
 * `fc.assert` whose failure report is well-formed UTF-16: a lone surrogate in
 * a counterexample would otherwise break the test pool's own WebSocket and
 * hide the failure behind WS_ERR_INVALID_UTF8.
 */
export async function assertProperty<Ts>(property: fc.IAsyncProperty<Ts>, params: fc.Parameters<Ts>): Promise<void> {
  const details = await fc.check(property, params);
  if (details.failed) {
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const report = fc.defaultReportMessage(details) ?? "property failed";
    throw new Error(`${report.slice(0, 4000)}\nGot: ${cause.slice(0, 2000)}`.toWellFormed());
  }
}

/**
 * Pings the socket like a real client until it closes: the objects close
 * sockets silent for HEARTBEAT_TIMEOUT_MS (1.5 s in tests). Returns a stop function.
 */
export function keepAlive(s: TestSocket, everyMs = 400): () => void {
  const timer = setInterval(() => {
    try {
      s.ws.send(PING_TEXT);
    } catch {
      clearInterval(timer);
    }
  }, everyMs);
  void s.closed.then(() => clearInterval(timer));
  return () => clearInterval(timer);
}
