// Seeds large groups through the public REST API only, under the contract's
// own rules and limits (nothing here needs a test-only route or raised limit):
// - registration hashes each password (PBKDF2, 100,000 iterations), so users
//   are registered a few at a time, each with its own CF-Connecting-IP
//   (wrangler dev passes it through; the register limit is 60/min per IP);
// - an adder must be an admin and friends with every invitee, and a friend
//   request costs the *sender's* budget (60/min per user) while accepting is
//   free, so each member asks its hub and the hub accepts: one request per
//   member, no user near its limit;
// - no user has more than HUB_FRIENDS friends: the owner is the hub of the
//   first block of members and befriends one hub per further block, each hub
//   is made admin and adds its own block, in chunks (`addChunk` ids a call);
// - access tokens live 15 minutes and sockets close at their token's expiry,
//   so tokens older than a few minutes are refreshed (free) before use;
// - every user's requests share a general budget (API_USER_LIMIT, 600 a
//   minute), so a hub accepting 999 requests waits out its 429s.
import { randomBytes } from "node:crypto";
import { call, pool } from "./imsystem-setup.mjs";

/** Members per hub (the owner or an admin), besides the hub itself: a group-creation call's most (1,000 - 1). */
export const HUB_FRIENDS = 999;
/** A token older than this is refreshed before its user opens a socket (sockets close when it expires). */
export const TOKEN_MAX_AGE_MS = 5 * 60_000;

/** The group cap of the Worker under test refused an add: the size cannot be built on this code. */
export class GroupCapError extends Error {}

/**
 * Splits members[1..] into blocks of at most `perHub`; block 0's hub is the
 * owner (members[0]), every later block's hub is its own first member.
 * @template T @param {T[]} members @returns {{hub: T, members: T[]}[]}
 */
export function hubBlocks(members, perHub = HUB_FRIENDS) {
  const [owner, ...rest] = members;
  const blocks = [];
  for (let i = 0; i < rest.length; i += perHub) {
    const block = rest.slice(i, i + perHub);
    blocks.push(i === 0 ? { hub: owner, members: block } : { hub: block[0], members: block.slice(1) });
  }
  return blocks;
}

const failed = (what, res) => new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 300) || "(empty body)"}`);

export class Seeder {
  /** @param {string} base @param {(msg: string) => void} log */
  constructor(base, log, { concurrency = 6, addChunk = 500 } = {}) {
    this.base = base;
    this.log = log;
    this.concurrency = concurrency;
    this.addChunk = addChunk;
    this.tag = randomBytes(3).toString("hex");
    this.password = randomBytes(12).toString("base64url");
    this.ipBase = Math.floor(Math.random() * 60_000) * 256;
    this.registered = 0;
    /** @type {{id: string, username: string, token: string, refreshToken: string, issuedAt: number}[]} */
    this.users = [];
    /** "hubId userId" of every friendship made. */
    this.friends = new Set();
    this.registerMs = 0;
    /** Calls that waited out a 429 (the per-user API budget) while seeding. */
    this.rateLimitedWaits = 0;
  }

  /**
   * A call that retries a dropped connection (a busy local workerd resets
   * some) and waits out a 429: every user's requests share a general budget
   * (API_USER_LIMIT, 600 a minute), and a hub accepts up to 999 requests.
   */
  async call(method, path, opts) {
    for (let attempt = 0, limited = 0; ; ) {
      let res;
      try {
        res = await call(this.base, method, path, opts);
      } catch (err) {
        if (++attempt > 3) throw err;
        await new Promise((r) => setTimeout(r, 500 * attempt));
        continue;
      }
      if (res.status !== 429 || ++limited > 10) return res;
      this.rateLimitedWaits++;
      await new Promise((r) => setTimeout(r, (res.retryAfter || 5) * 1000));
    }
  }

  async registerOne() {
    const i = this.registered++;
    const username = `bench_${this.tag}_${i}`;
    const ip = `10.${((this.ipBase + i) >> 16) & 255}.${((this.ipBase + i) >> 8) & 255}.${((this.ipBase + i) & 255) + 1}`;
    const res = await this.call("POST", "/api/auth/register", { body: { username, password: this.password }, ip });
    const user = res.json?.user;
    if (res.status !== 201 || typeof user?.id !== "string" || typeof res.json.accessToken !== "string")
      throw failed(`register ${username}`, res);
    return {
      id: user.id,
      username,
      token: res.json.accessToken,
      refreshToken: res.json.refreshToken,
      issuedAt: Date.now(),
    };
  }

  /** Users not in the shared pool (the 2-member group's). */
  async extraUsers(n) {
    return pool(Array.from({ length: n }), this.concurrency, () => this.registerOne());
  }

  /** The first `n` users of the shared pool, registering the missing ones. */
  async pool(n) {
    const missing = n - this.users.length;
    if (missing > 0) {
      const t0 = performance.now();
      let done = 0;
      const fresh = await pool(Array.from({ length: missing }), this.concurrency, async () => {
        const u = await this.registerOne();
        if (++done % 1000 === 0) this.log(`seed: registered ${done}/${missing}`);
        return u;
      });
      this.users.push(...fresh);
      const ms = performance.now() - t0;
      this.registerMs += ms;
      this.log(`seed: registered ${missing} users in ${(ms / 1000).toFixed(1)} s (${this.users.length} in the pool)`);
    }
    return this.users.slice(0, n);
  }

  /** Refreshes (POST /api/auth/refresh, no limit) every token older than `maxAgeMs`. */
  async freshTokens(users, maxAgeMs = TOKEN_MAX_AGE_MS) {
    const stale = users.filter((u) => Date.now() - u.issuedAt > maxAgeMs);
    await pool(stale, this.concurrency * 2, async (u) => {
      const res = await this.call("POST", "/api/auth/refresh", { body: { refreshToken: u.refreshToken } });
      if (res.status !== 200 || typeof res.json?.accessToken !== "string") throw failed(`refresh ${u.username}`, res);
      u.token = res.json.accessToken;
      u.refreshToken = res.json.refreshToken;
      u.issuedAt = Date.now();
    });
    if (stale.length > 0) this.log(`seed: refreshed ${stale.length} access tokens`);
  }

  /** Each of `others` asks `hub` (its own budget, 1 request) and `hub` accepts (unlimited). */
  async befriend(hub, others) {
    const todo = others.filter((o) => !this.friends.has(`${hub.id} ${o.id}`));
    await this.freshTokens([hub, ...todo]);
    // Latency-bound (D1 writes and inbox calls, no hashing): more in flight than registration.
    await pool(todo, this.concurrency * 4, async (other) => {
      const sent = await this.call("POST", "/api/friends/requests", { token: other.token, body: { userId: hub.id } });
      if (sent.status === 201 && typeof sent.json?.request?.id === "string") {
        const accepted = await this.call(
          "POST",
          `/api/friends/requests/${encodeURIComponent(sent.json.request.id)}/accept`,
          { token: hub.token },
        );
        if (accepted.status !== 200) throw failed(`accept ${other.username} by ${hub.username}`, accepted);
      } else if (sent.status !== 200) {
        throw failed(`friend request ${other.username} -> ${hub.username}`, sent);
      }
      this.friends.add(`${hub.id} ${other.id}`);
    });
  }

  /**
   * `adder` adds `ids` in chunks; re-adding members is fine (409 "already
   * members" on main, 200 with `alreadyMembers` where adds are idempotent).
   * A chunk the Worker refuses as too long (400) or fails on (500: main's
   * blockedAmong binds 2 parameters an id in one statement, and D1 allows
   * 100, so main fails adds of more than 49 ids) is retried in halves, and
   * the smaller chunk is kept for the rest of the run.
   */
  async addMembers(conversationId, adder, ids) {
    for (let i = 0; i < ids.length; ) {
      await this.freshTokens([adder]);
      const chunk = ids.slice(i, i + this.addChunk);
      const res = await this.call("POST", `/api/conversations/${encodeURIComponent(conversationId)}/members`, {
        token: adder.token,
        body: { userIds: chunk },
      });
      if (res.status === 200 || res.status === 409) {
        i += chunk.length;
        continue;
      }
      if (res.status === 400 && /group is full/.test(res.text))
        throw new GroupCapError(
          'the Worker refused an add with "group is full" (its groupMembersMax is below this size)',
        );
      if ((res.status === 400 || res.status === 500) && chunk.length > 1) {
        this.addChunk = Math.ceil(chunk.length / 2);
        this.log(`seed: an add of ${chunk.length} ids answered HTTP ${res.status}; adding ${this.addChunk} at a time`);
        continue;
      }
      throw failed(`add ${chunk.length} members`, res);
    }
  }

  /**
   * A group of the pool's first `size` users (the 2-member group: `members`
   * given), built by hubs as the header says. @returns {Promise<string>} its id
   */
  async group(size, members = null) {
    const t0 = performance.now();
    const owner = (members ?? (await this.pool(1)))[0];
    const blocks = hubBlocks(members ?? Array.from({ length: size }, (_, i) => i), HUB_FRIENDS);
    const byIndex = (i) => (members ? i : this.users[i]);
    // Block 0, the owner's: registers only what it needs, so a refused add later stops the seeding early.
    if (!members) await this.pool(Math.min(size, 1 + HUB_FRIENDS));
    const invitees = blocks[0].members.map(byIndex);
    await this.befriend(owner, invitees);
    await this.freshTokens([owner]);
    // A group starts with one chunk (a Worker may cap creation at the chunk size), the rest is added.
    const ids = invitees.map((u) => u.id);
    const res = await this.call("POST", "/api/conversations", {
      token: owner.token,
      body: { kind: "group", title: `bench big ${size} ${this.tag}`, memberIds: ids.slice(0, this.addChunk) },
    });
    const conversationId = res.json?.conversation?.id;
    if (res.status !== 201 || typeof conversationId !== "string") throw failed("create group", res);
    await this.addMembers(conversationId, owner, ids.slice(this.addChunk));
    // The first later block alone: its hub's add is where a cap below `size`
    // shows, before thousands more users are registered. The rest in
    // parallel: each block's befriending waits mostly on its own hub's inbox.
    const later = blocks.slice(1).map((block, k) => ({ block, b: k + 1 }));
    if (later.length > 0) {
      const add = ({ block, b }) => this.laterBlock(conversationId, owner, block, b, byIndex, members ? null : size);
      await add(later[0]);
      if (!members) await this.pool(size);
      await pool(later.slice(1), 4, add);
    }
    this.log(
      `seed: group ${conversationId} of ${size} members built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    return conversationId;
  }

  /** Block b > 0: the owner adds its hub and makes it an admin, who then adds the rest. */
  async laterBlock(conversationId, owner, block, b, byIndex, size) {
    const before = 1 + b * HUB_FRIENDS;
    try {
      if (size !== null) await this.pool(Math.min(size, before + 1));
      const hub = byIndex(block.hub);
      await this.befriend(owner, [hub]);
      await this.addMembers(conversationId, owner, [hub.id]);
      const role = await this.call(
        "PATCH",
        `/api/conversations/${encodeURIComponent(conversationId)}/members/${encodeURIComponent(hub.id)}`,
        { token: owner.token, body: { role: "admin" } },
      );
      if (role.status !== 200) throw failed(`make ${hub.username} admin`, role);
      if (size !== null) await this.pool(Math.min(size, before + HUB_FRIENDS));
      const invitees = block.members.map(byIndex);
      await this.befriend(hub, invitees);
      await this.addMembers(
        conversationId,
        hub,
        invitees.map((u) => u.id),
      );
    } catch (err) {
      if (!(err instanceof GroupCapError)) throw err;
      throw new GroupCapError(`${err.message}; the group had ${before} members or more`);
    }
    this.log(`seed: block ${b} of the group of ${size ?? "?"} added (its hub and ${block.members.length} members)`);
  }
}
