// Avatars: PUT/DELETE /api/me/avatar, GET /api/users/:id/avatar/:version
// (docs/protocol.md "Avatars"). What an attacker with a second account, or
// none, might try: markup passed off as a picture, a picture with a page
// appended, a decompression bomb, another user's avatar, anonymous reads.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AvatarLimits, avatarPath, type Me, type User } from "../protocol";
import {
  concat,
  HTML_PAGE,
  JPEG_64,
  jpegWithComment,
  PNG_32,
  pngSized,
  pngWithChunk,
  SVG_IMAGE,
  WEBP_256,
} from "./avatar-fixtures";
import { BASE, randomIp, signUp, type TestUser } from "./helpers";
import { inOneRateWindow } from "./rate-window";

function putAvatar(u: TestUser, bytes: Uint8Array<ArrayBuffer>, type = "image/webp"): Promise<Response> {
  return exports.default.fetch(`${BASE}/api/me/avatar`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${u.accessToken}`, "Content-Type": type, "CF-Connecting-IP": randomIp() },
    body: bytes,
  });
}

const getAvatar = (path: string, token?: string) =>
  exports.default.fetch(`${BASE}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

const deleteAvatar = (u: TestUser) =>
  exports.default.fetch(`${BASE}/api/me/avatar`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${u.accessToken}` },
  });

async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function expectError(res: Response, status: number, code: string): Promise<string> {
  const body = await json<{ error: { code: string; message: string } }>(res, status);
  expect(body.error.code).toBe(code);
  return body.error.message;
}

/** The R2 keys stored for `userId`'s avatars. */
async function storedKeys(userId: string): Promise<string[]> {
  return (await env.FILES.list({ prefix: `avatars/${userId}/` })).objects.map((o) => o.key);
}

const me = async (u: TestUser) =>
  json<Me>(
    await exports.default.fetch(`${BASE}/api/me`, { headers: { Authorization: `Bearer ${u.accessToken}` } }),
    200,
  );

async function withAvatar(u: TestUser, bytes = WEBP_256): Promise<string> {
  const after = await json<Me>(await putAvatar(u, bytes), 200);
  expect(after.avatar).toMatch(/^[A-Za-z0-9_-]{16}$/);
  return after.avatar ?? "";
}

describe("avatar upload", () => {
  it("stores a picture and serves it to any signed-in user with its sniffed type, nosniff and a versioned cache", async () => {
    const [amy, bob] = [await signUp("av"), await signUp("av")];
    expect((await me(amy)).avatar).toBeUndefined();
    // The declared type is ignored: these bytes are WebP whatever the header says.
    const version = await withAvatar(amy);
    expect((await me(amy)).avatar).toBe(version);

    const res = await getAvatar(avatarPath(amy.user.id, version), bob.accessToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/webp");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("Cache-Control")).toBe("private, max-age=31536000, immutable");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(WEBP_256);

    // Only to signed-in callers.
    expect((await getAvatar(avatarPath(amy.user.id, version))).status).toBe(401);
    await expectError(await getAvatar(avatarPath(amy.user.id, "nope"), bob.accessToken), 404, "not_found");
    await expectError(await getAvatar(avatarPath(amy.user.id, "a.b"), bob.accessToken), 400, "invalid_request");
  });

  it("takes JPEG and PNG too, each served as what it is", async () => {
    const u = await signUp("av");
    for (const [bytes, type] of [
      [JPEG_64, "image/jpeg"],
      [PNG_32, "image/png"],
    ] as const) {
      const version = await withAvatar(u, bytes);
      const res = await getAvatar(avatarPath(u.user.id, version), u.accessToken);
      expect(res.headers.get("Content-Type")).toBe(type);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    }
  });

  it("refuses markup, polyglots, metadata and bombs with 400, storing nothing", async () => {
    const u = await signUp("av");
    const version = await withAvatar(u);
    const refusals: Array<[Uint8Array<ArrayBuffer>, string, RegExp]> = [
      [HTML_PAGE, "text/html", /not a PNG, JPEG or WebP/],
      [SVG_IMAGE, "image/svg+xml", /not a PNG, JPEG or WebP/],
      [concat(PNG_32, HTML_PAGE), "image/png", /after its end/],
      [concat(JPEG_64, HTML_PAGE), "image/jpeg", /after its end/],
      [pngWithChunk("tEXt", "x\0<script>alert(1)</script>"), "image/png", /tEXt/],
      [jpegWithComment("<html>"), "image/jpeg", /comment/],
      [pngSized(20_000, 20_000), "image/png", /at most 1024 x 1024/],
      [new Uint8Array(0), "image/webp", /not a/],
    ];
    for (const [bytes, type, reason] of refusals) {
      expect(await expectError(await putAvatar(u, bytes, type), 400, "invalid_request")).toMatch(reason);
    }
    expect((await me(u)).avatar).toBe(version);
    expect(await storedKeys(u.user.id)).toEqual([`avatars/${u.user.id}/${version}`]);
  });

  it("refuses a body over the cap with 413, declared or not", async () => {
    const u = await signUp("av");
    const big = new Uint8Array(AvatarLimits.maxBytes + 1);
    big.set(PNG_32);
    await expectError(await putAvatar(u, big, "image/png"), 413, "too_large");
    // Streamed without a Content-Length: counted as it arrives.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(64 * 1024));
        c.close();
      },
    });
    const res = await exports.default.fetch(`${BASE}/api/me/avatar`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${u.accessToken}` },
      body: stream,
      // @ts-expect-error duplex is required by fetch for a streamed body, and missing from the Workers types
      duplex: "half",
    });
    await expectError(res, 413, "too_large");
    expect(await storedKeys(u.user.id)).toEqual([]);
    expect((await me(u)).avatar).toBeUndefined();
  });

  it("a replaced picture stops being served, and R2 keeps only the current one", async () => {
    const u = await signUp("av");
    const first = await withAvatar(u, PNG_32);
    const second = await withAvatar(u, WEBP_256);
    expect(second).not.toBe(first);
    await expectError(await getAvatar(avatarPath(u.user.id, first), u.accessToken), 404, "not_found");
    expect((await getAvatar(avatarPath(u.user.id, second), u.accessToken)).status).toBe(200);
    expect(await storedKeys(u.user.id)).toEqual([`avatars/${u.user.id}/${second}`]);
  });

  it("one user's upload or removal never touches another's avatar", async () => {
    const [amy, mal] = [await signUp("av"), await signUp("av")];
    const amys = await withAvatar(amy, PNG_32);
    const mals = await withAvatar(mal, WEBP_256);
    await json<Me>(await deleteAvatar(mal), 200);
    expect((await me(amy)).avatar).toBe(amys);
    const res = await getAvatar(avatarPath(amy.user.id, amys), mal.accessToken);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG_32);
    // There is no way to name someone else's avatar when writing.
    for (const method of ["PUT", "DELETE", "POST"]) {
      const r = await exports.default.fetch(`${BASE}${avatarPath(amy.user.id, amys)}`, {
        method,
        headers: { Authorization: `Bearer ${mal.accessToken}` },
        body: method === "DELETE" ? null : WEBP_256,
      });
      expect(r.status, method).toBe(404);
    }
    await expectError(await getAvatar(avatarPath(mal.user.id, mals), amy.accessToken), 404, "not_found");
    expect(await storedKeys(amy.user.id)).toEqual([`avatars/${amy.user.id}/${amys}`]);
  });

  it("DELETE removes the picture (and is fine with nothing to remove)", async () => {
    const u = await signUp("av");
    const version = await withAvatar(u);
    const after = await json<Me>(await deleteAvatar(u), 200);
    expect(after.avatar).toBeUndefined();
    expect((await me(u)).avatar).toBeUndefined();
    await expectError(await getAvatar(avatarPath(u.user.id, version), u.accessToken), 404, "not_found");
    expect(await storedKeys(u.user.id)).toEqual([]);
    expect((await json<Me>(await deleteAvatar(u), 200)).avatar).toBeUndefined();
    expect((await putAvatar({ ...u, accessToken: "x" }, WEBP_256)).status).toBe(401);
  });

  it("profile changes share a budget of 10 a minute per user, counted before the body is read", () =>
    inOneRateWindow(async () => {
      const u = await signUp("av");
      const other = await signUp("av");
      for (let i = 0; i < 9; i++) {
        const res = await putAvatar(u, i % 2 ? HTML_PAGE : WEBP_256);
        expect(res.status, await res.text()).toBe(i % 2 ? 400 : 200);
      }
      expect((await deleteAvatar(u)).status).toBe(200);
      const refused = await putAvatar(u, WEBP_256);
      await expectError(refused, 429, "rate_limited");
      expect(refused.headers.get("Retry-After")).toBe("60");
      const rename = await exports.default.fetch(`${BASE}/api/me`, {
        method: "PATCH",
        headers: { Authorization: `Bearer ${u.accessToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ displayName: "Renamed" }),
      });
      await expectError(rename, 429, "rate_limited");
      // Someone else's budget is their own.
      expect((await putAvatar(other, WEBP_256)).status).toBe(200);
    }));
});

describe("avatars in user objects", () => {
  it("every user object of the uploader carries the version: search, friends, members", async () => {
    const [amy, bob] = [await signUp("avu"), await signUp("avu")];
    const version = await withAvatar(amy);
    const auth = { headers: { Authorization: `Bearer ${bob.accessToken}` } };
    const found = await json<{ users: User[] }>(
      await exports.default.fetch(`${BASE}/api/users?q=${amy.user.username}`, auth),
      200,
    );
    expect(found.users).toEqual([{ ...amy.user, avatar: version }]);
  });
});
