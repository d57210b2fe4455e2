// Shared by the socket tests (not a test file itself: vitest collects *.test.ts only).
import type { SocketHandlers } from "./socketFactory";

/** A fake socket the test opens, feeds and closes by hand. */
export class FakeSocket {
  sent: string[] = [];
  closedWith: number | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
    readonly handlers: SocketHandlers,
  ) {}
  send(data: string) {
    this.sent.push(data);
  }
  close(code?: number) {
    this.closedWith = code ?? 1000;
  }
  frames(): Array<Record<string, unknown>> {
    return this.sent.filter((s) => s !== '{"type":"ping"}').map((s) => JSON.parse(s) as Record<string, unknown>);
  }
  open() {
    this.handlers.onOpen();
  }
  receive(frame: unknown) {
    this.handlers.onMessage(JSON.stringify(frame));
  }
  welcome(head = 0) {
    this.receive({ type: "welcome", head, readSeq: 0, members: [], protocol: 1 });
  }
  serverClose(code: number) {
    this.handlers.onClose(code, "");
  }
}
