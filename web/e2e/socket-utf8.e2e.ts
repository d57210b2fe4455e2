// What the runtime does with a text frame that is not UTF-8 (RFC 6455 says:
// fail the connection, 1007). A raw TCP client, because no WebSocket API can
// send such a frame. Verified here against `wrangler dev` (workerd
// 1.20261102): workerd does not close; it decodes the frame with U+FFFD for
// each bad sequence before the object sees it, so the object cannot tell a
// bad byte from a real U+FFFD and never sees bytes that are not UTF-8.
// docs/protocol.md states this; if this test starts failing because the
// runtime closes with 1007, update that paragraph.
import { randomBytes, randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { BASE_URL, befriendByApi, eventsOf, registerByApi } from "./helpers";

interface RawFrame {
  opcode: number;
  payload: Buffer;
}

/** A minimal client: handshake, masked frames out, unfragmented frames in. */
class RawSocket {
  frames: RawFrame[] = [];
  closed = false;
  private buf = Buffer.alloc(0);
  private constructor(private readonly sock: Socket) {}

  static open(path: string, token: string): Promise<RawSocket> {
    const url = new URL(BASE_URL);
    return new Promise((resolve, reject) => {
      const sock = connect(Number(url.port), url.hostname);
      const raw = new RawSocket(sock);
      let head = Buffer.alloc(0);
      const onData = (d: Buffer) => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        sock.off("data", onData);
        const status = head.subarray(0, head.indexOf("\r\n")).toString();
        if (!status.includes(" 101 ")) reject(new Error(status));
        sock.on("data", (more: Buffer) => raw.read(more));
        raw.read(head.subarray(end + 4));
        resolve(raw);
      };
      sock.on("data", onData);
      sock.on("error", reject);
      sock.on("close", () => {
        raw.closed = true;
      });
      sock.write(
        `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n` +
          `Authorization: Bearer ${token}\r\n\r\n`,
      );
    });
  }

  /** A text frame (opcode 1) carrying exactly these bytes, valid UTF-8 or not. */
  sendText(bytes: Buffer): void {
    const mask = randomBytes(4);
    const len = bytes.length;
    const header = len < 126 ? Buffer.from([0x81, 0x80 | len]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255]);
    this.sock.write(Buffer.concat([header, mask, Buffer.from(bytes.map((b, i) => b ^ (mask[i % 4] ?? 0)))]));
  }

  texts(): string[] {
    return this.frames.filter((f) => f.opcode === 1).map((f) => f.payload.toString("utf8"));
  }

  close(): void {
    this.sock.destroy();
  }

  private read(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.buf.length < 2) return;
      let len = (this.buf[1] ?? 0) & 127;
      let at = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        at = 10;
      }
      if (this.buf.length < at + len) return;
      this.frames.push({ opcode: (this.buf[0] ?? 0) & 15, payload: this.buf.subarray(at, at + len) });
      this.buf = this.buf.subarray(at + len);
    }
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a text frame that is not UTF-8", () => {
  it("reaches the object decoded, each bad sequence as U+FFFD; the socket stays open", async () => {
    const [a, b] = [await registerByApi("u8a"), await registerByApi("u8b")];
    const dm = await befriendByApi(a, b);
    const s = await RawSocket.open(`/api/conversations/${dm.id}/ws`, a.auth.accessToken);
    s.sendText(Buffer.from(JSON.stringify({ type: "hello", lastSeq: 0 })));
    await until(() => s.texts().some((t) => t.includes('"welcome"')), "welcome");
    const clientId = randomUUID();
    // "a", a lone 0xFF (never valid), "b", an encoded surrogate (invalid in UTF-8), "c".
    const frame = Buffer.concat([
      Buffer.from(`{"type":"send","clientId":"${clientId}","kind":"text","text":"a`),
      Buffer.from([0xff]),
      Buffer.from("b"),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('c"}'),
    ]);
    s.sendText(frame);
    await until(() => s.texts().some((t) => t.includes('"ack"') && t.includes(clientId)), "ack");
    const sent = (await eventsOf(a, dm.id)).find((e) => e.clientId === clientId);
    expect(sent && "text" in sent ? sent.text : null).toBe("a\uFFFDb\uFFFD\uFFFD\uFFFDc");
    expect(s.closed).toBe(false);
    s.close();
  });
});
