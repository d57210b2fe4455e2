// Issue 17, forwarding: the destination logs a copy of a message only as
// the source conversation hands it to the forwarder (a member now, the
// message there and not deleted); the copy names its author and time, never
// the source conversation; a forwarded file is read through the destination.
import { describe, expect, it } from "vitest";
import type { ConversationEvent, FileInfo, Message } from "../protocol";
import { answerTo, expectError, head, join, makeGroup, receivedEvents } from "./conversation-fixtures";
import { call, createFile, json } from "./files-fixtures";
import { api, apiOk, befriend, openDm, signUp, type TestUser, waitFor } from "./helpers";
import { inOneRateWindow } from "./rate-window";

const say = async (u: TestUser, conversationId: string, text: string) =>
  (
    await apiOk<{ event: ConversationEvent }>(
      `/api/conversations/${conversationId}/messages`,
      { token: u.accessToken, body: { clientId: crypto.randomUUID(), kind: "text", text } },
      201,
    )
  ).event.seq;
const forward = (
  u: TestUser,
  to: string,
  from: { conversationId: string; seq: number },
  clientId = crypto.randomUUID(),
) => api(`/api/conversations/${to}/forwards`, { token: u.accessToken, body: { clientId, from } });
const history = async (u: TestUser, conversationId: string) =>
  (await apiOk<{ messages: Message[] }>(`/api/conversations/${conversationId}/messages`, { token: u.accessToken }))
    .messages;

// A 1x1 PNG.
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

async function uploadPng(u: TestUser, conversationId: string): Promise<FileInfo> {
  const { file } = await createFile(u.accessToken, {
    conversationId,
    name: "dot.png",
    size: PNG.byteLength,
    contentType: "image/png",
  });
  await json(await call(`/api/files/${file.id}/content`, { method: "PUT", token: u.accessToken, body: PNG }), 200);
  return file;
}

describe("forwarding a message", () => {
  it("copies the text with its author and time, over REST and the socket, and never names the source", async () => {
    const [a, b, d] = await Promise.all([signUp("fwa"), signUp("fwb"), signUp("fwd")]);
    const group = await makeGroup(a, [b]);
    await befriend(a, d);
    const dm = await openDm(a, d);
    const seq = await say(b, group.id, "meet at noon");
    const source = (await history(b, group.id)).find((m) => m.seq === seq);

    const res = await forward(a, dm.id, { conversationId: group.id, seq });
    const { event } = await json<{ event: ConversationEvent }>(res, 201);
    expect(event).toMatchObject({
      type: "message",
      kind: "text",
      senderId: a.user.id,
      text: "meet at noon",
      forwardedFrom: { senderId: b.user.id, name: b.user.displayName, createdAt: source?.createdAt },
    });
    // Neither the source conversation nor its seq reaches the destination.
    expect(JSON.stringify(event)).not.toContain(group.id);
    expect(event).not.toHaveProperty("replyTo");
    const [copy] = await history(d, dm.id);
    expect(copy).toMatchObject({ text: "meet at noon", forwardedFrom: { senderId: b.user.id } });

    // The socket frame takes the same path; a forward of a forward names the first author.
    const s = await join(group.id, b);
    const ack = await answerTo(s, { type: "forward", from: { conversationId: dm.id, seq: event.seq } });
    expect(ack).toMatchObject({ type: "error", code: "forbidden" }); // b is not in the DM
    const sa = await join(group.id, a);
    const ok = await answerTo(sa, { type: "forward", from: { conversationId: dm.id, seq: event.seq } });
    expect(ok.type).toBe("ack");
    await waitFor(() => receivedEvents(sa).some((e) => e.seq === ok.seq));
    expect(receivedEvents(sa).find((e) => e.seq === ok.seq)).toMatchObject({
      senderId: a.user.id,
      forwardedFrom: { senderId: b.user.id, createdAt: source?.createdAt },
    });
    s.close();
    sa.close();

    // A forwarded message is its author's words: the forwarder cannot edit it.
    const sd = await join(dm.id, a);
    expect(await answerTo(sd, { type: "edit", target: event.seq, text: "meet at one" })).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    sd.close();
  });

  it("refuses a non-member of the source, a removed member, a deleted or missing message and a made-up source", async () => {
    const [a, b, c, e] = await Promise.all([signUp("fra"), signUp("frb"), signUp("frc"), signUp("fre")]);
    const group = await makeGroup(a, [b, c]);
    await befriend(e, a);
    const [dmE, dmC] = [await openDm(e, a), await openDm(c, a)];
    const seq = await say(b, group.id, "only for the group");
    const heads = [await head(dmE.id, e), await head(dmC.id, c)];

    // Not a member of the source, though a member of the destination.
    await expectError(await forward(e, dmE.id, { conversationId: group.id, seq }), 403, "forbidden");
    // Removed: the source says no at once.
    await apiOk(`/api/conversations/${group.id}/members/${c.user.id}`, { method: "DELETE", token: a.accessToken }, 204);
    await expectError(await forward(c, dmC.id, { conversationId: group.id, seq }), 403, "forbidden");
    // Missing, deleted, made up, malformed.
    await expectError(await forward(a, dmC.id, { conversationId: group.id, seq: 9999 }), 404, "not_found");
    const s = await join(group.id, b);
    expect((await answerTo(s, { type: "delete", target: seq })).type).toBe("ack");
    s.close();
    await expectError(await forward(a, dmC.id, { conversationId: group.id, seq }), 404, "not_found");
    const madeUp = `c_${"A".repeat(22)}`;
    await expectError(await forward(a, dmC.id, { conversationId: madeUp, seq: 2 }), 404, "not_found");
    await expectError(await forward(a, dmC.id, { conversationId: "__proto__", seq: 2 }), 404, "not_found");
    await expectError(await forward(a, dmC.id, { conversationId: group.id, seq: 0 }), 400, "invalid_request");
    // Nothing reached either destination.
    expect([await head(dmE.id, e), await head(dmC.id, c)]).toEqual(heads);
  });

  it("is idempotent by clientId, even after the source message is deleted", async () => {
    const [a, b] = await Promise.all([signUp("fia"), signUp("fib")]);
    const group = await makeGroup(a, [b]);
    const dm = await openDm(a, b);
    const seq = await say(a, group.id, "once");
    const first = await json<{ event: ConversationEvent }>(
      await forward(a, dm.id, { conversationId: group.id, seq }, "fw-1"),
      201,
    );
    const s = await join(group.id, a);
    await answerTo(s, { type: "delete", target: seq });
    s.close();
    const again = await json<{ event: ConversationEvent }>(
      await forward(a, dm.id, { conversationId: group.id, seq }, "fw-1"),
      200,
    );
    expect(again.event.seq).toBe(first.event.seq);
    expect((await history(b, dm.id)).filter((m) => m.forwardedFrom)).toHaveLength(1);
  });

  it("into a DM with someone who blocked me fails as sends do; out of it stays possible", async () => {
    const [a, d, x] = await Promise.all([signUp("fba"), signUp("fbd"), signUp("fbx")]);
    await befriend(a, d);
    const dm = await openDm(a, d);
    const group = await makeGroup(a, [x]);
    const seq = await say(a, group.id, "look at this");
    const fromDm = await say(a, dm.id, "said before the block");
    await apiOk(`/api/blocks/${a.user.id}`, { method: "PUT", token: d.accessToken }, 204);
    const before = await head(dm.id, a);
    await expectError(await forward(a, dm.id, { conversationId: group.id, seq }), 403, "forbidden");
    const s = await join(dm.id, a);
    expect(await answerTo(s, { type: "forward", from: { conversationId: group.id, seq } })).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    s.close();
    expect(await head(dm.id, a)).toBe(before);
    // History stays readable, so it may be forwarded elsewhere.
    await json(await forward(a, group.id, { conversationId: dm.id, seq: fromDm }), 201);
  });

  it("a forwarded file is read through the destination by its members, and by nobody else", async () => {
    const [a, b, x, y] = await Promise.all([signUp("ffa"), signUp("ffb"), signUp("ffx"), signUp("ffy")]);
    const source = await makeGroup(a, [b]);
    const dest = await makeGroup(a, [x], "dest");
    const elsewhere = await makeGroup(a, [y], "elsewhere");
    const file = await uploadPng(b, source.id);
    const sent = await json<{ event: ConversationEvent }>(
      await api(`/api/conversations/${source.id}/messages`, {
        token: b.accessToken,
        body: { clientId: "img", kind: "image", fileId: file.id, text: "the map" },
      }),
      201,
    );
    const { event } = await json<{ event: ConversationEvent }>(
      await forward(a, dest.id, { conversationId: source.id, seq: sent.event.seq }),
      201,
    );
    expect(event).toMatchObject({ kind: "image", fileId: file.id, text: "the map", file: { id: file.id } });

    const meta = (u: TestUser, via?: string) =>
      call(`/api/files/${file.id}/meta${via ? `?via=${via}` : ""}`, { token: u.accessToken });
    // x is not in the source: through the destination only.
    await expectError(await meta(x), 403, "forbidden");
    const { url } = await json<{ url: string }>(await meta(x, dest.id), 200);
    expect(url).toContain(`via=${dest.id}`);
    const bytes = await call(url);
    expect(bytes.status).toBe(200);
    expect(new Uint8Array(await bytes.arrayBuffer())).toEqual(PNG);
    expect((await call(`/api/files/${file.id}?via=${dest.id}`, { token: x.accessToken })).status).toBe(200);
    // A signed link is for the conversation it names.
    await expectError(await call(url.replace(`via=${dest.id}`, `via=${elsewhere.id}`)), 403, "forbidden");
    await expectError(await call(url.replace(`&via=${dest.id}`, "")), 403, "forbidden");

    // y: not in the destination; in a conversation without the forward.
    await expectError(await meta(y, dest.id), 403, "forbidden");
    await expectError(await meta(y, elsewhere.id), 404, "not_found");
    await expectError(await meta(y, "c_made_up"), 400, "invalid_request");

    // Deleting the forward ends access through it; the source's members keep theirs.
    const s = await join(dest.id, a);
    expect((await answerTo(s, { type: "delete", target: event.seq })).type).toBe("ack");
    s.close();
    await expectError(await meta(x, dest.id), 404, "not_found");
    await expectError(await call(url), 404, "not_found");
    await json(await meta(b), 200);
  });

  it("a removed member of the destination loses the forwarded file at once", async () => {
    const [a, b, x] = await Promise.all([signUp("fma"), signUp("fmb"), signUp("fmx")]);
    const source = await makeGroup(a, [b]);
    const dest = await makeGroup(a, [x], "dest");
    const file = await uploadPng(a, source.id);
    const sent = await json<{ event: ConversationEvent }>(
      await api(`/api/conversations/${source.id}/messages`, {
        token: a.accessToken,
        body: { clientId: "f", kind: "file", fileId: file.id },
      }),
      201,
    );
    await json(await forward(a, dest.id, { conversationId: source.id, seq: sent.event.seq }), 201);
    const { url } = await json<{ url: string }>(
      await call(`/api/files/${file.id}/meta?via=${dest.id}`, { token: x.accessToken }),
      200,
    );
    await apiOk(`/api/conversations/${dest.id}/members/${x.user.id}`, { method: "DELETE", token: a.accessToken }, 204);
    await expectError(await call(url), 403, "forbidden");
  });

  it("one per-user forward budget covers REST and the socket", async () => {
    await inOneRateWindow(async () => {
      const [a, b] = await Promise.all([signUp("fla"), signUp("flb")]);
      const source = await makeGroup(a, [b]);
      const seq = await say(a, source.id, "spread the word");
      // Five destinations, so the per-conversation send budget (burst 30) is never the one that refuses.
      const dests = [];
      for (let i = 0; i < 5; i++) dests.push(await makeGroup(a, [b], `d${i}`, { befriendFirst: false }));
      for (let i = 0; i < 120; i++) {
        const to = dests[i % dests.length]?.id ?? "";
        const res = await forward(a, to, { conversationId: source.id, seq });
        expect(res.status, await res.text()).toBe(201);
      }
      await expectError(await forward(a, source.id, { conversationId: source.id, seq }), 429, "rate_limited");
      const s = await join(source.id, a);
      expect(await answerTo(s, { type: "forward", from: { conversationId: source.id, seq } })).toMatchObject({
        type: "error",
        code: "rate_limited",
      });
      s.close();
    });
  });
});
