// Pure rules of an upload: which message kind a file becomes, which parts
// are still missing, how far along it is, and how to show a size.
import type { FilePart, MessageKind } from "../../../worker/protocol";

export type FileKind = Exclude<MessageKind, "text" | "system">;

/** The message kind for a MIME type; the server checks it against the sniffed bytes. */
export function kindOf(contentType: string): FileKind {
  const type = contentType.toLowerCase();
  if (type.startsWith("image/")) return "image";
  if (type.startsWith("audio/")) return "audio";
  if (type.startsWith("video/")) return "video";
  return "file";
}

export function partCount(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

/** Byte range [start, end) of part n (1-based). */
export function partRange(n: number, size: number, partSize: number): [number, number] {
  const start = (n - 1) * partSize;
  return [start, Math.min(size, start + partSize)];
}

/**
 * Part numbers still to upload, in order. A part the server holds with the
 * wrong size (cut off mid-way) counts as missing and is uploaded again.
 */
export function missingParts(size: number, partSize: number, done: FilePart[]): number[] {
  const have = new Map(done.map((p) => [p.partNumber, p.size]));
  const missing: number[] = [];
  for (let n = 1; n <= partCount(size, partSize); n += 1) {
    const [start, end] = partRange(n, size, partSize);
    if (have.get(n) !== end - start) missing.push(n);
  }
  return missing;
}

/** Bytes already on the server, counting only complete parts. */
export function bytesDone(size: number, partSize: number, done: FilePart[]): number {
  let total = size;
  for (const n of missingParts(size, partSize, done)) {
    const [start, end] = partRange(n, size, partSize);
    total -= end - start;
  }
  return total;
}

const UNITS = ["B", "KB", "MB", "GB"] as const;

/** "512 B", "1.5 KB", "12.0 MB" (binary multiples, as file managers show them). */
export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} ${UNITS[0]}` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** A name for a pasted or recorded blob that has none. */
export function defaultName(prefix: string, contentType: string, now: Date): string {
  const ext = contentType.split("/")[1]?.split(";")[0]?.replace("jpeg", "jpg") ?? "bin";
  const stamp = now.toISOString().slice(0, 19).replace(/[-:T]/g, "");
  return `${prefix}-${stamp}.${ext}`;
}
