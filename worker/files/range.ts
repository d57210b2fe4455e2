// Parsing of a single-range `Range: bytes=...` header (RFC 9110 §14).

export type RangeRequest =
  | { kind: "full" }
  | { kind: "partial"; offset: number; length: number }
  | { kind: "unsatisfiable" };

const SPEC = /^(\d{0,16})-(\d{0,16})$/;

/**
 * What to send for `header` over a body of `size` bytes. Anything we do not
 * parse, including several ranges, gets the whole body (200): RFC 9110 lets
 * a server ignore Range, and it spares us multipart/byteranges.
 */
export function parseRange(header: string | null, size: number): RangeRequest {
  if (header === null) return { kind: "full" };
  const m = /^bytes\s*=\s*(.+)$/i.exec(header.trim());
  if (!m?.[1] || m[1].includes(",")) return { kind: "full" };
  const spec = SPEC.exec(m[1].trim());
  if (!spec) return { kind: "full" };
  const [, first = "", last = ""] = spec;
  if (first === "" && last === "") return { kind: "full" };

  if (first === "") {
    // bytes=-n: the last n bytes.
    const n = Number(last);
    if (n === 0) return { kind: "unsatisfiable" };
    const length = Math.min(n, size);
    return { kind: "partial", offset: size - length, length };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== "" && Number(last) < start)) return { kind: "unsatisfiable" };
  return { kind: "partial", offset: start, length: end - start + 1 };
}

export const contentRange = (offset: number, length: number, size: number) =>
  `bytes ${offset}-${offset + length - 1}/${size}`;
