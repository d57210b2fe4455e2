// What an avatar's bytes really are. Everyone who sees the user decodes the
// picture, so it must be exactly one still image of a known type: sniffed by
// content (never the declared type), walked chunk by chunk to its end with
// nothing after it (an image with a page or an archive appended is a
// polyglot), with no text or metadata blocks (where markup, or a phone's GPS
// position, would ride along) and small dimensions (a 200 KB PNG can be a
// 20000 x 20000 bitmap that costs every viewer a gigabyte to decode).
// Canvas-encoded pictures, which the web client sends, pass all of this.
import { fileTypeFromBuffer } from "file-type";
import { AVATAR_TYPES, AvatarLimits, type AvatarType } from "../protocol";

export type ImageCheck = { ok: true; type: AvatarType; width: number; height: number } | { ok: false; reason: string };

type Shape = { width: number; height: number } | string;

const isAvatarType = (mime: string): mime is AvatarType => (AVATAR_TYPES as readonly string[]).includes(mime);

export async function checkAvatarImage(bytes: Uint8Array): Promise<ImageCheck> {
  const sniffed = await fileTypeFromBuffer(bytes).catch(() => undefined);
  if (!sniffed || !isAvatarType(sniffed.mime)) return { ok: false, reason: "not a PNG, JPEG or WebP image" };
  const shape = SHAPES[sniffed.mime](bytes);
  if (typeof shape === "string") return { ok: false, reason: shape };
  const { width, height } = shape;
  if (width < 1 || height < 1 || width > AvatarLimits.maxSide || height > AvatarLimits.maxSide) {
    return { ok: false, reason: `image must be at most ${AvatarLimits.maxSide} x ${AvatarLimits.maxSide} pixels` };
  }
  return { ok: true, type: sniffed.mime, width, height };
}

const u16be = (b: Uint8Array, at: number) => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u32be = (b: Uint8Array, at: number) => u16be(b, at) * 0x10000 + u16be(b, at + 2);
const u16le = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, at: number) => u16le(b, at) + (b[at + 2] ?? 0) * 0x10000;
const u32le = (b: Uint8Array, at: number) => u16le(b, at) + u16le(b, at + 2) * 0x10000;
const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(...b.subarray(at, at + 4));

/** The pixels and how they are drawn; no text (tEXt, zTXt, iTXt), no eXIf, no animation (acTL). */
const PNG_CHUNKS = new Set(["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "pHYs"]);

function pngShape(b: Uint8Array): Shape {
  // Signature, then IHDR first (13 bytes of data).
  let at = 8;
  if (u32be(b, at) !== 13 || fourcc(b, at + 4) !== "IHDR") return "PNG must start with its header";
  const width = u32be(b, at + 8);
  const height = u32be(b, at + 12);
  while (at + 12 <= b.length) {
    const length = u32be(b, at);
    const type = fourcc(b, at + 4);
    const next = at + 12 + length;
    if (next > b.length) return "PNG is cut short";
    if (!PNG_CHUNKS.has(type)) return `PNG carries a ${JSON.stringify(type)} block; send the picture alone`;
    if (type === "IEND") return next === b.length ? { width, height } : "PNG has bytes after its end";
    at = next;
  }
  return "PNG has no end";
}

/** SOFn markers that carry the frame's size (C4 DHT, C8 JPG and CC DAC share the range but are not frames). */
const isFrameStart = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** APP0 (JFIF), APP2 (ICC profile), APP14 (Adobe colour): drawing, not text. APP1 (Exif, XMP) and COM are refused. */
const JPEG_ALLOWED_APP = new Set([0xe0, 0xe2, 0xee]);

function jpegShape(b: Uint8Array): Shape {
  let at = 2; // after SOI (FF D8)
  let size: { width: number; height: number } | null = null;
  while (at < b.length) {
    if (b[at] !== 0xff) return "JPEG is malformed";
    while (b[at] === 0xff) at++; // fill bytes
    const marker = b[at++] ?? 0;
    if (marker === 0xd9) {
      if (at !== b.length) return "JPEG has bytes after its end";
      return size ?? "JPEG has no frame";
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    const length = u16be(b, at);
    if (length < 2 || at + length > b.length) return "JPEG is cut short";
    if ((marker >= 0xe0 && marker <= 0xef && !JPEG_ALLOWED_APP.has(marker)) || marker === 0xfe) {
      return "JPEG carries metadata or a comment; send the picture alone";
    }
    if (isFrameStart(marker)) {
      if (size) return "JPEG has more than one frame";
      size = { height: u16be(b, at + 3), width: u16be(b, at + 5) };
    }
    at += length;
    if (marker === 0xda) at = afterScan(b, at);
  }
  return "JPEG has no end";
}

/** The entropy-coded data after a scan header runs to the next marker that is not a stuffed byte or a restart. */
function afterScan(b: Uint8Array, from: number): number {
  let at = from;
  while (at + 1 < b.length) {
    if (b[at] === 0xff) {
      const next = b[at + 1] ?? 0;
      if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return at;
    }
    at++;
  }
  return b.length;
}

/** Pixels, alpha, colour profile: no EXIF or XMP, no animation (ANIM, ANMF). */
const WEBP_CHUNKS = new Set(["VP8 ", "VP8L", "VP8X", "ALPH", "ICCP"]);

function webpShape(b: Uint8Array): Shape {
  if (u32le(b, 4) + 8 !== b.length) return "WebP length does not match its bytes";
  let size: { width: number; height: number } | null = null;
  let at = 12;
  while (at < b.length) {
    if (at + 8 > b.length) return "WebP is cut short";
    const type = fourcc(b, at);
    const length = u32le(b, at + 4);
    const data = at + 8;
    if (data + length > b.length) return "WebP is cut short";
    if (!WEBP_CHUNKS.has(type)) return `WebP carries a ${JSON.stringify(type)} block; send the picture alone`;
    if (type === "VP8X") {
      if ((b[data] ?? 0) & 0x02) return "WebP must not be animated";
      size = { width: u24le(b, data + 4) + 1, height: u24le(b, data + 7) + 1 };
    } else if (type === "VP8L" && !size) {
      if (b[data] !== 0x2f) return "WebP is malformed";
      const bits = u32le(b, data + 1);
      size = { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    } else if (type === "VP8 " && !size) {
      if (b[data + 3] !== 0x9d || b[data + 4] !== 0x01 || b[data + 5] !== 0x2a) return "WebP is malformed";
      size = { width: u16le(b, data + 6) & 0x3fff, height: u16le(b, data + 8) & 0x3fff };
    }
    at = data + length + (length % 2); // chunks are padded to an even length
  }
  if (at !== b.length) return "WebP has bytes after its end";
  return size ?? "WebP has no picture";
}

const SHAPES: Record<AvatarType, (b: Uint8Array) => Shape> = {
  "image/png": pngShape,
  "image/jpeg": jpegShape,
  "image/webp": webpShape,
};
