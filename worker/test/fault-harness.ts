// A conversation object on its real SQLite storage, with a write that throws on demand
// and fake sockets in place of hibernatable ones (atomic-changes.test.ts).
import { env } from "cloudflare:workers";
import { ConversationObject } from "../conversation/object";
import type { ConversationEvent } from "../protocol";

/** The error the harness throws from the N-th write; nothing else may throw it. */
export class InjectedFault extends Error {
  constructor(readonly query: string) {
    super(`injected fault at: ${query.slice(0, 60)}`);
  }
}

const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;

/** Counts writes through `exec`; armed with n, the n-th write throws instead of running. */
export class Faults {
  private countdown = 0;
  fired: string | null = null;

  arm(n: number): void {
    this.countdown = n;
    this.fired = null;
  }

  disarm(): void {
    this.countdown = 0;
  }

  wrap(sql: SqlStorage): SqlStorage {
    return new Proxy(sql, {
      get: (target, key) => {
        if (key === "exec") {
          return (query: string, ...bindings: unknown[]) => {
            if (this.countdown > 0 && WRITE.test(query)) {
              this.countdown -= 1;
              if (this.countdown === 0) {
                this.fired = query;
                throw new InjectedFault(query);
              }
            }
            return target.exec(query, ...(bindings as SqlStorageValue[]));
          };
        }
        const value: unknown = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }
}

/** Stands in for a hibernatable WebSocket: records what the object sends and closes. */
export class FakeSocket {
  frames: { type: string; [k: string]: unknown }[] = [];
  closes: number[] = [];
  readonly readyState = 1;
  private attachment: unknown;

  constructor(readonly userId: string) {
    this.attachment = { userId, sessionId: `s-${userId}`, exp: 2 ** 31, live: true, acceptedAt: Date.now() };
  }
  deserializeAttachment(): unknown {
    return this.attachment;
  }
  serializeAttachment(value: unknown): void {
    this.attachment = value;
  }
  send(text: string): void {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && "type" in parsed && typeof parsed.type === "string") {
      this.frames.push({ ...parsed, type: parsed.type });
    }
  }
  close(code: number): void {
    this.closes.push(code);
  }
  events(): ConversationEvent[] {
    return this.frames.flatMap((f) => (f.type === "events" ? (f.events as ConversationEvent[]) : []));
  }
  highestSeq(): number {
    return this.events().at(-1)?.seq ?? 0;
  }
}

function bound<T extends object>(target: T, overrides: Record<PropertyKey, unknown>): T {
  return new Proxy(target, {
    get: (t, key) => {
      if (Object.hasOwn(overrides, key)) return overrides[key];
      const value: unknown = Reflect.get(t, key);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}

/**
 * A second ConversationObject on the storage of `state` (an object the test
 * runs in), seeing SQLite through `faults`. Alarms are not set (they would
 * wake the runtime's own instance), and its fan-out queue accepts and drops.
 */
export function faultyObject(state: DurableObjectState, faults: Faults, sockets: FakeSocket[]): ConversationObject {
  const storage = bound(state.storage, {
    sql: faults.wrap(state.storage.sql),
    setAlarm: async () => {},
    getAlarm: async () => null,
  });
  // The base class checks that ctx is the runtime's own state, so the state itself is patched
  // (own properties shadow its prototype's); each try runs on an object of its own.
  Object.defineProperty(state, "storage", { value: storage, configurable: true });
  Object.defineProperty(state, "getWebSockets", { value: () => sockets, configurable: true });
  const FANOUT = { sendBatch: async () => {} };
  return new ConversationObject(state, { ...env, FANOUT } as unknown as Env);
}

/**
 * Every row of every table, to compare before and after a failed change. The
 * FTS5 index enters as what it holds (its documents' rowids and sizes), not
 * as its segment bytes: FTS5 buffers new entries in memory and writes them
 * out at transaction and savepoint boundaries, so those bytes move on their own.
 */
export function dumpTables(sql: SqlStorage): Map<string, string[]> {
  const tables = sql
    .exec<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'
       AND name NOT IN ('messages_fts', 'messages_fts_data', 'messages_fts_idx') ORDER BY name`,
    )
    .toArray();
  const hex = (v: unknown) => (v instanceof ArrayBuffer ? [...new Uint8Array(v)].map((b) => b.toString(16)) : v);
  const indexed = sql.exec<{ rowid: number }>("SELECT rowid FROM messages_fts ORDER BY rowid").toArray();
  return new Map([
    ["messages_fts rowids", indexed.map((r) => String(r.rowid))],
    ...tables.map(({ name }): [string, string[]] => [
      name,
      sql
        .exec(`SELECT * FROM "${name}"`)
        .toArray()
        .map((row) => JSON.stringify(Object.entries(row).map(([k, v]) => [k, hex(v)])))
        .sort(),
    ]),
  ]);
}

/** head = the highest stored seq, and seqs run 1..head with no gap. */
export function logShape(sql: SqlStorage): { count: number; min: number; max: number } {
  return sql
    .exec<{ count: number; min: number; max: number }>(
      "SELECT count(*) AS count, coalesce(min(seq), 0) AS min, coalesce(max(seq), 0) AS max FROM events",
    )
    .one();
}
