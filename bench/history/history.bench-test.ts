// A history page at 1,000,000 messages: the keyset query must read at most
// page size + 1 rows (SQL cursor rowsRead) however long the log is. Timings
// are printed, never asserted.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { ConversationObject } from "../../worker/conversation/object";
import type { MessageEvent } from "../../worker/protocol";
import { makeGroup, stubOf } from "../../worker/test/conversation-fixtures";
import { apiOk, signUp } from "../../worker/test/helpers";

const N = 1_000_000;
const CHUNK = 50_000;
const PAGE = 50;

it(`pages a ${N.toLocaleString("en")}-message history reading at most page size + 1 rows`, async () => {
  const [a, b] = [await signUp("h"), await signUp("h")];
  const { id } = await makeGroup(a, [b]);
  const stub = stubOf(id);

  // Filled straight into the store in chunks (one turn each): a million
  // socket frames would measure the socket, not the history query.
  const fillStart = performance.now();
  for (let start = 2; start < N + 2; start += CHUNK) {
    await runInDurableObject(stub, (obj: ConversationObject) => {
      const { log } = obj.room;
      for (let seq = start; seq < Math.min(start + CHUNK, N + 2); seq++) {
        const createdAt = 1_700_000_000_000 + seq;
        const text = `message ${seq}`;
        const event: MessageEvent = {
          seq,
          conversationId: id,
          type: "message",
          senderId: a.user.id,
          clientId: `h${seq}`,
          createdAt,
          kind: "text",
          text,
        };
        log.store.append({
          seq,
          createdAt,
          body: JSON.stringify(event),
          type: "message",
          senderId: a.user.id,
          clientId: `h${seq}`,
          target: null,
        });
        log.store.addMessage({
          seq,
          senderId: a.user.id,
          clientId: `h${seq}`,
          kind: "text",
          text,
          createdAt,
          reactions: {},
        });
      }
    });
  }
  // The rows went in under the log's feet: evicted, the object reads its head from them as a woken one does.
  await evictDurableObject(stub);
  const fillMs = performance.now() - fillStart;

  const rowsRead = () => runInDurableObject(stub, (obj: ConversationObject) => obj.room.log.store.lastRowsRead);
  const rows: string[] = [];
  for (const [label, query] of [
    ["newest page", `limit=${PAGE}`],
    ["middle page", `limit=${PAGE}&before=${Math.floor(N / 2)}`],
    ["oldest page", `limit=${PAGE}&before=${PAGE + 2}`],
    ["time range", `from=${1_700_000_000_000 + Math.floor(N / 3)}&to=${1_700_000_000_000 + N}&limit=${PAGE}`],
  ] as const) {
    const t0 = performance.now();
    const page = await apiOk<{ messages: unknown[] }>(`/api/conversations/${id}/messages?${query}`, {
      token: b.accessToken,
    });
    const ms = performance.now() - t0;
    const read = await rowsRead();
    expect(page.messages).toHaveLength(PAGE);
    expect(read).toBeLessThanOrEqual(PAGE + 1);
    rows.push(`| ${label} | ${PAGE} | ${read} | ${ms.toFixed(1)} ms |`);
  }
  console.log(
    [
      `history bench: ${N.toLocaleString("en")} messages filled in ${(fillMs / 1000).toFixed(1)} s`,
      "| page | size | rows read | request time (REST, through the Worker) |",
      "|---|---|---|---|",
      ...rows,
    ].join("\n"),
  );
});
