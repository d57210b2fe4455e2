// The seam between the socket client and a real WebSocket: tests pass a fake.

export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  onClose(code: number, reason: string): void;
}

export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, protocols: string[], handlers: SocketHandlers) => SocketLike;

/** The ws(s) URL of an endpoint path on this page's origin. */
export const wsUrl = (path: string) => `${location.origin.replace(/^http/, "ws")}${path}`;

export const browserSocket: SocketFactory = (url, protocols, handlers) => {
  const ws = new WebSocket(url, protocols);
  ws.onopen = () => handlers.onOpen();
  ws.onmessage = (e) => handlers.onMessage(e.data);
  // A browser reports a refused handshake as error + close 1006; close suffices.
  ws.onclose = (e) => handlers.onClose(e.code, e.reason);
  return ws;
};
