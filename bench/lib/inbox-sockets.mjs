// Inbox sockets (`/api/inbox/ws`), one per user, as the PWA keeps one open
// on every device: the load scenarios hold them so that no inbox is parked,
// and the big-group scenario reads each conversation summary they carry.
import WebSocket from "ws";
import { decodeInbox } from "./frames.mjs";
import { pool } from "./imsystem-setup.mjs";

/**
 * @typedef {{user: {id: string, token: string}, ws: WebSocket, closed: null | {code: number, reason: string}}} InboxSocket
 */

function openOne(wsBase, user, onItem, timeoutMs) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsBase}/api/inbox/ws`, {
      headers: { Authorization: `Bearer ${user.token}` },
      perMessageDeflate: false,
    });
    /** @type {InboxSocket} */
    const socket = { user, ws, closed: null };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`inbox of ${user.id}: no welcome within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.on("message", (data, isBinary) => {
      const now = performance.now();
      const item = isBinary ? { t: "unknown", what: "binary inbox frame" } : decodeInbox(data.toString());
      if (item.t === "welcome") {
        clearTimeout(timer);
        resolve(socket);
      }
      onItem(socket, item, now);
    });
    ws.once("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`inbox of ${user.id}: handshake refused with HTTP ${res.statusCode}`));
    });
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`inbox of ${user.id}: ${err.message}`));
    });
    ws.on("close", (code, reason) => {
      clearTimeout(timer);
      socket.closed = { code, reason: reason.toString() };
      reject(new Error(`inbox of ${user.id}: closed before its welcome (${code})`));
    });
  });
}

/**
 * Opens one inbox socket per user (`concurrency` handshakes at a time) and
 * keeps them alive with the ping text. `onItem` sees every decoded frame,
 * the welcome included, with its receive time. A failed open closes the
 * ones already open and throws.
 * @param {(socket: InboxSocket, item: import("./frames.mjs").InboxItem, now: number) => void} [onItem]
 */
export async function openInboxSockets(
  wsBase,
  users,
  { onItem = () => {}, concurrency = 20, timeoutMs = 30_000 } = {},
) {
  let frames = 0;
  const opened = [];
  const count = (socket, item, now) => {
    frames++;
    onItem(socket, item, now);
  };
  try {
    await pool(users, concurrency, async (u) => {
      // A busy local workerd drops a few handshakes (socket hang up); a refusal (HTTP status) is final.
      for (let attempt = 0; ; attempt++) {
        try {
          opened.push(await openOne(wsBase, u, count, timeoutMs));
          return;
        } catch (err) {
          if (attempt >= 2 || /HTTP \d+|no welcome/.test(String(err))) throw err;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    });
  } catch (err) {
    for (const s of opened) s.ws.terminate();
    throw err;
  }
  const ping = setInterval(() => {
    for (const s of opened) if (s.ws.readyState === WebSocket.OPEN) s.ws.send('{"type":"ping"}');
  }, 20_000);
  return {
    sockets: opened,
    frames: () => frames,
    /** Closes every socket (1000) and waits up to 2 s for the closes; the rest are dropped. */
    close: async () => {
      clearInterval(ping);
      const open = opened.filter((s) => s.ws.readyState === WebSocket.OPEN);
      const done = open.map((s) => new Promise((r) => s.ws.once("close", r)));
      for (const s of open) s.ws.close(1000, "bench done");
      await Promise.race([Promise.all(done), new Promise((r) => setTimeout(r, 2000))]);
      for (const s of opened) if (s.ws.readyState !== WebSocket.CLOSED) s.ws.terminate();
    },
  };
}
