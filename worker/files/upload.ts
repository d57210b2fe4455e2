import { deleteParts, type FileRow, listStoredParts, markFileReady, putPart, requireFile } from "../db/files";
import type { Bindings } from "../http/env";
import { conflict, invalidRequest, notFound } from "../http/errors";
import type { FilePart } from "../protocol";
import { checkDeclaredLength, exactLength, lengthError } from "./exact-length";
import { detectType } from "./sniff";

export const isMultipart = (row: FileRow) => row.partSize !== null && row.partSize < row.size;
export const partCount = (row: FileRow) => Math.ceil(row.size / (row.partSize ?? row.size));

/** Every part is `partSize` bytes except the last, which is the remainder. */
export function expectedPartSize(row: FileRow, n: number): number {
  const partSize = row.partSize ?? row.size;
  return n < partCount(row) ? partSize : row.size - partSize * (n - 1);
}

function requireBody(req: Request): ReadableStream<Uint8Array> {
  if (!req.body) throw invalidRequest("missing body");
  return req.body;
}

function requirePendingSingle(row: FileRow): void {
  if (row.status === "ready") throw conflict("file is already uploaded");
  if (isMultipart(row)) {
    throw invalidRequest("this file uploads in parts: PUT /api/files/:id/parts/:n");
  }
}

function requireOpenMultipart(row: FileRow): string {
  if (row.status === "ready") throw conflict("file is already uploaded");
  if (!isMultipart(row)) throw invalidRequest("this file uploads in one piece: PUT /api/files/:id/content");
  if (row.uploadId === null) throw conflict("the upload is not open yet");
  return row.uploadId;
}

async function markReady(env: Bindings, row: FileRow, etag: string, now: number): Promise<FileRow> {
  const detectedType = await detectType(env, row.r2Key, row.size);
  const ready = await markFileReady(env.DB, row.id, { etag, detectedType, completedAt: now });
  if (!ready) throw notFound("no such file");
  return ready;
}

export async function uploadSingle(env: Bindings, row: FileRow, req: Request, now: number): Promise<FileRow> {
  requirePendingSingle(row);
  checkDeclaredLength(req, row.size);
  const body = exactLength(requireBody(req), row.size);
  let etag: string;
  try {
    const object = await env.FILES.put(row.r2Key, body.stream);
    // Only a put with an `onlyIf` condition answers null.
    if (!object) throw new Error("R2 put stored nothing");
    etag = object.httpEtag;
  } catch (err) {
    // Whatever R2 may have kept of a refused body must not outlive the refusal.
    await env.FILES.delete(row.r2Key);
    throw lengthError(body.verdict(), row.size, err);
  }
  return markReady(env, row, etag, now);
}

export async function uploadPart(env: Bindings, row: FileRow, n: number, req: Request, now: number): Promise<FilePart> {
  const uploadId = requireOpenMultipart(row);
  if (n > partCount(row)) throw invalidRequest(`part number must be between 1 and ${partCount(row)}`);
  const size = expectedPartSize(row, n);
  checkDeclaredLength(req, size);
  const body = exactLength(requireBody(req), size);
  let etag: string;
  try {
    const upload = env.FILES.resumeMultipartUpload(row.r2Key, uploadId);
    etag = (await upload.uploadPart(n, body.stream)).etag;
  } catch (err) {
    throw lengthError(body.verdict(), size, err);
  }
  await putPart(env.DB, { fileId: row.id, partNumber: n, size, etag, uploadedAt: now });
  return { partNumber: n, size };
}

export async function listParts(env: Bindings, row: FileRow): Promise<FilePart[]> {
  const parts = await listStoredParts(env.DB, row.id);
  return parts.map(({ partNumber, size }) => ({ partNumber, size }));
}

/**
 * The file as an earlier complete left it: ready in D1, or assembled in R2
 * by a complete whose request died before D1 heard of it (then it is
 * marked ready now). Null when no complete has finished.
 */
async function completedBefore(env: Bindings, row: FileRow, now: number): Promise<FileRow | null> {
  const current = await requireFile(env.DB, row.id);
  if (current.status === "ready") return current;
  const object = await env.FILES.head(row.r2Key);
  if (object === null || object.size !== row.size) return null;
  return markReady(env, current, object.httpEtag, now);
}

/**
 * Idempotent: a retry after a lost answer, or a second complete racing
 * the first, gets the ready file too, never an error.
 */
export async function completeMultipart(env: Bindings, row: FileRow, now: number): Promise<FileRow> {
  if (row.status === "ready" && isMultipart(row)) return row;
  const uploadId = requireOpenMultipart(row);
  const parts = await listStoredParts(env.DB, row.id);
  const have = new Set(parts.map((p) => p.partNumber));
  const missing: number[] = [];
  for (let n = 1; n <= partCount(row); n++) if (!have.has(n)) missing.push(n);
  let object: R2Object;
  try {
    // A racing complete may already have cleared the parts (and so "missing" is stale).
    if (missing.length > 0) throw invalidRequest(`missing parts: ${missing.join(", ")}`, { missing });
    const upload = env.FILES.resumeMultipartUpload(row.r2Key, uploadId);
    object = await upload.complete(parts.map(({ partNumber, etag }) => ({ partNumber, etag })));
  } catch (err) {
    // R2 refuses to complete an upload twice; the first complete's result stands.
    const done = await completedBefore(env, row, now);
    if (done) return done;
    throw err;
  }
  const ready = await markReady(env, row, object.httpEtag, now);
  await deleteParts(env.DB, row.id);
  return ready;
}
