import { listStaleUploads } from "../db/files";
import type { Bindings } from "../http/env";
import { removeFile } from "./remove";

/** Uploads not completed within this time are abandoned. */
export const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;
/** Per run, so one cron invocation stays well inside its limits; the next run takes the rest. */
const BATCH = 200;

/**
 * Aborts and deletes pending uploads older than 24 h, giving their quota
 * back. Meant for a cron trigger; returns how many it removed.
 */
export async function cleanupStaleUploads(env: Bindings, now: number): Promise<number> {
  const stale = await listStaleUploads(env.DB, now - STALE_UPLOAD_MS, BATCH);
  let removed = 0;
  for (const row of stale) {
    try {
      await removeFile(env, row);
      removed += 1;
    } catch (err) {
      console.error("stale upload cleanup failed", row.id, err instanceof Error ? err.name : "non-error thrown");
    }
  }
  return removed;
}
