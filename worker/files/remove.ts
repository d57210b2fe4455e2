import { deleteFileRows, type FileRow } from "../db/files";
import type { Bindings } from "../http/env";

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
  await deleteFileRows(env.DB, row.id);
}
