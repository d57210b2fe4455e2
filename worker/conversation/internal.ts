import { offersSubprotocol } from "../auth/tokens";
import type { AuthInfo, Bindings } from "../http/env";
import { forbidden, invalidRequest } from "../http/errors";
import { originAllowed } from "../http/origin";

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

/** Ids made by newId("c"): the prefix and 22 base64url characters (128 bits). */
export const CONVERSATION_ID = /^c_[A-Za-z0-9_-]{22}$/;

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
