import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cleanupStaleUploads, STALE_UPLOAD_MS } from "../files/cleanup";
import { call, createFile, json, makeConversation, makeUser, pseudoRandomBytes } from "./files-fixtures";

const MiB = 1024 * 1024;

const ageFile = (id: string, createdAt: number) =>
  env.DB.prepare("UPDATE files SET created_at = ? WHERE id = ?").bind(createdAt, id).run();
const exists = async (id: string) =>
  (await env.DB.prepare("SELECT 1 AS x FROM files WHERE id = ?").bind(id).first()) !== null;

describe("cleanupStaleUploads", () => {
  it("aborts and deletes pending uploads older than 24 h and leaves the rest", async () => {
    const alice = await makeUser();
    const conversationId = await makeConversation([alice]);
    const now = Date.now();
    const old = now - STALE_UPLOAD_MS - 1000;

    const staleMulti = await createFile(alice.token, {
      conversationId,
      name: "m",
      size: 20 * MiB,
      contentType: "text/plain",
    });
    const part = pseudoRandomBytes(8 * MiB);
    await json(
      await call(`/api/files/${staleMulti.file.id}/parts/1`, { method: "PUT", token: alice.token, body: part }),
      200,
    );
    const staleSingle = await createFile(alice.token, {
      conversationId,
      name: "s",
      size: 10,
      contentType: "text/plain",
    });
    const freshPending = await createFile(alice.token, {
      conversationId,
      name: "f",
      size: 10,
      contentType: "text/plain",
    });
    const oldReady = await createFile(alice.token, { conversationId, name: "r", size: 10, contentType: "text/plain" });
    await json(
      await call(`/api/files/${oldReady.file.id}/content`, {
        method: "PUT",
        token: alice.token,
        body: pseudoRandomBytes(10),
      }),
      200,
    );
    for (const id of [staleMulti.file.id, staleSingle.file.id, oldReady.file.id]) await ageFile(id, old);
    const uploadId = (
      await env.DB.prepare("SELECT upload_id FROM files WHERE id = ?")
        .bind(staleMulti.file.id)
        .first<{ upload_id: string }>()
    )?.upload_id;

    const upload = env.FILES.resumeMultipartUpload(`c/${conversationId}/${staleMulti.file.id}`, uploadId ?? "");
    // Control: the open upload takes parts before the cleanup.
    await upload.uploadPart(2, pseudoRandomBytes(16));

    expect(await cleanupStaleUploads(env, now)).toBe(2);

    expect(await exists(staleMulti.file.id)).toBe(false);
    expect(await exists(staleSingle.file.id)).toBe(false);
    expect(await exists(freshPending.file.id)).toBe(true);
    expect(await exists(oldReady.file.id)).toBe(true);
    expect(await env.FILES.head(`c/${conversationId}/${oldReady.file.id}`)).not.toBeNull();
    const parts = await env.DB.prepare("SELECT COUNT(*) AS n FROM file_parts WHERE file_id = ?")
      .bind(staleMulti.file.id)
      .first<{ n: number }>();
    expect(parts?.n).toBe(0);
    // The R2 multipart upload was aborted: it takes no more parts.
    await expect(upload.uploadPart(2, pseudoRandomBytes(16))).rejects.toThrow();
    // Nothing left to do on a second run.
    expect(await cleanupStaleUploads(env, now)).toBe(0);
  });
});
