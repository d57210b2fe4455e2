// The runtime's floor for the bench's load: what workerd itself costs to
// carry a frame in and out of a Durable Object, with IMSystem's work (log,
// rights, acks, inboxes) removed. Same socket API as IMSystem (hibernation),
// same route (the Worker forwards the upgrade to the object).
//
// Two rooms:
// - `FloorRoom` (path `/`): every text frame sent on to every socket, nothing stored.
// - `DurableFloorRoom` (path `/durable`): the same, after writing the frame as
//   one SQLite row first. The output gate then holds the sends until that row
//   is committed, as it holds IMSystem's: the least any room can do that logs
//   each message durably before anyone sees it (docs/benchmarks.md, round 7).
import { DurableObject } from "cloudflare:workers";

export class FloorRoom extends DurableObject {
  async fetch() {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(_ws, message) {
    if (typeof message !== "string") return;
    this.log(message);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(message);
      } catch {
        // closing; it is leaving anyway
      }
    }
  }

  log(_message) {}
}

export class DurableFloorRoom extends FloorRoom {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }

  log(message) {
    // seq is SQLite's next rowid: gap-free while nothing is deleted.
    this.ctx.storage.sql.exec("INSERT INTO log (body) VALUES (?)", message);
  }
}

export default {
  fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/api/health") return Response.json({ ok: true });
    if (request.headers.get("Upgrade") !== "websocket")
      return new Response("expected a WebSocket upgrade", { status: 426 });
    const rooms = pathname === "/durable" ? env.DURABLE_ROOM : env.ROOM;
    return rooms.get(rooms.idFromName("floor")).fetch(request);
  },
};
