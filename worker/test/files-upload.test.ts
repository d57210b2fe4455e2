import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../ids";
import type { ErrorBody, FileInfo } from "../protocol";
import {
  call,
  createFile,
  fileRow,
  json,
  makeConversation,
  makeUser,
  type Person,
  pseudoRandomBytes,
  sha256,
  streamOf,
} from "./files-fixtures";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

async function setup() {
  const alice = await makeUser();
  const bob = await makeUser();
  const conversationId = await makeConversation([alice, bob]);
  return { alice, bob, conversationId };
}

const post = (token: string, body: unknown) =>
  call("/api/files", {
    method: "POST",
    token,
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" },
  });

const putContent = (id: string, who: Person, body: BodyInit) =>
  call(`/api/files/${id}/content`, { method: "PUT", token: who.token, body });

describe("POST /api/files", () => {
  it("plans a single upload up to 10 MiB and a multipart one above", async () => {
    const { alice, conversationId } = await setup();
    const small = await createFile(alice.token, {
      conversationId,
      name: "a.txt",
      size: 10 * MiB,
      contentType: "text/plain",
    });
    expect(small.upload).toEqual({ method: "single", partSize: 10 * MiB });
    expect(small.file).toMatchObject({
      conversationId,
      uploaderId: alice.id,
      name: "a.txt",
      size: 10 * MiB,
      contentType: "text/plain",
      status: "pending",
    });
    const big = await createFile(alice.token, {
      conversationId,
      name: "b.mp4",
      size: 10 * MiB + 1,
      contentType: "Video/MP4",
    });
    expect(big.upload).toEqual({ method: "multipart", partSize: 8 * MiB });
    expect(big.file.contentType).toBe("video/mp4");
    expect((await fileRow(big.file.id))?.upload_id).toEqual(expect.any(String));
  });

  it("refuses bad names, sizes and content types with 400", async () => {
    const { alice, conversationId } = await setup();
    const ok = { conversationId, name: "ok.png", size: 10, contentType: "image/png" };
    for (const patch of [
      { name: "" },
      { name: "x".repeat(256) },
      { name: "../etc/passwd" },
      { name: "a\\b" },
      { name: "a\u0000b" },
      { name: "line\nbreak" },
      { name: "evil\u202Egnp.exe" },
      { name: ".." },
      { size: 0 },
      { size: 1.5 },
      { size: 2 * GiB + 1 },
      { size: "10" },
      { contentType: "png" },
      { contentType: "image/png\r\nX-Evil: 1" },
      { conversationId: 42 },
    ]) {
      const res = await post(alice.token, { ...ok, ...patch });
      const body = await json<ErrorBody>(res, 400);
      expect(body.error.code, JSON.stringify(patch)).toBe("invalid_request");
    }
    await createFile(alice.token, { ...ok, name: "ünïcødé 📎 (1).png", size: 2 * 1024 ** 3 });
  });

  it("is for members only: 403 for a stranger, 404 for an unknown conversation, 401 without a token", async () => {
    const { conversationId } = await setup();
    const stranger = await makeUser();
    const body = { conversationId, name: "a.txt", size: 5, contentType: "text/plain" };
    expect((await json<ErrorBody>(await post(stranger.token, body), 403)).error.code).toBe("forbidden");
    expect((await post(stranger.token, { ...body, conversationId: "c_nope" })).status).toBe(404);
    expect((await call("/api/files", { method: "POST", body: JSON.stringify(body) })).status).toBe(401);
  });

  it("refuses a file that would take the uploader over the 5 GiB quota with 413", async () => {
    const { alice, conversationId } = await setup();
    const now = Date.now();
    // Pending and ready files both count.
    for (const [size, status] of [
      [2 * GiB, "ready"],
      [2 * GiB, "pending"],
      [GiB - 1000, "ready"],
    ] as const) {
      await env.DB.prepare(
        "INSERT INTO files (id, conversation_id, uploader_id, name, size, content_type, status, r2_key, created_at) VALUES (?, ?, ?, 'big', ?, 'application/octet-stream', ?, 'c/x/y', ?)",
      )
        .bind(newId("f"), conversationId, alice.id, size, status, now)
        .run();
    }
    const over = await post(alice.token, {
      conversationId,
      name: "one.too.many",
      size: 1001,
      contentType: "text/plain",
    });
    expect((await json<ErrorBody>(over, 413)).error.code).toBe("too_large");
    // Exactly at the quota is still allowed, and the quota is per user.
    await createFile(alice.token, { conversationId, name: "fits", size: 1000, contentType: "text/plain" });
    expect((await post(alice.token, { conversationId, name: "x", size: 1, contentType: "text/plain" })).status).toBe(
      413,
    );
  });
});

describe("PUT /api/files/:id/content", () => {
  it("stores the bytes once; a ready file cannot be overwritten", async () => {
    const { alice, bob, conversationId } = await setup();
    const data = pseudoRandomBytes(100_000, 7);
    const { file } = await createFile(alice.token, {
      conversationId,
      name: "d.bin",
      size: data.byteLength,
      contentType: "application/octet-stream",
    });
    expect((await json<ErrorBody>(await putContent(file.id, bob, data), 403)).error.code).toBe("forbidden");
    const done = await json<{ file: FileInfo }>(await putContent(file.id, alice, data), 200);
    expect(done.file.status).toBe("ready");
    const res = await call(`/api/files/${file.id}`, { token: bob.token });
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(data);
    expect((await putContent(file.id, alice, pseudoRandomBytes(100_000, 8))).status).toBe(409);
  });

  /** A pending 1000-byte single upload of Alice's. */
  const pendingFile = async () => {
    const { alice, conversationId } = await setup();
    const { file } = await createFile(alice.token, {
      conversationId,
      name: "x",
      size: 1000,
      contentType: "text/plain",
    });
    return { alice, conversationId, file };
  };

  for (const how of ["with a Content-Length", "streamed without a length"] as const) {
    const body = (bytes: Uint8Array<ArrayBuffer>) =>
      how === "streamed without a length" ? streamOf(bytes.subarray(0, 600), bytes.subarray(600)) : bytes;

    it(`refuses a body longer than declared with 413 and stores nothing (${how})`, async () => {
      const { alice, conversationId, file } = await pendingFile();
      const res = await putContent(file.id, alice, body(pseudoRandomBytes(1500)));
      expect((await json<ErrorBody>(res, 413)).error.code).toBe("too_large");
      expect(await env.FILES.head(`c/${conversationId}/${file.id}`)).toBeNull();
      expect((await fileRow(file.id))?.status).toBe("pending");
      // The upload can still be done right afterwards.
      await json(await putContent(file.id, alice, pseudoRandomBytes(1000)), 200);
    });

    it(`refuses a body shorter than declared with 400 and stores nothing (${how})`, async () => {
      const { alice, conversationId, file } = await pendingFile();
      const res = await putContent(file.id, alice, body(pseudoRandomBytes(999)));
      expect((await json<ErrorBody>(res, 400)).error.code).toBe("invalid_request");
      expect(await env.FILES.head(`c/${conversationId}/${file.id}`)).toBeNull();
      expect((await fileRow(file.id))?.status).toBe("pending");
    });
  }

  it("refuses a single upload for a multipart file", async () => {
    const { alice, conversationId } = await setup();
    const { file } = await createFile(alice.token, {
      conversationId,
      name: "x",
      size: 20 * MiB,
      contentType: "text/plain",
    });
    expect((await putContent(file.id, alice, pseudoRandomBytes(10))).status).toBe(400);
  });
});

describe("multipart parts and completion", () => {
  async function multipart() {
    const s = await setup();
    // Two parts: 8 MiB and 2 MiB + 1 byte.
    const { file } = await createFile(s.alice.token, {
      conversationId: s.conversationId,
      name: "two-parts",
      size: 10 * MiB + 1,
      contentType: "application/octet-stream",
    });
    const putPart = (n: string | number, body: BodyInit, who = s.alice) =>
      call(`/api/files/${file.id}/parts/${n}`, { method: "PUT", token: who.token, body });
    return { ...s, file, putPart };
  }

  it("refuses part numbers out of range with 400", async () => {
    const { putPart } = await multipart();
    for (const n of ["0", "3", "-1", "1.5", "x", "99999999"]) {
      expect((await json<ErrorBody>(await putPart(n, pseudoRandomBytes(1)), 400)).error.code, n).toBe(
        "invalid_request",
      );
    }
  });

  it("refuses a part of the wrong length and keeps nothing of it", async () => {
    const { alice, file, putPart } = await multipart();
    expect((await putPart(2, pseudoRandomBytes(2 * MiB + 2))).status).toBe(413);
    expect((await putPart(2, streamOf(pseudoRandomBytes(2 * MiB + 2)))).status).toBe(413);
    expect((await putPart(2, pseudoRandomBytes(2 * MiB))).status).toBe(400);
    expect((await putPart(1, pseudoRandomBytes(8 * MiB - 1))).status).toBe(400);
    expect((await putPart(1, streamOf(pseudoRandomBytes(MiB)))).status).toBe(400);
    const listed = await json<{ parts: unknown[] }>(
      await call(`/api/files/${file.id}/parts`, { token: alice.token }),
      200,
    );
    expect(listed.parts).toEqual([]);
  });

  it("only the uploader sends parts", async () => {
    const { bob, putPart } = await multipart();
    expect((await putPart(2, pseudoRandomBytes(1), bob)).status).toBe(403);
  });

  it("refuses to complete with missing parts, naming them", async () => {
    const { alice, file, putPart } = await multipart();
    await json(await putPart(2, pseudoRandomBytes(2 * MiB + 1)), 200);
    const res = await call(`/api/files/${file.id}/complete`, { method: "POST", token: alice.token });
    const body = await json<ErrorBody>(res, 400);
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toContain("1");
    expect(body.error.details).toEqual({ missing: [1] });
    expect((await fileRow(file.id))?.status).toBe("pending");
  });

  /** Both parts uploaded; the bytes of the whole file. */
  async function allParts() {
    const m = await multipart();
    const data = pseudoRandomBytes(10 * MiB + 1);
    await json(await m.putPart(1, data.subarray(0, 8 * MiB)), 200);
    await json(await m.putPart(2, data.subarray(8 * MiB)), 200);
    const complete = () => call(`/api/files/${m.file.id}/complete`, { method: "POST", token: m.alice.token });
    return { ...m, data, complete };
  }

  async function expectReadyAndWhole(m: Awaited<ReturnType<typeof allParts>>, res: Response) {
    const { file } = await json<{ file: FileInfo }>(res, 200);
    expect(file).toMatchObject({ id: m.file.id, status: "ready", size: 10 * MiB + 1 });
    const whole = await call(`/api/files/${m.file.id}`, { token: m.bob.token });
    expect(whole.status).toBe(200);
    expect(await sha256(await whole.arrayBuffer())).toBe(await sha256(m.data));
  }

  it("answers a complete retried after R2 finished but the answer was lost with 200 {file}", async () => {
    const m = await allParts();
    // The first complete got as far as R2, then its request died: D1 still says pending.
    const row = await env.DB.prepare("SELECT r2_key, upload_id FROM files WHERE id = ?")
      .bind(m.file.id)
      .first<{ r2_key: string; upload_id: string }>();
    const parts = await env.DB.prepare(
      "SELECT part_number, etag FROM file_parts WHERE file_id = ? ORDER BY part_number",
    )
      .bind(m.file.id)
      .all<{ part_number: number; etag: string }>();
    await env.FILES.resumeMultipartUpload(row?.r2_key ?? "", row?.upload_id ?? "").complete(
      parts.results.map((p) => ({ partNumber: p.part_number, etag: p.etag })),
    );
    await expectReadyAndWhole(m, await m.complete());
    expect((await fileRow(m.file.id))?.upload_id).toBeNull();
    // And once more, now that D1 knows.
    await expectReadyAndWhole(m, await m.complete());
  });

  it("answers two concurrent completes both with 200 {file}", async () => {
    const m = await allParts();
    const [a, b] = await Promise.all([m.complete(), m.complete()]);
    await expectReadyAndWhole(m, a);
    await expectReadyAndWhole(m, b);
  });
});
