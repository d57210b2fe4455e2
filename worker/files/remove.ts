import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { fileParts, files } from "../db/schema";
import type { Bindings } from "../http/env";
import type { FileRow } from "./store";

/**
 * Aborts an open multipart upload, deletes the object, then the rows. The
 * row goes last so a failure half-way leaves something to retry from, and
 * its quota is only given back once the bytes are gone.
 */
export async function removeFile(env: Bindings, row: FileRow): Promise<void> {
  if (row.uploadId !== null) {
    try {
      await env.FILES.resumeMultipartUpload(row.r2Key, row.uploadId).abort();
    } catch {
      // Already completed or aborted: nothing left to abort.
    }
  }
  await env.FILES.delete(row.r2Key);
  const db = drizzle(env.DB);
  await db.batch([
    db.delete(fileParts).where(eq(fileParts.fileId, row.id)),
    db.delete(files).where(eq(files.id, row.id)),
  ]);
}
