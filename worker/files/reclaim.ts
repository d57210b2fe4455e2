import { getFile } from "../db/files";
import type { Bindings } from "../http/env";
import { removeFile } from "./remove";

/** Per alarm run; the rest waits for the next one. */
const RECLAIM_BATCH = 50;

/** The conversation's durable queue of files whose bytes must go (its log store provides it). */
export interface ReclaimQueue {
  reclaimQueue(limit: number): string[];
  reclaimDone(fileId: string): void;
}

/**
 * Deletes the bytes and rows of files the conversation queued when their
 * last message was deleted. Queued files can no longer be sent (the log
 * refuses them), so nothing can reference a file between the check and the
 * delete. Only files of this conversation are touched. Returns false if
 * something failed and is still queued.
 */
export async function reclaimFiles(env: Bindings, queue: ReclaimQueue, conversationId: string): Promise<boolean> {
  let ok = true;
  for (const fileId of queue.reclaimQueue(RECLAIM_BATCH)) {
    try {
      const row = await getFile(env.DB, fileId);
      if (row && row.conversationId === conversationId) await removeFile(env, row);
      queue.reclaimDone(fileId);
    } catch (err) {
      ok = false;
      console.error("file reclaim failed", fileId, err instanceof Error ? err.name : "non-error thrown");
    }
  }
  return ok;
}
