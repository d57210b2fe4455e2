// Turns the frames each server sends into the few things the bench counts.
// Frames from a server are untrusted input: anything unexpected becomes an
// `unknown` item that the report counts, never a crash.

/**
 * @typedef {{t: "welcome"}
 *   | {t: "msg", text: string, clientId: string | null, seq: number | null}
 *   | {t: "event", seq: number}
 *   | {t: "ack", clientId: string, seq: number | null}
 *   | {t: "error", code: string, clientId: string | null, message: string}
 *   | {t: "pong"}
 *   | {t: "unknown", what: string}} Item
 */

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v) => (typeof v === "string" ? v : null);
const int = (v) => (Number.isInteger(v) ? v : null);

function parse(data) {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** The baseline echoes our own `send` frames back verbatim. @returns {Item[]} */
export function decodeBaseline(data) {
  const frame = parse(data);
  if (!isObject(frame) || frame.type !== "send" || typeof frame.text !== "string")
    return [{ t: "unknown", what: "baseline frame" }];
  return [{ t: "msg", text: frame.text, clientId: str(frame.clientId), seq: null }];
}

/** IMSystem conversation-socket frames (docs/protocol.md "Conversation socket"). @returns {Item[]} */
export function decodeImsystem(data) {
  const frame = parse(data);
  if (!isObject(frame) || typeof frame.type !== "string") return [{ t: "unknown", what: "non-JSON frame" }];
  switch (frame.type) {
    case "welcome":
      return [{ t: "welcome" }];
    case "pong":
      return [{ t: "pong" }];
    case "ack": {
      const clientId = str(frame.clientId);
      return clientId
        ? [{ t: "ack", clientId, seq: int(frame.seq) }]
        : [{ t: "unknown", what: "ack without clientId" }];
    }
    case "error":
      return [
        {
          t: "error",
          code: str(frame.code) ?? "(no code)",
          clientId: str(frame.clientId),
          message: str(frame.message) ?? "",
        },
      ];
    case "events": {
      if (!Array.isArray(frame.events)) return [{ t: "unknown", what: "events frame without events" }];
      return frame.events.map((e) => {
        const seq = isObject(e) ? int(e.seq) : null;
        if (seq === null) return { t: "unknown", what: "event without seq" };
        if (e.type === "message" && typeof e.text === "string")
          return { t: "msg", text: e.text, clientId: str(e.clientId), seq };
        return { t: "event", seq };
      });
    }
    case "typing":
    case "receipt":
      return [];
    default:
      return [{ t: "unknown", what: `frame type ${frame.type}` }];
  }
}

/**
 * @typedef {{t: "welcome"}
 *   | {t: "conversation", id: string, lastSeq: number}
 *   | {t: "other"}
 *   | {t: "unknown", what: string}} InboxItem
 */

/**
 * IMSystem inbox-socket frames (docs/protocol.md "Inbox socket"): the bench
 * only needs the welcome and each conversation summary's id and lastSeq;
 * presence, friend and removal frames are `other`. @returns {InboxItem}
 */
export function decodeInbox(data) {
  const frame = parse(data);
  if (!isObject(frame) || typeof frame.type !== "string") return { t: "unknown", what: "non-JSON inbox frame" };
  switch (frame.type) {
    case "welcome":
      return { t: "welcome" };
    case "conversation": {
      const c = frame.conversation;
      const id = isObject(c) ? str(c.id) : null;
      const lastSeq = isObject(c) ? int(c.lastSeq) : null;
      return id !== null && lastSeq !== null
        ? { t: "conversation", id, lastSeq }
        : { t: "unknown", what: "conversation frame without id/lastSeq" };
    }
    case "error":
      return { t: "unknown", what: `inbox error ${str(frame.code) ?? "(no code)"}` };
    default:
      return { t: "other" };
  }
}
