// N WebSocket clients in this one process (so one clock for send and
// receive times). Each hands what it receives to the scenario currently
// running (`client.sink`) and checks IMSystem's seq order on the way.
import WebSocket from "ws";

export class Client {
  constructor(idx, ws, decode) {
    this.idx = idx;
    this.ws = ws;
    this.decode = decode;
    /** @type {null | {onMessage: Function, onAck: Function, onError: Function}} */
    this.sink = null;
    this.lastSeq = null;
    this.seqGaps = 0;
    this.seqRepeats = 0;
    this.unknown = new Map();
    this.errorsOutside = [];
    this.closed = null;
    this.welcomed = false;
    this.onWelcome = () => {};
    ws.on("message", (data, isBinary) => {
      const now = performance.now();
      if (isBinary) return this.count("binary frame");
      for (const item of this.decode(data.toString())) this.handle(item, now);
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  count(what) {
    this.unknown.set(what, (this.unknown.get(what) ?? 0) + 1);
  }

  checkSeq(seq) {
    if (seq === null) return;
    // The contract: gap-free, strictly increasing, nothing repeated (we never send `sync`).
    if (this.lastSeq !== null && seq <= this.lastSeq) this.seqRepeats++;
    else {
      if (this.lastSeq !== null && seq !== this.lastSeq + 1) this.seqGaps += seq - this.lastSeq - 1;
      this.lastSeq = seq;
    }
  }

  handle(item, now) {
    switch (item.t) {
      case "welcome":
        this.welcomed = true;
        this.onWelcome();
        return;
      case "msg":
        this.checkSeq(item.seq);
        this.sink?.onMessage(this, item.text, item.clientId, now);
        return;
      case "event":
        this.checkSeq(item.seq);
        return;
      case "ack":
        this.sink?.onAck(this, item.clientId, now, item.seq);
        return;
      case "error":
        if (this.sink) this.sink.onError(this, item, now);
        else this.errorsOutside.push(`${item.code}: ${item.message}`);
        return;
      case "pong":
        return;
      default:
        this.count(item.what);
    }
  }

  send(text) {
    this.ws.send(text);
  }
}

function openOne(target, idx, deflate, timeoutMs) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target.socketUrl(idx), {
      headers: target.socketHeaders(idx),
      perMessageDeflate: deflate ? {} : false,
    });
    const client = new Client(idx, ws, target.decode);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`client ${idx}: not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const ready = () => {
      clearTimeout(timer);
      resolve(client);
    };
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => {
        clearTimeout(timer);
        reject(new Error(`client ${idx}: handshake refused with HTTP ${res.statusCode} ${body.slice(0, 300)}`));
      });
    });
    ws.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`client ${idx}: ${err.message}`));
    });
    ws.once("close", (code, reason) => {
      clearTimeout(timer);
      reject(new Error(`client ${idx}: closed before ready (${code} ${reason})`));
    });
    ws.once("open", () => {
      if (target.hello === null) return ready();
      client.onWelcome = ready;
      ws.send(target.hello);
    });
  });
}

/** Opens every client (a few at a time) and resolves once all are ready. */
export async function connectClients(target, count, deflate, timeoutMs = 20_000) {
  const clients = [];
  const batch = 10;
  try {
    for (let i = 0; i < count; i += batch) {
      const size = Math.min(batch, count - i);
      clients.push(
        ...(await Promise.all(Array.from({ length: size }, (_, k) => openOne(target, i + k, deflate, timeoutMs)))),
      );
    }
  } catch (err) {
    await closeClients(clients);
    throw err;
  }
  return clients;
}

/** Closes every socket cleanly (1000), then drops any that did not finish within 2 s. */
export async function closeClients(clients) {
  const open = clients.filter((c) => c.ws.readyState === WebSocket.OPEN || c.ws.readyState === WebSocket.CONNECTING);
  const closed = open.map((c) => new Promise((resolve) => c.ws.once("close", resolve)));
  for (const c of open) {
    if (c.ws.readyState === WebSocket.OPEN) c.ws.close(1000, "bench done");
    else c.ws.terminate();
  }
  await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 2000))]);
  for (const c of open) if (c.ws.readyState !== WebSocket.CLOSED) c.ws.terminate();
}

/** What the server agreed to: the negotiated extensions of the first socket. */
export function negotiatedDeflate(clients) {
  return clients.length > 0 && String(clients[0].ws.extensions).includes("permessage-deflate");
}
