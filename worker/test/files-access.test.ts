import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signedFileUrl } from "../files/signing";
import type { ErrorBody, FileInfo } from "../protocol";
import {
  call,
  createFile,
  json,
  makeConversation,
  makeUser,
  type Person,
  pseudoRandomBytes,
  removeMember,
} from "./files-fixtures";

/** A 1x1 PNG: real magic bytes, so type detection sees an image. */
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
  (ch) => ch.charCodeAt(0),
);
const HTML = new TextEncoder().encode("<!doctype html><script>alert(document.cookie)</script>");
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');
/** file-type reads an XML prolog as application/xml, an active type in a browser. */
const SVG_WITH_PROLOG = new TextEncoder().encode(
  '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
);
const XHTML = new TextEncoder().encode(
  '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
);

async function upload(who: Person, conversationId: string, name: string, contentType: string, bytes: Uint8Array) {
  const { file } = await createFile(who.token, { conversationId, name, size: bytes.byteLength, contentType });
  await json(await call(`/api/files/${file.id}/content`, { method: "PUT", token: who.token, body: bytes }), 200);
  return file;
}

async function setup() {
  const alice = await makeUser();
  const bob = await makeUser();
  const conversationId = await makeConversation([alice, bob]);
  const file = await upload(alice, conversationId, "pic.png", "image/png", PNG);
  return { alice, bob, conversationId, file };
}

const meta = async (id: string, who: Person) =>
  json<{ file: FileInfo; url: string }>(await call(`/api/files/${id}/meta`, { token: who.token }), 200);

describe("who can read a file", () => {
  it("members read; a member of another conversation gets 403; an unknown id 404; no credentials 401", async () => {
    const { bob, file } = await setup();
    const outsider = await makeUser();
    await makeConversation([outsider]);
    expect((await call(`/api/files/${file.id}`, { token: bob.token })).status).toBe(200);
    const refused = await call(`/api/files/${file.id}`, { token: outsider.token });
    expect((await json<ErrorBody>(refused, 403)).error.code).toBe("forbidden");
    expect((await call(`/api/files/${file.id}/meta`, { token: outsider.token })).status).toBe(403);
    expect((await call("/api/files/f_unknown", { token: bob.token })).status).toBe(404);
    expect((await call(`/api/files/${file.id}`)).status).toBe(401);
  });

  it("a pending file is 404 for readers", async () => {
    const { alice, bob, conversationId } = await setup();
    const { file } = await createFile(alice.token, {
      conversationId,
      name: "later",
      size: 5,
      contentType: "text/plain",
    });
    expect((await call(`/api/files/${file.id}`, { token: bob.token })).status).toBe(404);
  });

  it("a member removed from the conversation loses access", async () => {
    const { bob, conversationId, file } = await setup();
    const { url } = await meta(file.id, bob);
    await removeMember(conversationId, bob.id);
    expect((await call(`/api/files/${file.id}`, { token: bob.token })).status).toBe(403);
    expect((await call(url)).status).toBe(403);
  });
});

describe("signed download URLs", () => {
  it("work without a token, for 15 minutes at most", async () => {
    const { bob, file } = await setup();
    const { url, file: info } = await meta(file.id, bob);
    expect(info).toMatchObject({ id: file.id, status: "ready", name: "pic.png" });
    const parsed = new URL(url, "http://x");
    expect(parsed.pathname).toBe(`/api/files/${file.id}`);
    expect(parsed.searchParams.get("u")).toBe(bob.id);
    const exp = Number(parsed.searchParams.get("exp"));
    expect(exp).toBeGreaterThan(Date.now() / 1000);
    expect(exp).toBeLessThanOrEqual(Date.now() / 1000 + 15 * 60 + 1);
    const res = await call(url);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
  });

  it("refuses an expired URL with 403", async () => {
    const { bob, file } = await setup();
    // Signed 16 minutes ago: expired one minute ago.
    const url = await signedFileUrl(env, file.id, bob.id, Date.now() - 16 * 60 * 1000);
    expect((await json<ErrorBody>(await call(url), 403)).error.code).toBe("forbidden");
  });

  it("refuses a tampered signature, user, expiry or file with 403", async () => {
    const { alice, bob, conversationId, file } = await setup();
    const other = await upload(alice, conversationId, "other.png", "image/png", PNG);
    const { url } = await meta(file.id, bob);
    const u = new URL(url, "http://x");
    const sig = u.searchParams.get("sig") ?? "";
    const variants: string[] = [];
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    const withParam = (name: string, value: string) => {
      const v = new URL(u);
      v.searchParams.set(name, value);
      return v.pathname + v.search;
    };
    variants.push(withParam("sig", flip(sig)));
    variants.push(withParam("sig", "short"));
    variants.push(withParam("u", alice.id));
    variants.push(withParam("exp", String(Number(u.searchParams.get("exp")) + 60)));
    variants.push(`/api/files/${other.id}${u.search}`);
    for (const path of variants) expect((await call(path)).status, path).toBe(403);
    expect((await call(url)).status).toBe(200);
  });
});

describe("download headers", () => {
  it("serves safe images inline with their sniffed type, nosniff and a private cache", async () => {
    const { bob, file } = await setup();
    const res = await call(`/api/files/${file.id}`, { token: bob.token });
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("Content-Disposition")).toBe("inline; filename*=UTF-8''pic.png");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Cache-Control")).toBe("private");
    expect(res.headers.get("Accept-Ranges")).toBe("bytes");
  });

  it("makes HTML, SVG and XML attachments served as octet-stream, whatever they were declared as", async () => {
    const { alice, bob, conversationId } = await setup();
    for (const [name, type, bytes] of [
      ["page.html", "text/html", HTML],
      ["logo.svg", "image/svg+xml", SVG],
      ["fake.png", "image/png", HTML],
      ["prolog.svg", "image/svg+xml", SVG_WITH_PROLOG],
      ["prolog.png", "image/png", SVG_WITH_PROLOG],
      ["page.xhtml", "application/xhtml+xml", XHTML],
    ] as const) {
      const file = await upload(alice, conversationId, name, type, bytes);
      const res = await call(`/api/files/${file.id}`, { token: bob.token });
      expect(res.headers.get("Content-Type"), name).toBe("application/octet-stream");
      expect(res.headers.get("Content-Disposition"), name).toBe(`attachment; filename*=UTF-8''${name}`);
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    }
  });

  it("encodes non-ASCII and quote characters in the file name", async () => {
    const { alice, bob, conversationId } = await setup();
    const file = await upload(alice, conversationId, `résumé "final" 'v2'.txt`, "text/plain", pseudoRandomBytes(10));
    const res = await call(`/api/files/${file.id}`, { token: bob.token });
    expect(res.headers.get("Content-Disposition")).toBe(
      "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%20%27v2%27.txt",
    );
  });

  it("answers an unsatisfiable range with 416 and a multi-range request with the whole file", async () => {
    const { bob, file } = await setup();
    const res = await call(`/api/files/${file.id}`, { token: bob.token, headers: { Range: `bytes=${PNG.length}-` } });
    expect(res.status).toBe(416);
    expect(res.headers.get("Content-Range")).toBe(`bytes */${PNG.length}`);
    const multi = await call(`/api/files/${file.id}`, { token: bob.token, headers: { Range: "bytes=0-1,4-5" } });
    expect(multi.status).toBe(200);
    expect((await multi.arrayBuffer()).byteLength).toBe(PNG.length);
  });
});

describe("DELETE /api/files/:id", () => {
  it("the uploader deletes: 204, then 404, object gone, quota freed", async () => {
    const { alice, bob, conversationId, file } = await setup();
    await json(await call(`/api/files/${file.id}`, { method: "DELETE", token: bob.token }), 403);
    const res = await call(`/api/files/${file.id}`, { method: "DELETE", token: alice.token });
    expect(res.status).toBe(204);
    expect((await call(`/api/files/${file.id}`, { token: bob.token })).status).toBe(404);
    expect(await env.FILES.head(`c/${conversationId}/${file.id}`)).toBeNull();
    const used = await env.DB.prepare("SELECT COUNT(*) AS n FROM files WHERE uploader_id = ?")
      .bind(alice.id)
      .first<{ n: number }>();
    expect(used?.n).toBe(0);
  });

  it("a conversation owner deletes someone else's file; an open multipart upload is aborted", async () => {
    const { alice, bob, conversationId } = await setup();
    const { file } = await createFile(bob.token, {
      conversationId,
      name: "big",
      size: 20 * 1024 * 1024,
      contentType: "text/plain",
    });
    const row = await env.DB.prepare("SELECT upload_id FROM files WHERE id = ?")
      .bind(file.id)
      .first<{ upload_id: string }>();
    const upload = env.FILES.resumeMultipartUpload(`c/${conversationId}/${file.id}`, row?.upload_id ?? "");
    // Control: the open upload takes parts before the delete.
    await upload.uploadPart(2, pseudoRandomBytes(16));
    expect((await call(`/api/files/${file.id}`, { method: "DELETE", token: alice.token })).status).toBe(204);
    await expect(upload.uploadPart(2, pseudoRandomBytes(16))).rejects.toThrow();
    expect((await call(`/api/files/${file.id}/meta`, { token: bob.token })).status).toBe(404);
  });
});
