import { fileTypeFromBuffer } from "file-type";
import type { Bindings } from "../http/env";

/** file-type's documented sample size: enough for every format it knows. */
const SNIFF_BYTES = 4100;

/**
 * The type the bytes really are, or null. Downloads are served with this
 * type, never the declared one, so a declared "image/png" that is really
 * HTML cannot be rendered inline.
 */
export async function detectType(env: Bindings, key: string, size: number): Promise<string | null> {
  try {
    const head = await env.FILES.get(key, { range: { offset: 0, length: Math.min(SNIFF_BYTES, size) } });
    if (!head) return null;
    const result = await fileTypeFromBuffer(new Uint8Array(await head.arrayBuffer()));
    return result?.mime ?? null;
  } catch (err) {
    // An unknown type is served as an attachment; it must not fail the upload.
    console.warn("file type detection failed", err instanceof Error ? err.name : "non-error thrown");
    return null;
  }
}
