// Fixtures for the file tests. Users, sessions and conversation rows are
// written straight to D1 and members straight to the conversation's object
// (the authority file access asks): it keeps these tests independent of the
// auth and conversation routes.
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { signAccessToken } from "../auth/tokens";
import { conversationStub } from "../do/stubs";
import { newId } from "../ids";
import type { FileCreated, Role } from "../protocol";
import { BASE, randomIp, uniqueName } from "./helpers";

export interface Person {
  id: string;
  token: string;
}

export async function makeUser(): Promise<Person> {
  const id = newId("u");
  const sessionId = newId("s");
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, 'x', ?)",
    ).bind(id, uniqueName("f"), "File Tester", now),
    env.DB.prepare(
      "INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    ).bind(sessionId, id, now, now, now + 3_600_000),
  ]);
  return { id, token: await signAccessToken(env, id, sessionId) };
}

/** A group conversation; the first member is its owner. */
export async function makeConversation(people: Person[], roles: Role[] = []): Promise<string> {
  const id = newId("c");
  const now = Date.now();
  const createdBy = people[0]?.id ?? "nobody";
  await env.DB.prepare(
    "INSERT INTO conversations (id, kind, title, created_by, created_at, updated_at) VALUES (?, 'group', 'files', ?, ?, ?)",
  )
    .bind(id, createdBy, now, now)
    .run();
  const members = people.map((p, i) => ({ userId: p.id, role: roles[i] ?? (i === 0 ? "owner" : "member") }));
  await conversationStub(env, id).init({ id, kind: "group", title: "files", createdBy, createdAt: now, members });
  return id;
}

/** The member leaves (as the object decides; D1's index follows it). */
export async function removeMember(conversationId: string, userId: string): Promise<void> {
  const result = await conversationStub(env, conversationId).changeMembers(userId, { action: "removed", userId });
  expect(result.ok).toBe(true);
}

/** Calls the Worker with any body (bytes, a stream) and optional bearer token. */
export function call(
  path: string,
  init: { method?: string; token?: string; body?: BodyInit; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { "CF-Connecting-IP": randomIp(), ...init.headers };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  return exports.default.fetch(`${BASE}${path}`, { method: init.method ?? "GET", headers, body: init.body });
}

export async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

export async function createFile(
  token: string,
  body: { conversationId: string; name: string; size: number; contentType: string },
): Promise<FileCreated> {
  return json<FileCreated>(
    await call("/api/files", {
      method: "POST",
      token,
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json" },
    }),
    201,
  );
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
export function pseudoRandomBytes(length: number, seed = 0x9e3779b9): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  const words = new Uint32Array(out.buffer, 0, Math.floor(length / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < length; i++) out[i] = (i * 31) & 0xff;
  return out;
}

export async function sha256(data: ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A body of unknown length (chunked), so only the streaming check can catch a wrong size. */
export function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

export async function fileRow(id: string) {
  return env.DB.prepare("SELECT status, upload_id, detected_type, etag FROM files WHERE id = ?")
    .bind(id)
    .first<{ status: string; upload_id: string | null; detected_type: string | null; etag: string | null }>();
}
