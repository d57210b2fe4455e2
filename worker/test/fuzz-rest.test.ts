// Issue 7 item 8 (REST half): random and malformed bodies at every endpoint
// that takes one. Whatever arrives, the answer is < 500, a 4xx carries the
// contract's error body, and the conversation log stays intact. Strings and
// numbers come from the hostile dictionary too (fuzz-dictionary.ts, issue 13).
import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import type { Conversation } from "../protocol";
import { makeGroup, stubOf } from "./conversation-fixtures";
import { hostileString, hostileValue, PROTOTYPE_NAMES, prototypeIsClean, toJson } from "./fuzz-dictionary";
import { assertProperty, ERROR_CODES, expectIntactLog, fetchLog } from "./fuzz-invariants";
import { apiOk, BASE, befriend, openDm, randomIp, signUp, type TestUser } from "./helpers";

interface Target {
  method: string;
  path: string;
  /** The field names the endpoint reads: the "wrong types" arbitrary fills these. */
  fields: string[];
  auth: boolean;
}

let owner: TestUser;
let member: TestUser;
let group: Conversation;
let dm: Conversation;
let targets: Target[];

const junkText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("\u0000", "\uD800", "\u202E", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc", "\uFFFF"),
  hostileString,
);
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  junkText,
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, false, -1, 0, 1e308, Number.MAX_SAFE_INTEGER + 2, "", []),
  hostileValue,
);

/** A body as the raw text to send: random JSON, random text, huge strings, or the endpoint's fields with wrong types. */
const bodyFor = (t: Target) =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((j) => JSON.stringify(j)),
    junkText,
    fc.string({ maxLength: 200 }),
    fc.record(Object.fromEntries(t.fields.map((f) => [f, anyValue])), { requiredKeys: [] }).map((r) => toJson(r)),
    fc
      .tuple(
        fc.constantFrom(...t.fields),
        fc.integer({ min: 4_000, max: 90_000 }),
        fc.constantFrom("x", "\u00e9", "\u{1F600}"),
      )
      .map(([field, n, ch]) => JSON.stringify({ [field]: ch.repeat(n) })),
    fc.integer({ min: 60_000, max: 80_000 }).map((n) => "[".repeat(n)),
  );

const contentType = fc.constantFrom("application/json", "text/plain", "application/json; charset=utf-16", undefined);
const authHeader = fc.constantFrom("valid", "none", "garbage");

async function send(t: Target, body: string, type: string | undefined, auth: string): Promise<Response> {
  const headers: Record<string, string> = { "CF-Connecting-IP": randomIp() };
  if (type) headers["Content-Type"] = type;
  if (auth === "valid" && t.auth) headers.Authorization = `Bearer ${owner.accessToken}`;
  if (auth === "garbage") headers.Authorization = "Bearer not.a.jwt";
  return exports.default.fetch(`${BASE}${t.path}`, { method: t.method, headers, body });
}

/** Percent-encoded UTF-8; a lone surrogate becomes the invalid UTF-8 it would be (%ED%A0%80 for U+D800). */
function segment(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0xd800 || c > 0xdfff) out += encodeURIComponent(ch);
    else
      for (const b of [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)])
        out += `%${b.toString(16).toUpperCase()}`;
  }
  return out;
}

/** The contract: never 5xx; any 4xx is `{error: {code, message}}` with a known code. */
async function expectContractAnswer(res: Response, what: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${what} -> ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 400) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  expect(parsed, what).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  const code = (parsed as { error: { code: string } }).error.code;
  expect(ERROR_CODES.has(code) && code !== "internal", `${what}: code ${code}`).toBe(true);
}

/**
 * New users, group and DM for a test. Each authenticated request counts
 * against the user's API budget (600/min, wrangler.toml), so the heavier
 * tests start on fresh users rather than share one owner's minute.
 */
async function freshFixtures(): Promise<void> {
  [owner, member] = [await signUp("fz"), await signUp("fz")];
  group = await makeGroup(owner, [member], "fuzz");
  const third = await signUp("fz");
  await befriend(owner, third);
  dm = await openDm(owner, third);
  const g = `/api/conversations/${group.id}`;
  targets = [
    { method: "POST", path: "/api/auth/register", fields: ["username", "password", "displayName"], auth: false },
    { method: "POST", path: "/api/auth/login", fields: ["username", "password", "otp"], auth: false },
    { method: "POST", path: "/api/auth/refresh", fields: ["refreshToken"], auth: false },
    { method: "POST", path: "/api/auth/password", fields: ["currentPassword", "newPassword", "otp"], auth: true },
    { method: "POST", path: "/api/auth/totp/enable", fields: ["password", "otp"], auth: true },
    { method: "POST", path: "/api/auth/totp/disable", fields: ["password", "otp"], auth: true },
    { method: "PATCH", path: "/api/me", fields: ["displayName"], auth: true },
    { method: "POST", path: "/api/friends/requests", fields: ["userId", "username", "message"], auth: true },
    { method: "POST", path: "/api/conversations", fields: ["kind", "userId", "title", "memberIds"], auth: true },
    { method: "PATCH", path: g, fields: ["title"], auth: true },
    { method: "POST", path: `${g}/members`, fields: ["userIds"], auth: true },
    { method: "PATCH", path: `${g}/members/${member.user.id}`, fields: ["role"], auth: true },
    { method: "POST", path: `${g}/messages`, fields: ["clientId", "kind", "text", "fileId", "replyTo"], auth: true },
    {
      method: "POST",
      path: `/api/conversations/${dm.id}/messages`,
      fields: ["clientId", "kind", "text", "replyTo"],
      auth: true,
    },
    { method: "POST", path: "/api/files", fields: ["conversationId", "name", "size", "contentType"], auth: true },
    { method: "POST", path: "/api/push/subscriptions", fields: ["endpoint", "keys"], auth: true },
    { method: "DELETE", path: "/api/push/subscriptions", fields: ["endpoint"], auth: true },
  ];
}

beforeAll(freshFixtures);

describe("fuzzing REST bodies", () => {
  it("every body-taking endpoint answers < 500 with a contract error body, whatever the body", async () => {
    const target = fc.integer({ min: 0, max: targets.length - 1 }).chain((i) => {
      const t = targets[i] as Target;
      return fc.tuple(fc.constant(t), bodyFor(t), contentType, authHeader);
    });
    await assertProperty(
      fc.asyncProperty(target, async ([t, body, type, auth]) => {
        await expectContractAnswer(await send(t, body, type, auth), `${t.method} ${t.path} [${auth}, ${type}]`);
      }),
      { numRuns: 1000 },
    );
    // The owner's session survived (no fuzzed body changed the password or logged out).
    const me = await exports.default.fetch(`${BASE}/api/me`, {
      headers: { Authorization: `Bearer ${owner.accessToken}` },
    });
    expect(me.status).toBe(200);
    await expectIntactLog(group.id, owner);
    await expectIntactLog(dm.id, owner);
  }, 60_000);

  it("hostile keys and values in every body and path: no 5xx, no prototype reached, and the log takes the next message", async () => {
    // Each run is three requests: the command and the send as the owner (500), the log check as the member (250).
    await freshFixtures();
    // Every request below is followed by a send; the limiter has its own tests.
    await runInDurableObject(stubOf(group.id), (obj: ConversationObject) => {
      obj.room.buckets.limit = { perSecond: 1e6, burst: 1e6 };
    });
    const g = `/api/conversations/${group.id}`;
    /** Endpoints that take an id or a word in the path or query: each gets a hostile one. */
    const inPath: Array<{ method: string; path: (x: string) => string; body?: unknown }> = [
      { method: "PUT", path: (x) => `/api/blocks/${x}` },
      { method: "DELETE", path: (x) => `/api/blocks/${x}` },
      { method: "DELETE", path: (x) => `/api/friends/${x}` },
      { method: "POST", path: (x) => `/api/friends/requests/${x}/accept` },
      { method: "POST", path: (x) => `/api/friends/requests/${x}/decline` },
      { method: "DELETE", path: (x) => `/api/friends/requests/${x}` },
      { method: "GET", path: (x) => `/api/users?q=${x}` },
      { method: "GET", path: (x) => `/api/users/${x}/avatar/${x}` },
      { method: "GET", path: (x) => `/api/conversations/${x}` },
      { method: "GET", path: (x) => `/api/conversations/${x}/events?after=0` },
      {
        method: "POST",
        path: (x) => `/api/conversations/${x}/messages`,
        body: { clientId: "p", kind: "text", text: "p" },
      },
      { method: "DELETE", path: (x) => `${g}/members/${x}` },
      { method: "PATCH", path: (x) => `${g}/members/${x}`, body: { role: "admin" } },
      { method: "GET", path: (x) => `${g}/messages?q=${x}` },
      { method: "GET", path: (x) => `/api/files/${x}/meta` },
      { method: "GET", path: (x) => `/api/files/${x}?sig=${x}&exp=${x}&u=${x}` },
      { method: "POST", path: (x) => `/api/files/${x}/complete` },
    ];
    const bodyCommand = fc.integer({ min: 0, max: targets.length - 1 }).chain((i) => {
      const t = targets[i] as Target;
      const field = fc.oneof(hostileValue, anyValue);
      return fc
        .record(Object.fromEntries(t.fields.map((f) => [f, field])), { requiredKeys: [] })
        .map((r) => ({ what: `${t.method} ${t.path}`, method: t.method, path: t.path, body: toJson(r) }));
    });
    // A body whose own keys are prototype names, beside or instead of the real fields.
    const keyCommand = fc
      .tuple(fc.integer({ min: 0, max: targets.length - 1 }), fc.constantFrom(...PROTOTYPE_NAMES), hostileValue)
      .map(([i, key, value]) => {
        const t = targets[i] as Target;
        const field = t.fields[0] ?? "x";
        return {
          what: `${t.method} ${t.path} key ${key}`,
          method: t.method,
          path: t.path,
          body: `{${JSON.stringify(key)}:${toJson(value)},${JSON.stringify(field)}:${JSON.stringify(key)}}`,
        };
      });
    const pathCommand = fc.tuple(fc.integer({ min: 0, max: inPath.length - 1 }), hostileString).map(([i, x]) => {
      const t = inPath[i] as (typeof inPath)[number];
      const path = t.path(segment(x));
      return {
        what: `${t.method} ${path.slice(0, 120)}`,
        method: t.method,
        path,
        body: t.body === undefined ? undefined : JSON.stringify(t.body),
      };
    });
    let checked = (await fetchLog(group.id, owner)).length;
    let n = 0;
    await assertProperty(
      fc.asyncProperty(fc.oneof(bodyCommand, keyCommand, pathCommand), async (cmd) => {
        const headers: Record<string, string> = {
          "CF-Connecting-IP": randomIp(),
          Authorization: `Bearer ${owner.accessToken}`,
        };
        if (cmd.body !== undefined) headers["Content-Type"] = "application/json";
        const res = await exports.default.fetch(`${BASE}${cmd.path}`, { method: cmd.method, headers, body: cmd.body });
        await expectContractAnswer(res, cmd.what);
        expect(prototypeIsClean(), `${cmd.what} reached Object.prototype`).toBe(true);
        // The conversation takes the next change, and the log from the last check to it has no gap.
        n += 1;
        const sent = await exports.default.fetch(`${BASE}${g}/messages`, {
          method: "POST",
          headers: { ...headers, "Content-Type": "application/json" },
          body: JSON.stringify({ clientId: `after-${n}`, kind: "text", text: `after ${n}` }),
        });
        expect(sent.status, `${cmd.what}: the next send -> ${sent.status} ${await sent.clone().text()}`).toBe(201);
        const page = await apiOk<{ events: Array<{ seq: number }>; head: number }>(
          `${g}/events?after=${checked}&limit=500`,
          { token: member.accessToken },
        );
        expect(
          page.events.map((e) => e.seq),
          cmd.what,
        ).toEqual(Array.from({ length: page.head - checked }, (_, i) => checked + i + 1));
        checked = page.head;
      }),
      { numRuns: 250, seed: 20261206 },
    );
    await expectIntactLog(group.id, owner);
  }, 60_000);

  it("random query strings on list endpoints answer < 500 with a contract error body", async () => {
    await freshFixtures();
    const paths = [
      `/api/conversations/${group.id}/events`,
      `/api/conversations/${group.id}/messages`,
      "/api/users",
      "/api/conversations",
    ];
    const param = fc.constantFrom("after", "limit", "before", "from", "to", "q", "x");
    // "a\u0000" is a searchable word followed by a NUL: wapiti's payload that found a 500 (docs/security.md).
    const value = fc.oneof(
      fc.constantFrom("a\u0000", 'a"b', "x*", "hello\u0000world"),
      junkText,
      fc.integer().map(String),
      fc.double().map(String),
      fc.constantFrom("", "1e999", "-0"),
    );
    await assertProperty(
      fc.asyncProperty(fc.constantFrom(...paths), fc.array(fc.tuple(param, value), { maxLength: 4 }), async (p, qs) => {
        const query = new URLSearchParams(qs).toString();
        const res = await exports.default.fetch(`${BASE}${p}?${query}`, {
          headers: { Authorization: `Bearer ${owner.accessToken}`, "CF-Connecting-IP": randomIp() },
        });
        await expectContractAnswer(res, `GET ${p}?${query}`);
      }),
      { numRuns: 200 },
    );
    await expectIntactLog(group.id, owner);
  }, 60_000);

  it("a search word with a NUL byte gets a contract answer, never a 500 (wapiti finding, see docs/security.md)", async () => {
    for (const q of ["/e\u0000", "hello\u0000", "a\u0000b"]) {
      const res = await exports.default.fetch(
        `${BASE}/api/conversations/${group.id}/messages?${new URLSearchParams({ q, limit: "5" })}`,
        { headers: { Authorization: `Bearer ${owner.accessToken}`, "CF-Connecting-IP": randomIp() } },
      );
      await expectContractAnswer(res, `GET messages?q=${JSON.stringify(q)}`);
    }
  });
});
