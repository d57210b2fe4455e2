// Names, group titles and friend-request messages refuse the characters that
// let a name pass for another or reorder the text around it; message text
// keeps them (the client isolates it when rendering).
import { describe, expect, it } from "vitest";
import type { ConversationEvent } from "../protocol";
import { hasUnsafeNameChars } from "../protocol";
import { makeGroup } from "./conversation-fixtures";
import { api, apiOk, signUp, uniqueName } from "./helpers";

const UNSAFE: Array<[string, string]> = [
  ["right-to-left override", "\u202E"],
  ["left-to-right embedding", "\u202A"],
  ["pop directional formatting", "\u202C"],
  ["first strong isolate", "\u2068"],
  ["pop directional isolate", "\u2069"],
  ["right-to-left mark", "\u200F"],
  ["arabic letter mark", "\u061C"],
  ["line separator", "\u2028"],
  ["newline (C0)", "\n"],
  ["bell (C0)", "\u0007"],
  ["delete", "\u007F"],
  ["CSI (C1)", "\u009B"],
];

/** Fine in a name: emoji sequences (ZWJ), right-to-left scripts, CJK. */
const SAFE = ["👨‍👩‍👧 family", "مريم", "שלום", "李小龙", "Zoë O'Brien"];

async function expectInvalid(res: Response, what: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${what}: ${text}`).toBe(400);
  expect((JSON.parse(text) as { error: { code: string } }).error.code, what).toBe("invalid_request");
}

describe("names, titles and request messages", () => {
  it("the shared check flags exactly the unsafe characters", () => {
    for (const [what, ch] of UNSAFE) expect(hasUnsafeNameChars(`ab${ch}cd`), what).toBe(true);
    for (const name of SAFE) expect(hasUnsafeNameChars(name), name).toBe(false);
  });

  it("refuse control characters and bidi controls everywhere with 400 invalid_request", async () => {
    const [alice, bob] = [await signUp("nm"), await signUp("nm")];
    const group = await makeGroup(alice, [bob], "plain");
    // Renames have a budget of 10 a minute per user (PROFILE_USER_LIMIT): two users share the twelve.
    for (const [i, [what, ch]] of UNSAFE.entries()) {
      const name = `evil${ch}gpj.exe`;
      await expectInvalid(
        await api("/api/auth/register", {
          body: { username: uniqueName("nm"), password: "password-1", displayName: name },
        }),
        `register displayName, ${what}`,
      );
      await expectInvalid(
        await api("/api/me", {
          method: "PATCH",
          token: (i % 2 ? bob : alice).accessToken,
          body: { displayName: name },
        }),
        `PATCH /api/me, ${what}`,
      );
      await expectInvalid(
        await api("/api/conversations", {
          token: alice.accessToken,
          body: { kind: "group", title: name, memberIds: [bob.user.id] },
        }),
        `group title, ${what}`,
      );
      await expectInvalid(
        await api(`/api/conversations/${group.id}`, {
          method: "PATCH",
          token: alice.accessToken,
          body: { title: name },
        }),
        `rename, ${what}`,
      );
      await expectInvalid(
        await api("/api/friends/requests", {
          token: alice.accessToken,
          body: { username: uniqueName(), message: name },
        }),
        `request message, ${what}`,
      );
      // File names too: the same characters, not a narrower list (U+200F, U+061C, U+2028 passed here).
      await expectInvalid(
        await api("/api/files", {
          token: alice.accessToken,
          body: { conversationId: group.id, name, size: 5, contentType: "text/plain" },
        }),
        `file name, ${what}`,
      );
    }
    // Nothing of it was stored.
    for (const u of [alice, bob]) {
      const me = await apiOk<{ displayName: string }>("/api/me", { token: u.accessToken });
      expect(me.displayName).toBe(u.user.displayName);
    }
  });

  it("refuse lone surrogates: D1 would store each as three U+FFFD, another name, up to three times the length limit", async () => {
    const [alice, bob] = [await signUp("nm"), await signUp("nm")];
    const group = await makeGroup(alice, [bob], "plain");
    for (const name of ["a\uD800b", "\uDC00", "\uD800".repeat(64)]) {
      await expectInvalid(
        await api("/api/me", { method: "PATCH", token: alice.accessToken, body: { displayName: name } }),
        `PATCH /api/me ${JSON.stringify(name).slice(0, 20)}`,
      );
      await expectInvalid(
        await api(`/api/conversations/${group.id}`, {
          method: "PATCH",
          token: alice.accessToken,
          body: { title: name },
        }),
        `rename ${JSON.stringify(name).slice(0, 20)}`,
      );
      await expectInvalid(
        await api("/api/friends/requests", {
          token: alice.accessToken,
          body: { username: uniqueName(), message: name },
        }),
        `request message ${JSON.stringify(name).slice(0, 20)}`,
      );
    }
    const me = await apiOk<{ displayName: string }>("/api/me", { token: alice.accessToken });
    expect(me.displayName).toBe(alice.user.displayName);
  });

  it("accept names in any script, with emoji sequences", async () => {
    const alice = await signUp("nm");
    for (const name of SAFE) {
      const me = await apiOk<{ displayName: string }>("/api/me", {
        method: "PATCH",
        token: alice.accessToken,
        body: { displayName: name },
      });
      expect(me.displayName).toBe(name);
    }
  });

  it("message text keeps them verbatim", async () => {
    const [alice, bob] = [await signUp("nm"), await signUp("nm")];
    const group = await makeGroup(alice, [bob]);
    const text = "see \u202Efdp.exe\u202C and \u2067שלום\u2069\nnext line";
    const { event } = await apiOk<{ event: ConversationEvent }>(
      `/api/conversations/${group.id}/messages`,
      { token: alice.accessToken, body: { clientId: "bidi-1", kind: "text", text } },
      201,
    );
    expect(event.type === "message" ? event.text : null).toBe(text);
  });
});
