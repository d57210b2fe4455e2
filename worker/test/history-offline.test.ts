import { describe, expect, it } from "vitest";
import type { ConversationEvent, Message } from "../protocol";
import { join, makeGroup, receivedEvents, receivedSeqs } from "./conversation-fixtures";
import { apiOk, signUp, type TestUser, waitFor } from "./helpers";

/** A client's fold of the log into the `messages` view, written from the contract alone. */
function fold(events: ConversationEvent[]): Map<number, Message> {
  const out = new Map<number, Message>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (e.type === "message") {
      out.set(e.seq, {
        seq: e.seq,
        senderId: e.senderId,
        clientId: e.clientId ?? null,
        kind: e.kind,
        text: e.text ?? null,
        ...(e.file ? { file: e.file } : {}),
        ...(e.replyTo !== undefined ? { replyTo: e.replyTo } : {}),
        createdAt: e.createdAt,
        reactions: {},
      });
      continue;
    }
    const m = e.type === "member" ? undefined : out.get(e.target);
    if (!m) continue;
    if (e.type === "edit") out.set(m.seq, { ...m, text: e.text ?? null, editedAt: e.createdAt });
    if (e.type === "delete") {
      const { file: _f, ...rest } = m;
      out.set(m.seq, { ...rest, text: null, deleted: true });
    }
    if (e.type === "reaction") {
      const users = new Set(m.reactions[e.emoji] ?? []);
      if (e.on) users.add(e.senderId);
      else users.delete(e.senderId);
      const reactions = { ...m.reactions };
      if (users.size > 0) reactions[e.emoji] = [...users];
      else delete reactions[e.emoji];
      out.set(m.seq, { ...m, reactions });
    }
  }
  return out;
}

const send = (id: string, u: TestUser, body: Record<string, unknown>) =>
  apiOk<{ event: ConversationEvent }>(`/api/conversations/${id}/messages`, { token: u.accessToken, body }, 201);

describe("history after being offline", () => {
  it("a client offline during an edit, a delete and a reaction gets all three on reconnect and folds to GET messages", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const first = await send(group.id, a, { clientId: "m1", kind: "text", text: "first draft" });
    const second = await send(group.id, a, {
      clientId: "m2",
      kind: "text",
      text: "regret this",
      replyTo: first.event.seq,
    });
    await send(group.id, b, { clientId: "m3", kind: "text", text: "ok" });

    const online = await join(group.id, b);
    await waitFor(() => receivedSeqs(online).at(-1) === 4, 5000, "catch-up to 4");
    const seen = receivedEvents(online);
    online.close();
    await online.closed;

    // While b is away: an edit, a delete, reactions on and off.
    const s = await join(group.id, a);
    s.send({ type: "edit", clientId: "e1", target: first.event.seq, text: "final text" });
    s.send({ type: "delete", clientId: "d1", target: second.event.seq });
    s.send({ type: "react", clientId: "r1", target: first.event.seq, emoji: "👍", on: true });
    s.send({ type: "react", clientId: "r2", target: 4, emoji: "🎉", on: true });
    s.send({ type: "react", clientId: "r3", target: 4, emoji: "🎉", on: false });
    await waitFor(() => s.frames.filter((f) => f.type === "ack").length === 5, 5000, "5 acks");
    s.close();

    const back = await join(group.id, b, 4);
    await waitFor(() => receivedSeqs(back).at(-1) === 9, 5000, "replay to 9");
    const replayed = receivedEvents(back);
    expect(replayed.map((e) => e.type)).toEqual(["edit", "delete", "reaction", "reaction", "reaction"]);
    back.close();

    const local = fold([...seen, ...replayed]);
    const { messages } = await apiOk<{ messages: Message[] }>(`/api/conversations/${group.id}/messages?limit=200`, {
      token: b.accessToken,
    });
    expect(messages).toHaveLength(3);
    for (const m of messages) expect(local.get(m.seq)).toEqual(m);
    expect(messages.find((m) => m.seq === 2)).toMatchObject({ text: "final text", reactions: { "👍": [a.user.id] } });
    expect(messages.find((m) => m.seq === 3)).toMatchObject({ text: null, deleted: true, replyTo: 2 });
  });

  it("a delete erases the text from the stored message event, every edit of it and the search index", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const path = `/api/conversations/${group.id}`;
    const m = await send(group.id, a, { clientId: "m", kind: "text", text: "password hunter2" });
    const s = await join(group.id, a);
    s.send({ type: "edit", clientId: "e1", target: m.event.seq, text: "password swordfish" });
    s.send({ type: "edit", clientId: "e2", target: m.event.seq, text: "password correcthorse" });
    await waitFor(() => s.frames.filter((f) => f.type === "ack").length === 2, 5000, "2 acks");
    const search = (q: string) =>
      apiOk<{ messages: Message[] }>(`${path}/messages?q=${encodeURIComponent(q)}`, { token: b.accessToken });
    // Edits reindex: only the current text is found.
    expect((await search("correcthorse")).messages.map((x) => x.seq)).toEqual([m.event.seq]);
    expect((await search("hunter2")).messages).toEqual([]);

    s.send({ type: "delete", clientId: "d", target: m.event.seq });
    await waitFor(() => s.frames.filter((f) => f.type === "ack").length === 3, 5000, "3 acks");
    s.close();

    const { events } = await apiOk<{ events: ConversationEvent[] }>(`${path}/events?after=0`, { token: b.accessToken });
    const raw = JSON.stringify(events);
    for (const secret of ["hunter2", "swordfish", "correcthorse"]) expect(raw).not.toContain(secret);
    expect(events.slice(1).map((e) => e.type)).toEqual(["message", "edit", "edit", "delete"]);
    expect(events[1]).toMatchObject({ seq: m.event.seq, type: "message", senderId: a.user.id, kind: "text" });
    expect(events[1]).not.toHaveProperty("text");
    expect(events[2]).toMatchObject({ type: "edit", target: m.event.seq });
    expect(events[2]).not.toHaveProperty("text");
    expect((await search("password")).messages).toEqual([]);
    // A late joiner's replay is the same erased log.
    const late = await join(group.id, b);
    await waitFor(() => receivedSeqs(late).at(-1) === 5, 5000, "replay");
    expect(JSON.stringify(receivedEvents(late))).not.toContain("password");
    late.close();
  });
});
