// The model and the real clients of model-conversation.test.ts, and the
// invariants checked after every command.
import { expect } from "vitest";
import { InOrderClient, join } from "./conversation-fixtures";
import { fetchLog, keepAlive } from "./fuzz-invariants";
import { type TestSocket, type TestUser, waitFor } from "./helpers";

export interface ModelMessage {
  seq: number;
  sender: number;
  clientId: string;
  text: string;
  edited: boolean;
  /** Emoji -> user ids, in the order they reacted. */
  reactions: Map<string, string[]>;
}

export interface Model {
  head: number;
  connected: boolean[];
  readSeq: number[];
  /** Per client, its own messages in send order. */
  own: ModelMessage[][];
}

/** One client: a socket (or none) and the events it applied, strictly in order. */
export class Client extends InOrderClient {
  socket: TestSocket | null = null;
  lastWelcome: Record<string, unknown> | null = null;

  constructor(readonly user: TestUser) {
    super();
  }

  protected frames(): TestSocket["frames"] {
    return this.socket?.frames ?? [];
  }

  async connect(conversationId: string): Promise<void> {
    this.startSession();
    this.socket = await join(conversationId, this.user, this.highest);
    keepAlive(this.socket);
    this.lastWelcome = this.socket.frames.find((f) => f.type === "welcome") ?? null;
  }

  disconnect(): void {
    this.pump();
    this.socket?.close();
    this.socket = null;
  }

  requireSocket(): TestSocket {
    if (!this.socket) throw new Error("client is not connected");
    return this.socket;
  }

  acks(clientId: string) {
    return (this.socket?.frames ?? []).filter((f) => f.type === "ack" && f.clientId === clientId);
  }

  /** Sends a change frame and waits for one more ack of its clientId than before. */
  async change(frame: Record<string, unknown> & { clientId: string }): Promise<number> {
    const before = this.acks(frame.clientId).length;
    this.requireSocket().send(frame);
    await waitFor(() => this.acks(frame.clientId).length > before, 5000, `ack ${frame.clientId}`);
    return Number(this.acks(frame.clientId).at(-1)?.seq);
  }

  /** Sends a change frame and returns the answer to its clientId: an ack or an error. */
  async attempt(frame: Record<string, unknown> & { clientId: string }) {
    const s = this.requireSocket();
    this.refusable.add(frame.clientId);
    const from = s.frames.length;
    s.send(frame);
    const mine = () => s.frames.slice(from).find((f) => f.clientId === frame.clientId);
    await waitFor(() => mine() !== undefined, 5000, `answer ${frame.clientId}`);
    return mine() as Record<string, unknown>;
  }
}

export interface Real {
  conversationId: string;
  clients: Client[];
  ids: { next: number };
  /** Commands that ran, by name: proof that the runs exercised each one. */
  ran: Map<string, number>;
}

export async function checkInvariants(m: Model, r: Real, command?: string): Promise<void> {
  if (command) r.ran.set(command, (r.ran.get(command) ?? 0) + 1);
  const log = await fetchLog(r.conversationId, r.clients[0]?.user as TestUser);
  expect(log.map((e) => e.seq)).toEqual(Array.from({ length: m.head }, (_, i) => i + 1));
  for (const [i, c] of r.clients.entries()) {
    if (m.connected[i]) {
      await waitFor(
        () => {
          c.pump();
          return c.highest >= m.head;
        },
        5000,
        `client ${i} at head ${m.head}`,
      );
    }
    c.pump();
    expect(c.violations.join("\n"), `client ${i}`).toBe("");
    // A gap-free prefix of the server log, event for event.
    expect(c.applied, `client ${i} view`).toEqual(log.slice(0, c.applied.length));
    if (m.connected[i]) expect(c.highest).toBe(m.head);
  }
}
