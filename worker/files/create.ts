import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type * as v from "valibot";
import { files } from "../db/schema";
import type { Bindings } from "../http/env";
import { tooLarge } from "../http/errors";
import { newId } from "../ids";
import { type FileCreated, FileLimits } from "../protocol";
import type { createFileBody } from "./schemas";
import { r2KeyFor, requireFile, requireMember, toFileInfo } from "./store";

type CreateInput = v.InferOutput<typeof createFileBody>;

/**
 * The quota check and the insert are one statement, so two concurrent
 * creates cannot both slip under the quota.
 */
const INSERT_WITHIN_QUOTA = `
INSERT INTO files (id, conversation_id, uploader_id, name, size, content_type, status, r2_key, part_size, created_at)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, ?9
WHERE (SELECT COALESCE(SUM(size), 0) FROM files WHERE uploader_id = ?3) + ?5 <= ?10`;

export async function createFile(env: Bindings, userId: string, input: CreateInput, now: number): Promise<FileCreated> {
  await requireMember(env, input.conversationId, userId);
  const id = newId("f");
  const key = r2KeyFor(input.conversationId, id);
  const multipart = input.size > FileLimits.singleMax;
  const partSize = multipart ? FileLimits.partSize : input.size;

  const result = await env.DB.prepare(INSERT_WITHIN_QUOTA)
    .bind(
      id,
      input.conversationId,
      userId,
      input.name,
      input.size,
      input.contentType,
      key,
      partSize,
      now,
      FileLimits.quotaBytes,
    )
    .run();
  if (result.meta.changes !== 1) throw tooLarge(`storage quota of ${FileLimits.quotaBytes} bytes exceeded`);

  if (multipart) {
    try {
      const upload = await env.FILES.createMultipartUpload(key);
      await drizzle(env.DB).update(files).set({ uploadId: upload.uploadId }).where(eq(files.id, id));
    } catch (err) {
      // Without an upload id the row is useless; give the quota back.
      await drizzle(env.DB).delete(files).where(eq(files.id, id));
      throw err;
    }
  }
  const row = await requireFile(env, id);
  return { file: toFileInfo(row), upload: { method: multipart ? "multipart" : "single", partSize } };
}
