// What a push message carries, as the service worker in web/ receives it
// after the browser decrypts it. No cloudflare:* imports, so web/ can import
// the type.
import { MAX_PLAINTEXT } from "./ece";

/** The decrypted push message (docs/protocol.md "Push notifications"). */
export interface PushPayload {
  conversationId: string;
  seq: number;
  title: string;
  body: string;
}

/**
 * Previews are cut so that any payload fits one 4 KiB push message even when
 * JSON escapes every character (6 bytes for a control character).
 */
export const PUSH_TITLE_MAX = 100;
export const PUSH_BODY_MAX = 400;
/** Plaintexts are padded to a multiple of this, so the size leaks only a coarse bucket. */
const PAD_BLOCK = 256;

function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join("")}…`;
}

export interface EncodedPayload {
  plaintext: Uint8Array;
  padding: number;
}

/** The JSON bytes to encrypt and the zero padding that rounds them up. */
export function encodePayload(payload: PushPayload): EncodedPayload {
  const fitted: PushPayload = {
    conversationId: payload.conversationId,
    seq: payload.seq,
    title: truncate(payload.title, PUSH_TITLE_MAX),
    body: truncate(payload.body, PUSH_BODY_MAX),
  };
  const plaintext = new TextEncoder().encode(JSON.stringify(fitted));
  if (plaintext.length > MAX_PLAINTEXT) throw new RangeError("push payload does not fit one message");
  // The delimiter byte counts towards the block, so a padded record is a whole number of blocks.
  const padded = Math.min(Math.ceil((plaintext.length + 1) / PAD_BLOCK) * PAD_BLOCK, MAX_PLAINTEXT + 1);
  return { plaintext, padding: padded - plaintext.length - 1 };
}
