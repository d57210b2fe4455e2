// Frame sizes in UTF-8 bytes, for both objects and the conversation core (pure).

/** UTF-8 length of a string: what the client sent, not UTF-16 units (a CJK character is 3 bytes, not 1). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // 0x80-0x7ff: 2 bytes; a surrogate: 2 bytes each (4 per pair); the rest of the BMP: 3.
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

/**
 * The byte size of a received frame. A UTF-16 unit is 1-3 UTF-8 bytes, so
 * only a string between max/3 and max units needs counting to compare with `max`.
 */
export function frameBytes(data: string | ArrayBuffer, max: number): number {
  if (typeof data !== "string") return data.byteLength;
  return data.length * 3 <= max || data.length > max ? data.length : utf8Length(data);
}
