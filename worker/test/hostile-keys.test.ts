// Issue 13 item 2: names of Object.prototype through every frame and REST
// body that carries a key (an emoji, a clientId, an id, a name, a title, a
// JSON field name). Each must be plain data: a contract answer (never a 5xx
// or an `internal` frame), nothing reaches Object.prototype, and afterwards
// the conversation takes the next message with its log gap-free.
import { describe, expect, it } from "vitest";
import type { Conversation, Message } from "../protocol";
import { join, makeGroup } from "./conversation-fixtures";
import { PROTOTYPE_NAMES, prototypeIsClean } from "./fuzz-dictionary";
import { ERROR_CODES, expectIntactLog } from "./fuzz-invariants";
import { api, apiOk, signUp, type TestSocket, type TestUser, waitFor } from "./helpers";

/** The prototype names of the hostile dictionary (fuzz-dictionary.ts). */
const NAMES = PROTOTYPE_NAMES;

/** Any answer but a 5xx, and a 4xx with a contract error code. */
async function expectContract(res: Response, what: string): Promise<number> {
  const text = await res.text();
  expect(res.status, `${what} -> ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
  if (res.status >= 400) {
    const code: unknown = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    expect(ERROR_CODES.has(String(code)) && code !== "internal", `${what}: ${String(code)}`).toBe(true);
  }
  expect(prototypeIsClean(), `${what} reached Object.prototype`).toBe(true);
  return res.status;
}

/** Sends a frame and waits for the answer to its clientId; returns that frame. */
async function answer(s: TestSocket, frame: Record<string, unknown> & { clientId: string }) {
  const from = s.frames.length;
  s.send(frame);
  await waitFor(() => s.frames.slice(from).some((f) => f.clientId === frame.clientId), 5000, JSON.stringify(frame));
  return s.frames.slice(from).find((f) => f.clientId === frame.clientId);
}

/** The conversation takes a plain message afterwards and its log is intact. */
async function expectHealthy(conversation: Conversation, user: TestUser, what: string): Promise<void> {
  const res = await api(`/api/conversations/${conversation.id}/messages`, {
    token: user.accessToken,
    body: { clientId: crypto.randomUUID(), kind: "text", text: `after ${what}` },
  });
  expect(res.status, `next send after ${what}: ${await res.clone().text()}`).toBe(201);
  await expectIntactLog(conversation.id, user);
}

describe.each(NAMES)("the key %j", (name) => {
  it("is plain data in every conversation frame: clientId, text, emoji, read, typing", async () => {
    const [owner, peer] = [await signUp("hk"), await signUp("hk")];
    const group = await makeGroup(owner, [peer], name);
    const s = await join(group.id, owner);
    const sent = await answer(s, { type: "send", clientId: name, kind: "text", text: name });
    expect(sent).toMatchObject({ type: "ack", seq: 2 });
    // The same clientId again is a resend: the original seq, whatever the idempotency map inherits.
    expect(await answer(s, { type: "send", clientId: name, kind: "text", text: "again" })).toMatchObject({ seq: 2 });
    for (const on of [true, false]) {
      const reacted = await answer(s, { type: "react", clientId: `r-${on}`, target: 2, emoji: name, on });
      // An emoji that is not one emoji grapheme is refused (issue 13 item 3); either way never `internal`.
      expect(reacted?.type === "ack" || reacted?.code === "invalid_request", JSON.stringify(reacted)).toBe(true);
    }
    expect(await answer(s, { type: "edit", clientId: `e-${name}`, target: 2, text: name })).toMatchObject({
      type: "ack",
    });
    s.send({ type: "typing" });
    s.send({ type: "read", seq: 2 });
    await waitFor(() => s.frames.some((f) => f.type === "receipt"), 5000, "receipt");
    expect(s.frames.filter((f) => f.type === "error" && f.code === "internal")).toEqual([]);
    const { messages } = await apiOk<{ messages: Message[] }>(`/api/conversations/${group.id}/messages`, {
      token: owner.accessToken,
    });
    expect(messages.find((m) => m.seq === 2)).toMatchObject({ clientId: name, text: name });
    expect(prototypeIsClean()).toBe(true);
    await expectHealthy(group, owner, `frames keyed ${name}`);
    s.close();
  });

  it("is plain data in every REST body and path that carries a key", async () => {
    const [owner, peer] = [await signUp("hk"), await signUp("hk")];
    const group = await makeGroup(owner, [peer], "rest");
    const g = `/api/conversations/${group.id}`;
    const as = { token: owner.accessToken };
    const lower = name.toLowerCase();
    const requests: Array<[string, string, unknown?]> = [
      ["POST", "/api/auth/register", { username: lower, password: "password-123", displayName: name }],
      ["POST", "/api/auth/login", { username: lower, password: "password-123" }],
      ["POST", "/api/auth/refresh", { refreshToken: name }],
      ["PATCH", "/api/me", { displayName: name }],
      ["POST", "/api/friends/requests", { username: lower, message: name }],
      ["POST", "/api/friends/requests", { userId: name }],
      ["POST", `/api/friends/requests/${encodeURIComponent(name)}/accept`],
      ["DELETE", `/api/friends/${encodeURIComponent(name)}`],
      ["PUT", `/api/blocks/${encodeURIComponent(name)}`],
      ["DELETE", `/api/blocks/${encodeURIComponent(name)}`],
      ["GET", `/api/users?q=${encodeURIComponent(name)}`],
      ["POST", "/api/conversations", { kind: "group", title: name, memberIds: [peer.user.id] }],
      ["POST", "/api/conversations", { kind: "group", title: "t", memberIds: [name] }],
      ["POST", "/api/conversations", { kind: "dm", userId: name }],
      ["GET", `/api/conversations/${encodeURIComponent(name)}`],
      ["PATCH", g, { title: name }],
      ["POST", `${g}/members`, { userIds: [name] }],
      ["PATCH", `${g}/members/${peer.user.id}`, { role: name }],
      ["DELETE", `${g}/members/${encodeURIComponent(name)}`],
      ["POST", `${g}/messages`, { clientId: name, kind: "text", text: name }],
      ["POST", `${g}/messages`, { clientId: name, kind: "text", text: name }],
      ["GET", `${g}/messages?q=${encodeURIComponent(name)}`],
      ["POST", "/api/files", { conversationId: group.id, name, size: 3, contentType: "text/plain" }],
      ["POST", "/api/files", { conversationId: name, name: "a.txt", size: 3, contentType: "text/plain" }],
      ["GET", `/api/files/${encodeURIComponent(name)}/meta`],
      ["POST", "/api/push/subscriptions", { endpoint: name, keys: { p256dh: name, auth: name } }],
      ["DELETE", "/api/push/subscriptions", { endpoint: name }],
    ];
    for (const [method, path, body] of requests) {
      await expectContract(await api(path, { ...as, method, body }), `${method} ${path} ${JSON.stringify(body)}`);
    }
    // A body whose own field names are prototype names, beside the real field.
    const keyed = `{${JSON.stringify(name)}:{"polluted":1},"title":"keyed"}`;
    expect(await expectContract(await api(g, { ...as, method: "PATCH", body: keyed }), `PATCH ${g} ${keyed}`)).toBe(
      200,
    );
    const messageKeyed = `{${JSON.stringify(name)}:{"polluted":1},"clientId":"k","kind":"text","text":"k"}`;
    expect(await expectContract(await api(`${g}/messages`, { ...as, body: messageKeyed }), messageKeyed)).toBe(201);
    await expectHealthy(group, owner, `REST keyed ${name}`);
  });
});
