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
