import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { FileInfo, FilePart } from "../protocol";
import {
  call,
  createFile,
  fileRow,
  json,
  makeConversation,
  makeUser,
  pseudoRandomBytes,
  sha256,
  streamOf,
} from "./files-fixtures";

const MiB = 1024 * 1024;

describe("multipart upload of a 50 MiB file", () => {
  it("resumes after an interruption, completes, and reads back exactly", { timeout: 180_000 }, async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const conversationId = await makeConversation([alice, bob]);
    const data = pseudoRandomBytes(50 * MiB);
    const created = await createFile(alice.token, {
      conversationId,
      name: "big.bin",
      size: data.byteLength,
      contentType: "application/octet-stream",
    });
    expect(created.upload).toEqual({ method: "multipart", partSize: 8 * MiB });
    const id = created.file.id;
    const part = (n: number) => data.subarray((n - 1) * 8 * MiB, Math.min(n * 8 * MiB, data.byteLength));
    const putPart = (n: number, body: BodyInit, token = alice.token) =>
      call(`/api/files/${id}/parts/${n}`, { method: "PUT", token, body });

    // First session: three parts, then the connection breaks inside part 4.
    for (const n of [1, 2, 3]) {
      expect(await json(await putPart(n, part(n)), 200)).toEqual({ partNumber: n, size: 8 * MiB });
    }
    const broken = await putPart(4, streamOf(part(4).subarray(0, 3 * MiB)));
    expect(broken.status).toBe(400);
    await broken.body?.cancel();

    // Not readable while pending, and only the uploader may look at the parts.
    expect((await call(`/api/files/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call(`/api/files/${id}/parts`, { token: bob.token })).status).toBe(403);

    // Second session: ask what is there and send the rest.
    const { parts } = await json<{ parts: FilePart[] }>(
      await call(`/api/files/${id}/parts`, { token: alice.token }),
      200,
    );
    expect(parts).toEqual([1, 2, 3].map((n) => ({ partNumber: n, size: 8 * MiB })));
    const have = new Set(parts.map((p) => p.partNumber));
    for (let n = 1; n <= 7; n++) {
      if (have.has(n)) continue;
      const expected = n === 7 ? 2 * MiB : 8 * MiB;
      expect(await json(await putPart(n, part(n)), 200)).toEqual({ partNumber: n, size: expected });
    }
    // Re-sending a part replaces it (the same bytes here, so the result must still match).
    await json(await putPart(2, part(2)), 200);

    const done = await json<{ file: FileInfo }>(
      await call(`/api/files/${id}/complete`, { method: "POST", token: alice.token }),
      200,
    );
    expect(done.file).toMatchObject({ id, status: "ready", size: 50 * MiB });
    expect((await fileRow(id))?.upload_id).toBeNull();

    // The other member downloads it whole.
    const whole = await call(`/api/files/${id}`, { token: bob.token });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("Accept-Ranges")).toBe("bytes");
    expect(whole.headers.get("Content-Type")).toBe("application/octet-stream");
    const etag = whole.headers.get("ETag");
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(await sha256(await whole.arrayBuffer())).toBe(await sha256(data));

    // Ranges at the start, across a part boundary, open-ended and as a suffix.
    const total = data.byteLength;
    const cases: Array<[string, number, number]> = [
      ["bytes=0-99", 0, 100],
      [`bytes=${8 * MiB - 50}-${8 * MiB + 49}`, 8 * MiB - 50, 100],
      [`bytes=${total - 1000}-`, total - 1000, 1000],
      ["bytes=-4096", total - 4096, 4096],
    ];
    for (const [range, offset, length] of cases) {
      const res = await call(`/api/files/${id}`, { token: bob.token, headers: { Range: range } });
      expect(res.status, range).toBe(206);
      expect(res.headers.get("Content-Range")).toBe(`bytes ${offset}-${offset + length - 1}/${total}`);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(data.subarray(offset, offset + length));
    }

    const cached = await call(`/api/files/${id}`, { token: bob.token, headers: { "If-None-Match": etag ?? "" } });
    expect(cached.status).toBe(304);
    expect(cached.headers.get("ETag")).toBe(etag);
    expect(await cached.text()).toBe("");

    // Completing again (a retry whose answer was lost) changes nothing.
    await json(await call(`/api/files/${id}/complete`, { method: "POST", token: alice.token }), 200);
    expect((await env.FILES.head(`c/${conversationId}/${id}`))?.size).toBe(total);
  });
});
