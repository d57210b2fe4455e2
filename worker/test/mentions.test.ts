// Issue 17, mentions: the object parses `@[label](u:<id>)` tokens from the text
// it logs (sends of any kind, replies, edits; socket and REST), keeps only
// other current members with no block (bounded), stores the ids with the
// event and the folded message, and counts each member's unread mentions.
import { describe, expect, it } from "vitest";
import { Limits, type MessageEvent } from "../protocol";
import { expectError, head, join, makeGroup, receivedEvents } from "./conversation-fixtures";
import { call, createFile, json } from "./files-fixtures";
import { apiOk, befriend, signUp, waitFor } from "./helpers";
import { waitForSummary } from "./inbox-fixtures";
import { answerTo, at, history, post, postOk, summaryOf } from "./mentions-fixtures";

describe("mentions", () => {
  it("keeps other members only: not the sender, a non-member, a made-up id; every read path carries them", async () => {
    const [alice, bob, carol, mallory] = [
      await signUp("ma"),
      await signUp("mb"),
      await signUp("mc"),
      await signUp("mm"),
    ];
    const g = await makeGroup(alice, [bob, carol]);
    const watcher = await join(g.id, carol);
    const text = `hi ${at(carol)} ${at(alice)} ${at(mallory)} @[Ghost](u:usr_nobody) ${at(bob)} ${at(carol)}`;
    const event = await postOk(g.id, alice, text);
    // Order of first mention; the text is logged exactly as written.
    expect(event).toMatchObject({ text, mentions: [carol.user.id, bob.user.id] });

    await waitFor(() => receivedEvents(watcher).some((e) => e.seq === event.seq));
    expect(receivedEvents(watcher).find((e) => e.seq === event.seq)).toMatchObject({ mentions: event.mentions });
    const { events } = await apiOk<{ events: MessageEvent[] }>(`/api/conversations/${g.id}/events?after=0`, {
      token: bob.accessToken,
    });
    expect(events.find((e) => e.seq === event.seq)?.mentions).toEqual(event.mentions);
    expect((await history(g.id, bob)).find((m) => m.seq === event.seq)?.mentions).toEqual(event.mentions);
    // A replay from an earlier seq.
    const late = await join(g.id, bob, event.seq - 1);
    await waitFor(() => receivedEvents(late).some((e) => e.seq === event.seq));
    expect(receivedEvents(late).find((e) => e.seq === event.seq)).toMatchObject({ mentions: event.mentions });
    // No mention at all: no field; and a client cannot name anyone by sending the field itself.
    expect(await postOk(g.id, alice, `${at(mallory)} only`)).not.toHaveProperty("mentions");
    expect(await postOk(g.id, alice, "plain", { mentions: [bob.user.id] })).not.toHaveProperty("mentions");
    watcher.close();
    late.close();
  });

  it("counts each member's unread mentions in their summary until they read past them", async () => {
    const [alice, bob, carol] = [await signUp("ca"), await signUp("cb"), await signUp("cc")];
    const g = await makeGroup(alice, [bob, carol]);
    const first = await postOk(g.id, alice, `${at(bob)} one`);
    await postOk(g.id, carol, "no mention");
    const third = await postOk(g.id, carol, `${at(bob)} ${at(alice)} three`);
    await waitForSummary(bob.user.id, g.id, (s) => s.lastSeq === third.seq);
    expect(await summaryOf(bob, g.id)).toMatchObject({ unread: 3, unreadMentions: 2, lastMentionSeq: third.seq });
    const ofAlice = await summaryOf(alice, g.id);
    expect(ofAlice).toMatchObject({ unreadMentions: 1, lastMentionSeq: third.seq });
    expect(await summaryOf(carol, g.id)).not.toHaveProperty("unreadMentions");
    // The REST list says the same.
    const { conversations } = await apiOk<{ conversations: { id: string; unreadMentions?: number }[] }>(
      "/api/conversations",
      { token: bob.accessToken },
    );
    expect(conversations.find((c) => c.id === g.id)?.unreadMentions).toBe(2);

    const s = await join(g.id, bob);
    s.send({ type: "read", seq: first.seq });
    await waitForSummary(bob.user.id, g.id, (x) => x.readSeq === first.seq);
    expect(await summaryOf(bob, g.id)).toMatchObject({ unreadMentions: 1, lastMentionSeq: third.seq });
    s.send({ type: "read", seq: third.seq });
    await waitForSummary(bob.user.id, g.id, (x) => x.readSeq === third.seq);
    const read = await summaryOf(bob, g.id);
    expect(read).not.toHaveProperty("unreadMentions");
    expect(read).not.toHaveProperty("lastMentionSeq");
    s.close();
  });

  it(`refuses more than ${Limits.mentionsPerMessageMax} distinct mentions (members or not), on REST and the socket`, async () => {
    const [alice, bob] = [await signUp("ba"), await signUp("bb")];
    const g = await makeGroup(alice, [bob]);
    const fakes = (n: number) => Array.from({ length: n }, (_, i) => `@[x${i}](u:usr_fake${i})`).join(" ");
    const before = await head(g.id, alice);
    await expectError(
      await post(g.id, alice, { text: `${fakes(Limits.mentionsPerMessageMax)} ${at(bob)}` }),
      400,
      "invalid_request",
    );
    const s = await join(g.id, alice);
    const answer = await answerTo(s, { type: "send", kind: "text", text: `${at(bob)} ${fakes(20)}` });
    expect(answer).toMatchObject({ type: "error", code: "invalid_request" });
    expect(await head(g.id, alice)).toBe(before);
    // Exactly at the bound, and one id repeated many times, pass.
    expect((await postOk(g.id, alice, `${fakes(19)} ${at(bob)}`)).mentions).toEqual([bob.user.id]);
    expect((await postOk(g.id, alice, Array(40).fill(at(bob)).join(" "))).mentions).toEqual([bob.user.id]);
    s.close();
  });

  it("parses replies and socket sends; a token hidden by JSON escapes is refused, not unchecked", async () => {
    const [alice, bob] = [await signUp("ra"), await signUp("rb")];
    const g = await makeGroup(alice, [bob]);
    const first = await postOk(g.id, bob, "question");
    expect(await postOk(g.id, alice, `${at(bob)} answer`, { replyTo: first.seq })).toMatchObject({
      replyTo: first.seq,
      mentions: [bob.user.id],
    });
    const s = await join(g.id, alice);
    const ack = await answerTo(s, { type: "send", kind: "text", text: `socket ${at(bob)}` });
    expect(ack.type).toBe("ack");
    await waitFor(() => receivedEvents(s).some((e) => e.seq === ack.seq));
    expect(receivedEvents(s).find((e) => e.seq === ack.seq)).toMatchObject({ mentions: [bob.user.id] });
    // `]` written as \u005d: the frame's cheap peek sees no token, so no block lookup was made for it.
    const escaped = `{"type":"send","clientId":"esc-1","kind":"text","text":"@[b\\u005d(u:${bob.user.id})"}`;
    s.send(escaped);
    await waitFor(() => s.frames.some((f) => f.clientId === "esc-1"));
    expect(s.frames.find((f) => f.clientId === "esc-1")).toMatchObject({
      type: "error",
      code: "invalid_request",
      message: expect.stringContaining("could not be checked"),
    });
    s.close();
  });

  it("a file's caption mentions like any text (the file lookup and the block lookup both run)", async () => {
    const [alice, bob] = [await signUp("fa"), await signUp("fb")];
    const g = await makeGroup(alice, [bob]);
    const bytes = new TextEncoder().encode("notes");
    const { file } = await createFile(alice.accessToken, {
      conversationId: g.id,
      name: "notes.txt",
      size: bytes.byteLength,
      contentType: "text/plain",
    });
    await json(
      await call(`/api/files/${file.id}/content`, { method: "PUT", token: alice.accessToken, body: bytes }),
      200,
    );
    const text = `for ${at(bob)}`;
    const s = await join(g.id, alice);
    const ack = await answerTo(s, { type: "send", kind: "file", fileId: file.id, text });
    expect(ack.type).toBe("ack");
    await waitFor(() => receivedEvents(s).some((e) => e.seq === ack.seq));
    expect(receivedEvents(s).find((e) => e.seq === ack.seq)).toMatchObject({
      kind: "file",
      file: { id: file.id },
      text,
      mentions: [bob.user.id],
    });
    s.close();
  });

  it("an edit re-parses: the message's mentions and counts follow the new text; a delete erases them", async () => {
    const [alice, bob, carol] = [await signUp("ea"), await signUp("eb"), await signUp("ec")];
    const g = await makeGroup(alice, [bob, carol]);
    const msg = await postOk(g.id, alice, `${at(bob)} first`);
    await waitForSummary(bob.user.id, g.id, (s) => s.lastSeq === msg.seq);
    expect(await summaryOf(bob, g.id)).toMatchObject({ unreadMentions: 1 });

    const s = await join(g.id, alice);
    const edit = await answerTo(s, { type: "edit", target: msg.seq, text: `${at(carol)} second` });
    expect(edit.type).toBe("ack");
    await waitFor(() => receivedEvents(s).some((e) => e.seq === edit.seq));
    expect(receivedEvents(s).find((e) => e.seq === edit.seq)).toMatchObject({
      type: "edit",
      mentions: [carol.user.id],
    });
    await waitForSummary(bob.user.id, g.id, (x) => x.lastSeq === edit.seq);
    expect(await summaryOf(bob, g.id)).not.toHaveProperty("unreadMentions");
    expect(await summaryOf(carol, g.id)).toMatchObject({ unreadMentions: 1, lastMentionSeq: msg.seq });
    expect((await history(g.id, bob)).find((m) => m.seq === msg.seq)?.mentions).toEqual([carol.user.id]);

    // An edit without tokens leaves none.
    const plain = await answerTo(s, { type: "edit", target: msg.seq, text: "third" });
    await waitFor(() => receivedEvents(s).some((e) => e.seq === plain.seq));
    expect(receivedEvents(s).find((e) => e.seq === plain.seq)).not.toHaveProperty("mentions");
    expect((await history(g.id, bob)).find((m) => m.seq === msg.seq)).not.toHaveProperty("mentions");

    const again = await answerTo(s, { type: "edit", target: msg.seq, text: `${at(bob)} fourth` });
    const del = await answerTo(s, { type: "delete", target: msg.seq });
    expect([again.type, del.type]).toEqual(["ack", "ack"]);
    await waitForSummary(bob.user.id, g.id, (x) => x.lastSeq === del.seq);
    expect(await summaryOf(bob, g.id)).not.toHaveProperty("unreadMentions");
    const { events } = await apiOk<{ events: MessageEvent[] }>(`/api/conversations/${g.id}/events?after=0`, {
      token: bob.accessToken,
    });
    // Who a deleted message named goes with its text, from the message and from every edit of it.
    expect(events.filter((e) => e.seq === msg.seq || e.seq === again.seq).some((e) => "mentions" in e)).toBe(false);
    expect((await history(g.id, bob)).find((m) => m.seq === msg.seq)).not.toHaveProperty("mentions");
    s.close();
  });

  it("a mention between users with a block either way is dropped in a group (the text stays)", async () => {
    const [alice, bob, carol] = [await signUp("ka"), await signUp("kb"), await signUp("kc")];
    const g = await makeGroup(alice, [bob, carol]);
    await apiOk(`/api/blocks/${alice.user.id}`, { method: "PUT", token: bob.accessToken }, 204);
    const text = `${at(bob)} ${at(carol)} hello`;
    expect(await postOk(g.id, alice, text)).toMatchObject({ text, mentions: [carol.user.id] });
    // The other way round: the blocker mentioning whom they blocked names nobody either.
    expect(await postOk(g.id, bob, `${at(alice)} hi`)).not.toHaveProperty("mentions");
    await apiOk(`/api/blocks/${alice.user.id}`, { method: "DELETE", token: bob.accessToken }, 204);
    expect((await postOk(g.id, alice, text)).mentions).toEqual([bob.user.id, carol.user.id]);
  });

  it("a user added later is not mentioned by text sent before they joined", async () => {
    const [alice, bob, dave] = [await signUp("la"), await signUp("lb"), await signUp("ld")];
    const g = await makeGroup(alice, [bob]);
    expect(await postOk(g.id, alice, `${at(dave)} not yet here`)).not.toHaveProperty("mentions");
    await befriend(alice, dave);
    await apiOk(`/api/conversations/${g.id}/members`, { token: alice.accessToken, body: { userIds: [dave.user.id] } });
    await waitForSummary(dave.user.id, g.id, () => true);
    expect(await summaryOf(dave, g.id)).not.toHaveProperty("unreadMentions");
  });
});
