import type { FileRow } from "../db/files";
import type { Bindings } from "../http/env";
import { ApiError, notFound } from "../http/errors";
import { ErrorCode } from "../protocol";
import { contentDisposition, servedType } from "./disposition";
import { contentRange, parseRange } from "./range";

/** RFC 9110 weak comparison: `W/"x"` matches `"x"`; `*` matches anything. */
function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const bare = (t: string) => t.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((t) => t.trim() === "*" || bare(t) === bare(etag));
}

/** The bytes of a ready file, honouring Range, If-Range and If-None-Match. */
export async function serveFile(env: Bindings, row: FileRow, req: Request): Promise<Response> {
  const type = servedType(row.detectedType);
  const headers = new Headers({
    "Content-Type": type,
    "Content-Disposition": contentDisposition(row.name, type),
    "X-Content-Type-Options": "nosniff",
    // Should a browser be tricked into rendering a download, it still runs nothing.
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Accept-Ranges": "bytes",
    "Cache-Control": "private",
  });
  if (row.etag) headers.set("ETag", row.etag);

  const ifNoneMatch = req.headers.get("If-None-Match");
  if (row.etag && ifNoneMatch && etagMatches(ifNoneMatch, row.etag)) {
    return new Response(null, { status: 304, headers });
  }

  // A Range for another version of the file (If-Range mismatch) gets the whole new one.
  const ifRange = req.headers.get("If-Range");
  const rangeHeader = ifRange && ifRange !== row.etag ? null : req.headers.get("Range");
  const range = parseRange(rangeHeader, row.size);
  if (range.kind === "unsatisfiable") {
    throw new ApiError(416, ErrorCode.invalidRequest, "range not satisfiable", undefined, {
      "Content-Range": `bytes */${row.size}`,
    });
  }

  const object = await env.FILES.get(
    row.r2Key,
    range.kind === "partial" ? { range: { offset: range.offset, length: range.length } } : undefined,
  );
  if (!object) throw notFound("file content is missing");
  if (range.kind === "partial") {
    headers.set("Content-Range", contentRange(range.offset, range.length, row.size));
    return new Response(object.body, { status: 206, headers });
  }
  return new Response(object.body, { status: 200, headers });
}
