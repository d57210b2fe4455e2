// Fixtures for the member-index fault tests: the object's D1 writer swapped
// for one that fails or hangs (runInDurableObject sets the outbox's writer,
// the dependency the object was built with), and the two views compared.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { writeMemberIndex } from "../db/member-index";
import { stubOf, wsPath } from "./conversation-fixtures";
import { api, openSocket, type TestUser } from "./helpers";

export type Fault = "fail" | "hang";

/** Writes that hang until the test lets them land (late, possibly out of order). */
export class HeldWrites {
  private held: (() => Promise<void>)[] = [];
  get size(): number {
    return this.held.length;
  }
  push(land: () => Promise<void>): void {
    this.held.push(land);
  }
  /** Lets every held write reach D1, in the order `pick` chooses. */
  async release(pick: (n: number) => number = () => 0): Promise<void> {
    while (this.held.length > 0) {
      const [land] = this.held.splice(pick(this.held.length), 1);
      await land?.().catch(() => {});
    }
  }
}

/** From now on the conversation's index writes fail, or hang (timing out after a few ms, then landing when released). */
export async function breakIndex(conversationId: string, fault: Fault, held = new HeldWrites()): Promise<HeldWrites> {
  await runInDurableObject(stubOf(conversationId), (obj: ConversationObject) => {
    obj.memberIndex.writer =
      fault === "fail"
        ? {
            write: () => Promise.reject(new Error("D1 unavailable (injected)")),
            timeoutMs: 10_000,
          }
        : {
            write: (w) =>
              new Promise<void>((resolve, reject) => {
                held.push(() => writeMemberIndex(env.DB, w).then(resolve, reject));
              }),
            timeoutMs: 20,
          };
  });
  return held;
}

export async function healIndex(conversationId: string): Promise<void> {
  await runInDurableObject(stubOf(conversationId), (obj: ConversationObject) => {
    obj.memberIndex.writer = { write: (w) => writeMemberIndex(env.DB, w), timeoutMs: 10_000 };
  });
}

/** Members and roles as the object holds them: the authority. */
export async function objectMembers(conversationId: string): Promise<[string, string][]> {
  return runInDurableObject(stubOf(conversationId), (obj: ConversationObject) =>
    [...obj.room.log.members.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** Members and roles as D1's index holds them. */
export async function indexMembers(conversationId: string): Promise<[string, string][]> {
  const { results } = await env.DB.prepare(
    "SELECT user_id, role FROM members WHERE conversation_id = ? ORDER BY user_id",
  )
    .bind(conversationId)
    .all<{ user_id: string; role: string }>();
  return results.map((r) => [r.user_id, r.role]);
}

/** D1 works again: the object's alarm (driven here, not waited for) brings the index level with the object. */
export async function expectConverges(conversationId: string): Promise<void> {
  await healIndex(conversationId);
  expect(await runDurableObjectAlarm(stubOf(conversationId)), "an alarm was set for the retry").toBe(true);
  expect(await indexMembers(conversationId)).toEqual(await objectMembers(conversationId));
}

/** Every content route of the conversation and of the file answers 403 to `u`; a socket is refused. */
export async function expectLockedOut(conversationId: string, u: TestUser, fileId: string): Promise<void> {
  const t = { token: u.accessToken };
  const send = { clientId: crypto.randomUUID(), kind: "text", text: "locked out?" };
  const answers = await Promise.all([
    api(`/api/conversations/${conversationId}`, t),
    api(`/api/conversations/${conversationId}/events`, t),
    api(`/api/conversations/${conversationId}/messages`, t),
    api(`/api/conversations/${conversationId}/messages?q=hello`, t),
    api(`/api/conversations/${conversationId}/messages`, { ...t, body: send }),
    api("/api/files", { ...t, body: { conversationId, name: "x.txt", size: 3, contentType: "text/plain" } }),
    api(`/api/files/${fileId}/meta`, t),
    api(`/api/files/${fileId}`, t),
    api(`/api/files/${fileId}`, { ...t, method: "DELETE" }),
    openSocket(wsPath(conversationId), u.accessToken),
  ]);
  expect(answers.map((r) => (r instanceof Response ? r.status : "socket"))).toEqual(Array(answers.length).fill(403));
}

/** `u` reads the conversation (200). */
export async function expectMember(conversationId: string, u: TestUser): Promise<void> {
  const res = await api(`/api/conversations/${conversationId}/events`, { token: u.accessToken });
  expect(res.status, await res.text()).toBe(200);
}

/** A small ready text file uploaded by `u` to the conversation. */
export async function uploadText(conversationId: string, u: TestUser, text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const created = await api("/api/files", {
    token: u.accessToken,
    body: { conversationId, name: "note.txt", size: bytes.byteLength, contentType: "text/plain" },
  });
  expect(created.status, "file create").toBe(201);
  const { file } = (await created.json()) as { file: { id: string } };
  const put = await api(`/api/files/${file.id}/content`, {
    method: "PUT",
    token: u.accessToken,
    body: text,
    headers: { "Content-Type": "application/octet-stream" },
  });
  expect(put.status, "file content").toBe(200);
  return file.id;
}
