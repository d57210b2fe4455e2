// The runtime's floor for the bench's load: what workerd itself costs to
// carry a frame in and out of a Durable Object, with IMSystem's work (log,
// rights, acks, inboxes) removed. Same socket API as IMSystem (hibernation),
// same route (the Worker forwards the upgrade to the object).
import { DurableObject } from "cloudflare:workers";

export class FloorRoom extends DurableObject {
  async fetch() {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(_ws, message) {
    if (typeof message !== "string") return;
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(message);
      } catch {
        // closing; it is leaving anyway
      }
    }
  }
}

export default {
  fetch(request, env) {
    if (new URL(request.url).pathname === "/api/health") return Response.json({ ok: true });
    if (request.headers.get("Upgrade") !== "websocket")
      return new Response("expected a WebSocket upgrade", { status: 426 });
    return env.ROOM.get(env.ROOM.idFromName("floor")).fetch(request);
  },
};
