import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { r2KeyFor } from "../files/store";
import type { ConversationEvent, FileInfo, Message } from "../protocol";
import { expectError, head, join, makeGroup, receivedEvents, stubOf } from "./conversation-fixtures";
import { call, createFile, json } from "./files-fixtures";
import { api, apiOk, signUp, type TestUser, waitFor } from "./helpers";

// A 1x1 PNG.
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

async function upload(
  u: TestUser,
  conversationId: string,
  name: string,
  bytes: Uint8Array,
  contentType: string,
  { complete = true } = {},
): Promise<FileInfo> {
  const { file } = await createFile(u.accessToken, { conversationId, name, size: bytes.byteLength, contentType });
  if (!complete) return file;
  const done = await json<{ file: FileInfo }>(
    await call(`/api/files/${file.id}/content`, { method: "PUT", token: u.accessToken, body: bytes }),
    200,
  );
  return done.file;
}

const post = (id: string, u: TestUser, body: Record<string, unknown>) =>
  api(`/api/conversations/${id}/messages`, { token: u.accessToken, body });

describe("file messages", () => {
  it("an image message with a real PNG carries fileId and the sniffed file meta, over REST and the socket", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const file = await upload(a, group.id, "dot.png", PNG, "image/png");
    const res = await post(group.id, a, { clientId: "img", kind: "image", fileId: file.id, text: "look" });
    const { event } = await json<{ event: ConversationEvent }>(res, 201);
    const meta = { id: file.id, name: "dot.png", size: PNG.byteLength, contentType: "image/png" };
    expect(event).toMatchObject({ type: "message", kind: "image", fileId: file.id, file: meta, text: "look" });

    // The socket path reads D1 too, and keeps frame order around the lookup.
    const s = await join(group.id, b);
    s.send({ type: "send", clientId: "s1", kind: "file", fileId: file.id });
    s.send({ type: "send", clientId: "s2", kind: "text", text: "after the file" });
    await waitFor(() => s.frames.filter((f) => f.type === "ack").length === 2, 15_000, "2 acks");
    const acks = s.frames.filter((f) => f.type === "ack").map((f) => [f.clientId, f.seq]);
    expect(acks).toEqual([
      ["s1", 3],
      ["s2", 4],
    ]);
    await waitFor(() => receivedEvents(s).some((e) => e.seq === 4));
    expect(receivedEvents(s).find((e) => e.seq === 3)).toMatchObject({ kind: "file", file: meta });
    s.close();
    const { messages } = await apiOk<{ messages: Message[] }>(`/api/conversations/${group.id}/messages`, {
      token: b.accessToken,
    });
    expect(messages.find((m) => m.seq === 2)?.file).toEqual(meta);
  });

  it("refuses a fake PNG as image, a file of another conversation, a pending file and a fileId on text; nothing is appended", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const other = await makeGroup(a, [b], "other", { befriendFirst: false });
    const fake = await upload(a, group.id, "fake.png", new TextEncoder().encode("not an image at all"), "image/png");
    const foreign = await upload(a, other.id, "dot.png", PNG, "image/png");
    const pending = await upload(a, group.id, "later.png", PNG, "image/png", { complete: false });
    const before = await head(group.id, a);

    for (const body of [
      { clientId: "c1", kind: "image", fileId: fake.id },
      { clientId: "c2", kind: "image", fileId: foreign.id },
      { clientId: "c3", kind: "file", fileId: foreign.id },
      { clientId: "c4", kind: "image", fileId: pending.id },
      { clientId: "c5", kind: "image", fileId: "f_doesnotexist" },
      { clientId: "c6", kind: "video", fileId: fake.id },
      { clientId: "c7", kind: "image" },
      { clientId: "c8", kind: "text", text: "hi", fileId: fake.id },
    ]) {
      await expectError(await post(group.id, a, body), 400, "invalid_request");
    }
    expect(await head(group.id, a)).toBe(before);
    // The same fake bytes are fine as a plain `file`, served with their sniffed (unknown) type.
    const { event } = await json<{ event: ConversationEvent }>(
      await post(group.id, a, { clientId: "ok", kind: "file", fileId: fake.id }),
      201,
    );
    expect(event).toMatchObject({ file: { id: fake.id, contentType: "application/octet-stream" } });
  });

  it("deleting the last message that references a file erases the reference and reclaims the bytes", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const file = await upload(a, group.id, "dot.png", PNG, "image/png");
    const path = `/api/conversations/${group.id}`;
    const first = await json<{ event: ConversationEvent }>(
      await post(group.id, a, { clientId: "one", kind: "image", fileId: file.id }),
      201,
    );
    const second = await json<{ event: ConversationEvent }>(
      await post(group.id, b, { clientId: "two", kind: "image", fileId: file.id }),
      201,
    );
    const key = r2KeyFor(group.id, file.id);
    const s = await join(group.id, a);
    const del = async (clientId: string, target: number) => {
      s.send({ type: "delete", clientId, target });
      await waitFor(() => s.frames.some((f) => f.type === "ack" && f.clientId === clientId), 15_000, clientId);
      await runDurableObjectAlarm(stubOf(group.id));
    };

    // Still referenced by the second message: the bytes stay.
    await del("d1", first.event.seq);
    expect(await env.FILES.head(key)).not.toBeNull();
    expect((await call(`/api/files/${file.id}`, { token: b.accessToken })).status).toBe(200);

    await del("d2", second.event.seq);
    s.close();
    const { events } = await apiOk<{ events: ConversationEvent[] }>(`${path}/events`, { token: b.accessToken });
    for (const seq of [first.event.seq, second.event.seq]) {
      const e = events.find((x) => x.seq === seq);
      expect(e).toMatchObject({ type: "message", kind: "image" });
      expect(e).not.toHaveProperty("fileId");
      expect(e).not.toHaveProperty("file");
    }
    const { messages } = await apiOk<{ messages: Message[] }>(`${path}/messages`, { token: b.accessToken });
    for (const m of messages) {
      expect(m.deleted).toBe(true);
      expect(m).not.toHaveProperty("file");
    }
    expect(await env.FILES.head(key)).toBeNull();
    await expectError(await call(`/api/files/${file.id}`, { token: b.accessToken }), 404, "not_found");
    // A reclaimed file cannot be sent again.
    await expectError(
      await post(group.id, a, { clientId: "again", kind: "image", fileId: file.id }),
      400,
      "invalid_request",
    );
  });
});
