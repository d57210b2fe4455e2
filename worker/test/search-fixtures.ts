// Fixtures for the global search tests (GET /api/search), built on helpers.ts.
import { expect } from "vitest";
import type { AuthResult, SearchPage } from "../protocol";
import { api, apiOk, type TestUser, uniqueName } from "./helpers";

export const searchPath = (q: string, extra = "") => `/api/search?q=${encodeURIComponent(q)}${extra}`;

export const searchOk = (u: TestUser, q: string, extra = "") =>
  apiOk<SearchPage>(searchPath(q, extra), { token: u.accessToken });

export const searchRaw = (u: TestUser, q: string, extra = "") => api(searchPath(q, extra), { token: u.accessToken });

/** A user with a chosen display name (signUp leaves it at the username). */
export async function signUpNamed(prefix: string, displayName: string): Promise<TestUser> {
  const username = uniqueName(prefix);
  const password = `pw-${crypto.randomUUID()}`;
  const r = await apiOk<AuthResult>("/api/auth/register", { body: { username, password, displayName } }, 201);
  return { ...r, password };
}

/** Posts a text message over REST; answers its seq. */
export async function say(u: TestUser, conversationId: string, text: string): Promise<number> {
  const { event } = await apiOk<{ event: { seq: number } }>(
    `/api/conversations/${conversationId}/messages`,
    { token: u.accessToken, body: { clientId: crypto.randomUUID(), kind: "text", text } },
    201,
  );
  return event.seq;
}

/** "conversation:seq" of each message hit: what a duplicate or a gap is measured in. */
export const hitKeys = (page: SearchPage) => page.messages.map((h) => `${h.conversationId}:${h.message.seq}`);

/** Every page of a search, following nextCursor (bounded, so a cursor that never ends fails the test). */
export async function allPages(u: TestUser, q: string, limit: number, maxPages = 50): Promise<SearchPage[]> {
  const pages: SearchPage[] = [];
  let cursor: string | null = null;
  do {
    const extra: string = `&limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`;
    const page: SearchPage = await searchOk(u, q, extra);
    expect(page.messages.length).toBeLessThanOrEqual(limit);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < maxPages);
  expect(cursor, "the last page has no cursor").toBeNull();
  return pages;
}

export async function expectCode(res: Response, status: number, code: string): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe(code);
}
