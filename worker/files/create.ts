import type * as v from "valibot";
import { deleteFileRows, insertFileWithinQuota, requireFile, setUploadId } from "../db/files";
import { requireVoice } from "../do/access";
import type { Bindings } from "../http/env";
import { tooLarge } from "../http/errors";
import { newId } from "../ids";
import { type FileCreated, FileLimits } from "../protocol";
import type { createFileBody } from "./schemas";
import { r2KeyFor, toFileInfo } from "./store";

type CreateInput = v.InferOutput<typeof createFileBody>;

export async function createFile(env: Bindings, userId: string, input: CreateInput, now: number): Promise<FileCreated> {
  // The object's word, not D1's index: a removed member (or a blocked DM) gets 403 at once.
  await requireVoice(env, input.conversationId, userId);
  const id = newId("f");
  const key = r2KeyFor(input.conversationId, id);
  const multipart = input.size > FileLimits.singleMax;
  const partSize = multipart ? FileLimits.partSize : input.size;

  const inserted = await insertFileWithinQuota(
    env.DB,
    {
      id,
      conversationId: input.conversationId,
      uploaderId: userId,
      name: input.name,
      size: input.size,
      contentType: input.contentType,
      r2Key: key,
      partSize,
      createdAt: now,
    },
    FileLimits.quotaBytes,
  );
  if (!inserted) throw tooLarge(`storage quota of ${FileLimits.quotaBytes} bytes exceeded`);

  if (multipart) {
    try {
      const upload = await env.FILES.createMultipartUpload(key);
      await setUploadId(env.DB, id, upload.uploadId);
    } catch (err) {
      // Without an upload id the row is useless; give the quota back.
      await deleteFileRows(env.DB, id);
      throw err;
    }
  }
  const row = await requireFile(env.DB, id);
  return { file: toFileInfo(row), upload: { method: multipart ? "multipart" : "single", partSize } };
}
