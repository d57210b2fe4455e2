import { env } from "cloudflare:workers";
import { decodeJwt, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex, toBase64Url } from "../ids";
import { api, signUp, type TestUser } from "./helpers";

const encoder = new TextEncoder();
const kidOf = async (secret: string) => (await sha256Hex(`kid:${secret}`)).slice(0, 12);

interface Forge {
  secret?: string;
  kid?: string | null;
  iss?: string;
  aud?: string;
  sid?: string | null;
  exp?: number;
  iat?: number;
}

/** Signs a token like the server does, with exactly one thing changed. */
async function forge(user: TestUser, f: Forge = {}): Promise<string> {
  const secret = f.secret ?? env.JWT_SECRET;
  const sid = f.sid === undefined ? String(decodeJwt(user.accessToken).sid) : f.sid;
  const now = Math.floor(Date.now() / 1000);
  const kid = f.kid === undefined ? await kidOf(env.JWT_SECRET) : f.kid;
  const jwt = new SignJWT(sid === null ? {} : { sid })
    .setProtectedHeader(kid === null ? { alg: "HS256", typ: "JWT" } : { alg: "HS256", typ: "JWT", kid })
    .setIssuer(f.iss ?? env.JWT_ISSUER)
    .setAudience(f.aud ?? env.JWT_AUDIENCE)
    .setSubject(user.user.id)
    .setIssuedAt(f.iat ?? now)
    .setExpirationTime(f.exp ?? now + 600);
  return jwt.sign(encoder.encode(secret));
}

async function meStatus(token: string): Promise<number> {
  const res = await api("/api/me", { token });
  const body = (await res.json()) as { error?: { code: string } };
  if (res.status === 401) expect(body.error?.code).toBe("unauthorized");
  return res.status;
}

describe("access tokens on GET /api/me", () => {
  let u: TestUser;
  beforeAll(async () => {
    u = await signUp("tok");
  });

  it("accepts the issued token and a faithful forgery with the real key (the harness is sound)", async () => {
    expect(await meStatus(u.accessToken)).toBe(200);
    expect(await meStatus(await forge(u))).toBe(200);
  });

  it("refuses a missing or garbage token", async () => {
    expect((await api("/api/me")).status).toBe(401);
    expect(await meStatus("not.a.jwt")).toBe(401);
  });

  it("refuses a token signed with another key", async () => {
    expect(await meStatus(await forge(u, { secret: "a-different-secret-entirely-0123456789" }))).toBe(401);
  });

  it("refuses a tampered payload", async () => {
    const [h, , s] = u.accessToken.split(".");
    const payload = { ...decodeJwt(u.accessToken), sub: "usr_someone_else" };
    expect(await meStatus(`${h}.${toBase64Url(encoder.encode(JSON.stringify(payload)))}.${s}`)).toBe(401);
  });

  it("refuses an expired token", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await meStatus(await forge(u, { iat: now - 1000, exp: now - 60 }))).toBe(401);
  });

  it("refuses alg none", async () => {
    const header = toBase64Url(
      encoder.encode(JSON.stringify({ alg: "none", typ: "JWT", kid: await kidOf(env.JWT_SECRET) })),
    );
    const payload = toBase64Url(encoder.encode(JSON.stringify(decodeJwt(u.accessToken))));
    expect(await meStatus(`${header}.${payload}.`)).toBe(401);
  });

  it("refuses a wrong audience or issuer", async () => {
    expect(await meStatus(await forge(u, { aud: "someone-else" }))).toBe(401);
    expect(await meStatus(await forge(u, { iss: "someone-else" }))).toBe(401);
  });

  it("refuses an unknown or missing kid", async () => {
    expect(await meStatus(await forge(u, { kid: "000000000000" }))).toBe(401);
    expect(await meStatus(await forge(u, { kid: null }))).toBe(401);
  });

  it("refuses a token without sid, or whose sid is no session", async () => {
    expect(await meStatus(await forge(u, { sid: null }))).toBe(401);
    expect(await meStatus(await forge(u, { sid: "ses_does_not_exist" }))).toBe(401);
  });

  it("refuses a refresh token presented as access token", async () => {
    expect(await meStatus(u.refreshToken)).toBe(401);
  });
});
