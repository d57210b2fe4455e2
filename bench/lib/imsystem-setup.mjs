// Creates the IMSystem side of the bench through the public REST API only:
// N users, the first one friends with all others, one group with everybody.
import { randomBytes } from "node:crypto";

export async function call(base, method, path, { token, body, ip } = {}) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  // wrangler dev passes a client-supplied CF-Connecting-IP through to the
  // Worker (checked with wrangler 4.156), so each registration gets its own
  // address and the 60/min per-IP register limit does not throttle setup.
  if (ip) headers["CF-Connecting-IP"] = ip;
  const res = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, text, retryAfter: Number(res.headers.get("Retry-After") ?? "0") };
}

async function expectOk(what, promise, okStatuses) {
  const res = await promise;
  if (!okStatuses.includes(res.status))
    throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 300) || "(empty body)"}`);
  return res.json;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function ipFor(i) {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1}`;
}

/**
 * N users registered, the first one friends with all others.
 * @param {string} base http://127.0.0.1:port
 * @returns {Promise<{id: string, username: string, token: string}[]>}
 */
export async function setUpUsers(base, count, log) {
  const tag = randomBytes(3).toString("hex");
  const password = randomBytes(12).toString("base64url");
  // Distinct fake addresses per call, so two setups in one run do not share a register limit.
  const ipBase = Math.floor(Math.random() * 60_000) * 256;

  const users = await pool(
    Array.from({ length: count }, (_, i) => i),
    4,
    async (i) => {
      const username = `bench_${tag}_${i}`;
      for (let attempt = 0; ; attempt++) {
        const res = await call(base, "POST", "/api/auth/register", {
          body: { username, password },
          ip: ipFor(ipBase + i),
        });
        if (res.status === 429 && attempt < 3) {
          log(`register ${username}: 429, waiting ${res.retryAfter || 5} s`);
          await new Promise((r) => setTimeout(r, (res.retryAfter || 5) * 1000));
          continue;
        }
        if (res.status !== 201) throw new Error(`register ${username}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
        const id = res.json?.user?.id;
        const token = res.json?.accessToken;
        if (typeof id !== "string" || typeof token !== "string")
          throw new Error(`register ${username}: 201 without user.id/accessToken: ${res.text.slice(0, 300)}`);
        return { id, username, token };
      }
    },
  );
  log(`registered ${users.length} users`);

  const [owner, ...others] = users;
  await pool(others, 4, async (other) => {
    const sent = await expectOk(
      `friend request ${owner.username} -> ${other.username}`,
      call(base, "POST", "/api/friends/requests", { token: owner.token, body: { userId: other.id } }),
      [200, 201],
    );
    if (sent?.friend) return; // the other side had already asked
    const requestId = sent?.request?.id;
    if (typeof requestId !== "string") throw new Error(`friend request: no request.id in ${JSON.stringify(sent)}`);
    await expectOk(
      `accept ${requestId} by ${other.username}`,
      call(base, "POST", `/api/friends/requests/${encodeURIComponent(requestId)}/accept`, { token: other.token }),
      [200],
    );
  });
  log(`${others.length} friendships made`);
  return users;
}

/** A group of `users` created by the first one (who must be friends with the others). @returns {Promise<string>} its id */
export async function createGroup(base, users, title) {
  const [owner, ...others] = users;
  const created = await expectOk(
    "create group",
    call(base, "POST", "/api/conversations", {
      token: owner.token,
      body: { kind: "group", title, memberIds: others.map((u) => u.id) },
    }),
    [201],
  );
  const conversationId = created?.conversation?.id;
  if (typeof conversationId !== "string")
    throw new Error(`create group: no conversation.id in ${JSON.stringify(created)}`);
  return conversationId;
}

/**
 * @param {string} base http://127.0.0.1:port
 * @param {number} count users to create
 * @returns {Promise<{users: {id: string, username: string, token: string}[], conversationId: string, setupMs: number}>}
 */
export async function setUpConversation(base, count, log) {
  const started = performance.now();
  const users = await setUpUsers(base, count, log);
  const conversationId = await createGroup(base, users, `bench ${randomBytes(3).toString("hex")}`);
  log(`group ${conversationId} with ${users.length} members`);
  return { users, conversationId, setupMs: performance.now() - started };
}

/** Runs `fn` over `items` with at most `limit` in flight (exported for the scale scenarios). */
export { pool };
