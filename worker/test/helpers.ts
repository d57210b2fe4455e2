// Shared helpers for Workers-runtime integration tests: they drive the real
// Worker (`exports.default`), with real D1, R2 and Durable Objects.
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { AuthResult, Conversation } from "../protocol";

export const BASE = "http://127.0.0.1:8787";

let counter = 0;
/** A unique, valid username per call (tests share one D1 per file). */
export function uniqueName(prefix = "u"): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}${Math.floor(Math.random() * 1e6).toString(36)}`.slice(0, 32);
}

/** A random client IP, so per-IP rate limits do not couple unrelated tests. */
export function randomIp(): string {
  const b = () => Math.floor(Math.random() * 254) + 1;
  return `10.${b()}.${b()}.${b()}`;
}

export interface ApiOptions {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls the Worker; `body` objects are sent as JSON. */
export function api(path: string, opts: ApiOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { "CF-Connecting-IP": randomIp(), ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  }
  return exports.default.fetch(`${BASE}${path}`, { method: opts.method ?? (body ? "POST" : "GET"), headers, body });
}

/** Calls the Worker and asserts the status; returns the parsed JSON body (or null for 204). */
export async function apiOk<T = unknown>(path: string, opts: ApiOptions = {}, status = 200): Promise<T> {
  const res = await api(path, opts);
  const text = await res.text();
  expect(res.status, `${opts.method ?? "GET"} ${path}: ${text}`).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

export interface TestUser extends AuthResult {
  password: string;
}

export async function signUp(prefix = "u"): Promise<TestUser> {
  const username = uniqueName(prefix);
  const password = `pw-${crypto.randomUUID()}`;
  const result = await apiOk<AuthResult>("/api/auth/register", { body: { username, password } }, 201);
  return { ...result, password };
}

/** Makes two users friends through the contract's request/accept endpoints. */
export async function befriend(a: TestUser, b: TestUser): Promise<void> {
  const sent = await apiOk<{ request: { id: string } }>(
    "/api/friends/requests",
    { token: a.accessToken, body: { userId: b.user.id } },
    201,
  );
  await apiOk(`/api/friends/requests/${sent.request.id}/accept`, { method: "POST", token: b.accessToken });
}

export async function openDm(a: TestUser, b: TestUser): Promise<Conversation> {
  const res = await api("/api/conversations", { token: a.accessToken, body: { kind: "dm", userId: b.user.id } });
  expect([200, 201]).toContain(res.status);
  const { conversation } = (await res.json()) as { conversation: Conversation };
  return conversation;
}

/** A client-side socket with every received frame parsed and kept in order. */
export interface TestSocket {
  ws: WebSocket;
  frames: Array<Record<string, unknown> & { type: string }>;
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  close(code?: number): void;
}

/**
 * Opens a WebSocket through the Worker. Resolves with the socket, or with the
 * refusal `Response` when the server answered without upgrading.
 */
export async function openSocket(
  path: string,
  token: string | null,
  headers: Record<string, string> = {},
): Promise<TestSocket | Response> {
  const h: Record<string, string> = { Upgrade: "websocket", ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  const res = await exports.default.fetch(`${BASE}${path}`, { headers: h });
  const ws = res.webSocket;
  if (!ws) return res;
  ws.accept();
  const frames: TestSocket["frames"] = [];
  ws.addEventListener("message", (e) => {
    frames.push(JSON.parse(typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data)));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason }));
  });
  return {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    close: (code = 1000) => ws.close(code),
  };
}

export function expectSocket(s: TestSocket | Response): TestSocket {
  if (s instanceof Response) throw new Error(`expected a WebSocket, got HTTP ${s.status}`);
  return s;
}

/**
 * Waits until `predicate` holds, or fails after `timeoutMs`. With `poll`, it
 * is awaited before each check (e.g. to re-read an eventually consistent list).
 */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs = 5000,
  what = "condition",
  poll?: () => Promise<void>,
): Promise<void> {
  const start = Date.now();
  for (;;) {
    await poll?.();
    if (predicate()) return;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, poll ? 50 : 5));
  }
}

/** Waits until an asynchronous check (say, a read inside an object) holds. */
export async function until(check: () => Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  let ok = false;
  await waitFor(
    () => ok,
    timeoutMs,
    what,
    async () => {
      ok = await check();
    },
  );
}

/** Waits for at least `n` frames on the socket. */
export function waitForMessages(s: TestSocket, n: number, timeoutMs = 5000): Promise<void> {
  return waitFor(() => s.frames.length >= n, timeoutMs, `${n} frames (have ${s.frames.length})`);
}
