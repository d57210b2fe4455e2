// Upgrade plumbing shared by the Worker and both objects: the Worker checks
// and forwards a socket handshake; the object reads who it is from these headers.
import type { AuthInfo, Bindings } from "../http/env";
import { forbidden, invalidRequest } from "../http/errors";
import { originAllowed } from "../http/origin";
import { SUBPROTOCOL } from "../protocol";

/**
 * Headers the Worker sets when it forwards a verified upgrade to the object.
 * The Worker builds the forwarded request from scratch, so a client can never
 * smuggle these in; objects are reachable only through the Worker.
 */
export const InternalHeader = {
  userId: "x-imsys-user-id",
  sessionId: "x-imsys-session-id",
  exp: "x-imsys-token-exp",
  subprotocol: "x-imsys-subprotocol",
} as const;

/** Whether the client offered our subprotocol (then the 101 must echo it). */
export function offersSubprotocol(req: Request): boolean {
  const protocols = req.headers.get("Sec-WebSocket-Protocol");
  return !!protocols && protocols.split(",").some((p) => p.trim() === SUBPROTOCOL);
}

/**
 * Forwards a verified upgrade to an object (conversation or inbox). The
 * request is built from scratch: nothing the client sent (tokens, look-alike
 * internal headers) reaches the object.
 */
export async function forwardUpgrade(
  req: Request,
  auth: AuthInfo,
  target: { fetch(req: Request): Promise<Response> },
): Promise<Response> {
  const headers = new Headers([
    ["Upgrade", "websocket"],
    [InternalHeader.userId, auth.userId],
    [InternalHeader.sessionId, auth.sessionId],
    [InternalHeader.exp, String(auth.exp)],
  ]);
  if (offersSubprotocol(req)) headers.set(InternalHeader.subprotocol, "1");
  const res = await target.fetch(new Request(req.url, { headers }));
  // A fresh Response: the object's has immutable headers, and the app's middleware adds some.
  return new Response(res.body, { status: res.status, headers: res.headers, webSocket: res.webSocket });
}

/** The checks every socket handshake makes before anything else: Origin allowlist, then a real upgrade. */
export function requireUpgrade(env: Bindings, req: Request): void {
  if (!originAllowed(env, req)) throw forbidden("origin not allowed");
  if (req.headers.get("Upgrade")?.toLowerCase() !== "websocket") throw invalidRequest("expected a WebSocket upgrade");
}
