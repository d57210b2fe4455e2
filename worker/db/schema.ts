// D1 schema for the whole contract. Conversation logs live in each
// conversation's Durable Object; D1 holds identities, relations and indexes.
// Change this file, then `npm run db:generate` (never edit an applied migration).
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Lower-cased; uniqueness is case-insensitive by construction. */
    username: text("username").notNull(),
    displayName: text("display_name").notNull(),
    /** `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>` */
    passwordHash: text("password_hash").notNull(),
    /** AES-GCM encrypted TOTP secret (pending or enabled), null when unset. */
    totpSecretEnc: text("totp_secret_enc"),
    totpEnabled: integer("totp_enabled", { mode: "boolean" }).notNull().default(false),
    /** Last accepted TOTP time step, to refuse a code replayed within its window. */
    totpLastStep: integer("totp_last_step"),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at"),
    /**
     * The current avatar's version (random, server-made), null when there is none. The bytes
     * are in R2 under a key made of the user id and this version (worker/profile/avatars.ts).
     */
    avatar: text("avatar"),
  },
  (t) => [uniqueIndex("users_username_uq").on(t.username)],
);

/** One session per login; refresh tokens rotate inside it. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    revokedReason: text("revoked_reason"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/**
 * Every refresh token ever issued, stored only as its SHA-256. A token whose
 * `rotatedAt` is set was already used: presenting it again revokes the session.
 */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    rotatedAt: integer("rotated_at"),
  },
  (t) => [index("refresh_tokens_session_idx").on(t.sessionId)],
);

export const friendRequests = sqliteTable(
  "friend_requests",
  {
    id: text("id").primaryKey(),
    fromId: text("from_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    toId: text("to_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    message: text("message").notNull().default(""),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("friend_requests_pair_uq").on(t.fromId, t.toId), index("friend_requests_to_idx").on(t.toId)],
);

/** One row per friendship, stored in both directions so either side lists it with one index. */
export const friendships = sqliteTable(
  "friendships",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    friendId: text("friend_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    since: integer("since").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.friendId] })],
);

export const blocks = sqliteTable(
  "blocks",
  {
    blockerId: text("blocker_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    blockedId: text("blocked_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index("blocks_blocked_idx").on(t.blockedId)],
);

export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["dm", "group"] }).notNull(),
    title: text("title"),
    /** For `dm`: the two user ids sorted and joined with ':'; one DM per pair. */
    dmKey: text("dm_key"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    /** Time of the newest event, for ordering conversation lists. */
    updatedAt: integer("updated_at").notNull(),
    /**
     * The object's membership version the member rows (and title) were last
     * written at (db/member-index.ts): an older write that lands late changes nothing.
     */
    indexVersion: integer("index_version").notNull().default(0),
    /**
     * How many members the object held at `indexVersion` (written with it): a
     * conversation list reads this one row instead of counting member rows,
     * which at 100,000 members was 100,000 rows read per list per member.
     */
    memberCount: integer("member_count").notNull().default(0),
  },
  (t) => [uniqueIndex("conversations_dm_key_uq").on(t.dmKey).where(sql`${t.dmKey} IS NOT NULL`)],
);

/**
 * Membership index, for listing only ("my conversations", member counts).
 * The conversation's Durable Object is the authority and decides every
 * access; it writes these rows through its outbox (conversation/member-index.ts),
 * so they may lag it and must never grant anything.
 */
export const members = sqliteTable(
  "members",
  {
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "admin", "member"] }).notNull(),
    joinedAt: integer("joined_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.userId] }), index("members_user_idx").on(t.userId)],
);

export const files = sqliteTable(
  "files",
  {
    id: text("id").primaryKey(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    uploaderId: text("uploader_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    size: integer("size").notNull(),
    contentType: text("content_type").notNull(),
    status: text("status", { enum: ["pending", "ready"] }).notNull(),
    r2Key: text("r2_key").notNull(),
    /** R2 multipart upload id while a multipart upload is open. */
    uploadId: text("upload_id"),
    partSize: integer("part_size"),
    /** Content type sniffed from the bytes on completion. */
    detectedType: text("detected_type"),
    etag: text("etag"),
    createdAt: integer("created_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (t) => [index("files_uploader_idx").on(t.uploaderId), index("files_conversation_idx").on(t.conversationId)],
);

/**
 * Parts of an open multipart upload. The Workers R2 binding cannot list the
 * parts of an upload, so their etags are kept here to resume and complete.
 */
export const fileParts = sqliteTable(
  "file_parts",
  {
    fileId: text("file_id")
      .notNull()
      .references(() => files.id, { onDelete: "cascade" }),
    partNumber: integer("part_number").notNull(),
    size: integer("size").notNull(),
    etag: text("etag").notNull(),
    uploadedAt: integer("uploaded_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.fileId, t.partNumber] })],
);

export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    endpoint: text("endpoint").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("push_subscriptions_user_idx").on(t.userId)],
);
