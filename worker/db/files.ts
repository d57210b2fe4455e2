// File metadata: one `files` row per upload, and the etags of an open
// multipart upload's parts (the R2 binding cannot list them).
import { and, asc, eq, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { notFound } from "../http/errors";
import { fileParts, files } from "./schema";

export type FileRow = typeof files.$inferSelect;

export interface NewFile {
  id: string;
  conversationId: string;
  uploaderId: string;
  name: string;
  size: number;
  contentType: string;
  r2Key: string;
  partSize: number;
  createdAt: number;
}

/**
 * Inserts a pending file unless it would take the uploader past `quotaBytes`;
 * false when it would. The quota check and the insert are one statement, so
 * two concurrent creates cannot both slip under the quota.
 */
export async function insertFileWithinQuota(d1: D1Database, f: NewFile, quotaBytes: number): Promise<boolean> {
  const result = await drizzle(d1)
    .insert(files)
    // Raw SELECT: drizzle's select always has a FROM, and this conditional
    // insert of literal values has none. Columns in table order.
    .select(
      sql`SELECT ${f.id}, ${f.conversationId}, ${f.uploaderId}, ${f.name}, ${f.size}, ${f.contentType}, 'pending',
                 ${f.r2Key}, NULL, ${f.partSize}, NULL, NULL, ${f.createdAt}, NULL
          WHERE (SELECT COALESCE(SUM(${files.size}), 0) FROM ${files} WHERE ${files.uploaderId} = ${f.uploaderId})
                + ${f.size} <= ${quotaBytes}`,
    );
  return result.meta.changes === 1;
}

export async function getFile(d1: D1Database, id: string): Promise<FileRow | null> {
  return (await drizzle(d1).select().from(files).where(eq(files.id, id)).get()) ?? null;
}

export async function requireFile(d1: D1Database, id: string): Promise<FileRow> {
  const row = await getFile(d1, id);
  if (!row) throw notFound("no such file");
  return row;
}

/** What a file message needs of the file's row; null for an unknown id. */
export async function getFileFacts(d1: D1Database, fileId: string) {
  const row = await drizzle(d1)
    .select({
      id: files.id,
      conversationId: files.conversationId,
      name: files.name,
      size: files.size,
      status: files.status,
      detectedType: files.detectedType,
    })
    .from(files)
    .where(eq(files.id, fileId))
    .get();
  return row ?? null;
}

export async function setUploadId(d1: D1Database, fileId: string, uploadId: string): Promise<void> {
  await drizzle(d1).update(files).set({ uploadId }).where(eq(files.id, fileId));
}

/** The file row and its parts, together (its quota is given back with it). */
export async function deleteFileRows(d1: D1Database, fileId: string): Promise<void> {
  const db = drizzle(d1);
  await db.batch([
    db.delete(fileParts).where(eq(fileParts.fileId, fileId)),
    db.delete(files).where(eq(files.id, fileId)),
  ]);
}

/** The ready row, or null when the file is gone. */
export async function markFileReady(
  d1: D1Database,
  fileId: string,
  ready: { etag: string; detectedType: string | null; completedAt: number },
): Promise<FileRow | null> {
  const [row] = await drizzle(d1)
    .update(files)
    .set({ status: "ready", ...ready, uploadId: null })
    .where(eq(files.id, fileId))
    .returning();
  return row ?? null;
}

/** Pending uploads created before `before`, oldest first. */
export function listStaleUploads(d1: D1Database, before: number, limit: number): Promise<FileRow[]> {
  return drizzle(d1)
    .select()
    .from(files)
    .where(and(eq(files.status, "pending"), lt(files.createdAt, before)))
    .orderBy(asc(files.createdAt))
    .limit(limit);
}

/** A re-sent part replaces the earlier one: R2 keeps the last upload of a number. */
export async function putPart(
  d1: D1Database,
  part: { fileId: string; partNumber: number; size: number; etag: string; uploadedAt: number },
): Promise<void> {
  const { size, etag, uploadedAt } = part;
  await drizzle(d1)
    .insert(fileParts)
    .values(part)
    .onConflictDoUpdate({ target: [fileParts.fileId, fileParts.partNumber], set: { size, etag, uploadedAt } });
}

export function listStoredParts(d1: D1Database, fileId: string) {
  return drizzle(d1)
    .select({ partNumber: fileParts.partNumber, size: fileParts.size, etag: fileParts.etag })
    .from(fileParts)
    .where(eq(fileParts.fileId, fileId))
    .orderBy(asc(fileParts.partNumber));
}

export async function deleteParts(d1: D1Database, fileId: string): Promise<void> {
  await drizzle(d1).delete(fileParts).where(eq(fileParts.fileId, fileId));
}
