import { type ConversationServerFrame, ErrorCode } from "../protocol";
import { clientIdOf } from "./frames";

/** Binary frames are decoded strictly: bytes that are not UTF-8 close the socket (1007). */
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * A frame's text; null for a binary frame that is not UTF-8. Text frames
 * arrive decoded by the runtime, each bad byte sequence already U+FFFD
 * (docs/protocol.md): there is nothing left to check.
 */
export function frameText(data: string | ArrayBuffer): string | null {
  if (typeof data === "string") return data;
  try {
    return STRICT_UTF8.decode(data);
  } catch {
    return null;
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The answer to a frame over the socket's budget. It names the frame's
 * clientId when it has one, so the client can retry that change later;
 * parsing only refused frames that mention one keeps a flood cheap.
 */
export function overBudget(data: string | ArrayBuffer, perSecond: number): string {
  const clientId = typeof data === "string" && data.includes('"clientId"') ? clientIdOf(parseJson(data)) : undefined;
  return JSON.stringify({
    type: "error",
    code: ErrorCode.rateLimited,
    message: `over ${perSecond} frames per second`,
    ...(clientId ? { clientId } : {}),
  } satisfies ConversationServerFrame);
}
