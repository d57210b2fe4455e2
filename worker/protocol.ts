// The wire contract (v1; docs/protocol.md is our copy of the shared contract) as plain types and constants.
// Imports nothing from `cloudflare:*` so the web client can import it too.
// Names and shapes here are binding; docs/protocol.md explains each one.

export { EMOJI_MAX_UNITS, isReactionEmoji } from "./emoji";

export const PROTOCOL_VERSION = 1 as const;
/** Subprotocol a browser offers (with `bearer.<token>`) and the server selects. */
export const SUBPROTOCOL = "imsys.v1" as const;
export const BEARER_PREFIX = "bearer." as const;

export const CloseCode = {
  normal: 1000,
  /** A binary frame whose bytes are not UTF-8 (text frames: see docs/protocol.md, the runtime decodes them). */
  invalidData: 1007,
  frameTooBig: 1009,
  unauthorized: 4001,
  forbidden: 4003,
  policy: 4008,
  protocolViolation: 4400,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const ErrorCode = {
  invalidRequest: "invalid_request",
  unauthorized: "unauthorized",
  invalidCredentials: "invalid_credentials",
  otpRequired: "otp_required",
  invalidOtp: "invalid_otp",
  forbidden: "forbidden",
  notFound: "not_found",
  conflict: "conflict",
  tooLarge: "too_large",
  rateLimited: "rate_limited",
  internal: "internal",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const Limits = {
  textMax: 4000,
  /** Distinct emoji on one message; removing stays allowed past it. */
  reactionsPerMessageMax: 20,
  frameMaxBytes: 64 * 1024,
  clientIdMax: 64,
  replayBatch: 500,
  eventsPageMax: 500,
  messagesPageMax: 200,
  pageDefault: 50,
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  passwordMax: 128,
  displayNameMax: 64,
  requestMessageMax: 500,
  titleMax: 128,
  /** Issue 16: members of one group (the contract's default of 100,000). */
  groupMembersMax: 100_000,
  /**
   * Ids in one `POST /api/conversations/:id/members` (and in a new group's
   * `memberIds`): one request is one transaction and one `member` event;
   * more members come in further requests (ids already in are no-ops).
   */
  addMembersMax: 500,
  /** `GET /api/conversations/:id/members` answers at most this many per page. */
  memberPageMax: 500,
  /**
   * A group above this many members is not listed whole: the welcome lists the
   * owner, the admins and who is online, `GET /api/conversations/:id` the first page.
   */
  membersListedMax: 1000,
  /** A large group's welcome lists at most this many members (the caller, the owner, admins, then who is online). */
  welcomeMembersMax: 500,
  /**
   * Above this many members a group is large: `receipt` frames reach only the
   * reader's own sockets and everyone gets `read_counts` instead (how many
   * have read up to each seq, not who), and typing is a sample.
   */
  largeGroupAbove: 1000,
  /** Distinct read positions one `read_counts` lists (the newest ones). */
  readCountsMax: 50,
  /** In a large group, typers whose `typing` reaches the others per 2 s window; the rest are dropped. */
  typingSampleMax: 3,
  sendsPerSecond: 10,
  sendBurst: 30,
  /** Every client frame but the ping text, per socket (over: `rate_limited`, and 4008 past a burst of refusals). */
  framesPerSecond: 20,
  frameBurst: 60,
  /** Bytes of replay (`hello`, `sync`) per socket: a first burst at once, then paced. */
  replayBytesPerSecond: 1024 * 1024,
  replayBytesBurst: 1024 * 1024,
  /** A replay `events` frame stops growing past this many bytes (and at 500 events). */
  replayFrameBytes: 256 * 1024,
  socketsPerUserPerConversation: 10,
  inboxSocketsPerUser: 10,
  heartbeatTimeoutMs: 60_000,
  accessTokenTtlSeconds: 15 * 60,
  userSearchMax: 20,
  /** Pinned conversations per user (Telegram's limit without premium); past it `409 conflict`. */
  pinnedMax: 5,
  /** Distinct users a message's text may mention (tokens, see worker/shared/mentions.ts); past it `invalid_request`. */
  mentionsPerMessageMax: 20,
  /** Pinned messages per conversation; pinning past it is refused with `conflict`. */
  pinnedMessagesMax: 50,
  /** `GET /api/search`: `q` length (characters, after trimming) and its words (ANDed). */
  searchQueryMax: 200,
  searchWordsMax: 8,
  /** `GET /api/search`: message hits per page (default 20). */
  searchPageMax: 50,
  /**
   * `GET /api/search`: conversations one page asks at most. A user in 1,000
   * conversations gets a first page after at most this many object calls;
   * `nextCursor` goes on through the rest.
   */
  searchConversationsPerPage: 25,
} as const;

export const USERNAME_PATTERN = /^[a-z0-9_.-]{3,32}$/;

/**
 * What a display name, group title or friend-request message may not
 * contain (message text may): C0 and C1 controls and DEL, the bidi
 * embeddings and overrides U+202A-U+202E and isolates U+2066-U+2069, the
 * invisible direction marks U+200E, U+200F and U+061C, and the line and
 * paragraph separators U+2028-U+2029. With them a name can display as
 * someone else's, or reorder the text around it ("gpj.exe" tricks). ZWJ and
 * ZWNJ stay allowed: emoji sequences and several scripts need them.
 */
export const UNSAFE_NAME_CHARS = /[\p{Cc}\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** For servers and forms alike: whether `s` may not be used as a name, title or request message. */
export const hasUnsafeNameChars = (s: string): boolean => UNSAFE_NAME_CHARS.test(s);

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

// ---------- REST shapes ----------

export interface User {
  id: string;
  username: string;
  displayName: string;
  /**
   * The version of the user's avatar, present only when they have one: the
   * picture is `GET /api/users/:id/avatar/:avatar` (`avatarPath`). A new
   * picture gets a new version, so a cached one is never stale.
   */
  avatar?: string;
}

/** Avatars (docs/protocol.md "Avatars"): small square pictures the client resizes before sending. */
export const AvatarLimits = {
  /** `PUT /api/me/avatar` refuses bodies over this with `413 too_large`. */
  maxBytes: 256 * 1024,
  /** Width and height, each: larger pictures are refused (a tiny file can decode to a huge bitmap). */
  maxSide: 1024,
  /** What clients send: a square this many pixels wide. */
  clientSide: 256,
} as const;

/** The image types an avatar may be, decided from its bytes. */
export const AVATAR_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type AvatarType = (typeof AVATAR_TYPES)[number];

/** An avatar version: what the server makes (base64url), so a path built from it stays one segment. */
export const AVATAR_VERSION = /^[A-Za-z0-9_-]{1,64}$/;

/** Where a user's current avatar is served (needs a Bearer token like every other call). */
export const avatarPath = (userId: string, version: string) =>
  `/api/users/${encodeURIComponent(userId)}/avatar/${encodeURIComponent(version)}`;

export interface Me extends User {
  createdAt: number;
  totpEnabled: boolean;
}

export interface AuthResult {
  user: User;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  /** Sent back on later logins from this device: its own login budget (docs/protocol.md). */
  deviceToken: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export type PresenceStatus = "online" | "offline";

export interface Presence {
  status: PresenceStatus;
  lastSeenAt: number | null;
}

export interface Friend {
  user: User;
  presence: Presence;
  conversationId: string | null;
  since: number;
}

export interface FriendRequest {
  id: string;
  from: User;
  to: User;
  message: string;
  createdAt: number;
}

export type ConversationKind = "dm" | "group";
export type Role = "owner" | "admin" | "member";

/** Roles in order: a higher role may do what a lower one may. */
export const ROLE_RANK: Readonly<Record<Role, number>> = { member: 0, admin: 1, owner: 2 };

/** Admins and the owner add members and rename the group. */
export const isAdminRole = (role: Role): boolean => ROLE_RANK[role] >= ROLE_RANK.admin;

/** The contract's removal rule: an admin or the owner removes a member of a lower role (anyone may leave). */
export const mayRemove = (actor: Role, target: Role): boolean =>
  isAdminRole(actor) && ROLE_RANK[actor] > ROLE_RANK[target];

export interface Member {
  user: User;
  role: Role;
  joinedAt: number;
}

export interface Conversation {
  id: string;
  kind: ConversationKind;
  title: string | null;
  createdAt: number;
  /** Everyone, or in a group above `Limits.membersListedMax` the first page (then `nextCursor` is set). */
  members?: Member[];
  /** Added to v1: how many members the conversation has. */
  memberCount?: number;
  /** Added to v1: where `GET /api/conversations/:id/members?cursor=` goes on; absent when `members` is everyone. */
  nextCursor?: string;
}

/** `GET /api/conversations/:id/members`: one page, ordered by join time then user id; `nextCursor` null at the end. */
export interface MembersPage {
  members: Member[];
  nextCursor: string | null;
}

/**
 * `GET /api/search` (issue 17): someone the caller can find. Friends match by
 * display name or username; anyone else only by username prefix, exactly as
 * `GET /api/users` finds them. Blocks either way hide a person.
 */
export interface PersonHit {
  user: User;
  friend: boolean;
  /** The caller's DM with them, when there is one. */
  conversationId: string | null;
}

/** A conversation that has a message hit on this page, as a chat list names it. */
export interface SearchConversation {
  id: string;
  kind: ConversationKind;
  title: string | null;
  /** A DM's other member. */
  peer?: User;
}

export interface MessageHit {
  conversationId: string;
  message: Message;
}

/** One page of `GET /api/search`: see docs/protocol.md "Global search" for how it pages. */
export interface SearchPage {
  /** People matching `q`: on the first page only (no `cursor`), else empty. */
  people: PersonHit[];
  /** Grouped by conversation (in the scan order), newest first inside each. */
  messages: MessageHit[];
  conversations: SearchConversation[];
  nextCursor: string | null;
  /** Conversations searched through this page (counting earlier pages), and how many the caller is in. */
  searched: number;
  total: number;
  /** Conversations that did not answer in time on this page: their matches are missing, the scan went on. */
  unavailable: string[];
}

export type MessageKind = "text" | "file" | "image" | "audio" | "video" | "system";

export interface LastMessage {
  seq: number;
  senderId: string;
  kind: MessageKind;
  preview: string;
  createdAt: number;
}

export interface ConversationSummary {
  id: string;
  kind: ConversationKind;
  title: string | null;
  peer?: User;
  memberCount: number;
  role: Role;
  lastSeq: number;
  readSeq: number;
  unread: number;
  lastMessage?: LastMessage;
  updatedAt: number;
  /** Added to v1 (issue 17): this user's own settings, from their inbox; absent means false. */
  muted?: boolean;
  /** A timed mute's end (ms); absent with `muted` means until unmuted. */
  mutedUntil?: number;
  pinned?: boolean;
  /** When it was pinned: pinned conversations are listed first, oldest pin first. */
  pinnedAt?: number;
  /**
   * Added to v1 (issue 17): messages after `readSeq` whose mentions name this
   * user (deleted ones not counted); absent means 0. Shown as the `@` badge,
   * and a new one notifies even while muted.
   */
  unreadMentions?: number;
  /** The seq of the newest of those messages; present with `unreadMentions`. */
  lastMentionSeq?: number;
}

/** Added to v1: one user's settings for one conversation (`PATCH /api/conversations/:id/settings`). */
export interface ConversationSettings {
  muted: boolean;
  mutedUntil?: number;
  pinned: boolean;
  pinnedAt?: number;
}

/** The body of that PATCH: only the fields given change. */
export interface SettingsPatch {
  muted?: boolean | { until: number };
  pinned?: boolean;
}

// ---------- the log ----------

export interface FileRef {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

/**
 * Who wrote a forwarded message's original, and when. Never the source
 * conversation or seq: a forward out of a DM or a private group must not
 * tell the destination which conversation it came from or who else is in it.
 * `name` is the author's display name when it was forwarded (destination
 * members may not know the author). A forward of a forward keeps the first
 * author.
 */
export interface ForwardOrigin {
  senderId: string;
  name: string;
  createdAt: number;
}

interface EventBase {
  seq: number;
  conversationId: string;
  senderId: string;
  clientId?: string;
  createdAt: number;
}

export interface MessageEvent extends EventBase {
  type: "message";
  kind: MessageKind;
  text?: string;
  fileId?: string;
  file?: FileRef;
  replyTo?: number;
  /**
   * Added to v1 (issue 17): the members the text mentions, as the server
   * kept them (current members other than the sender, no block either way,
   * in order of first mention); absent means none.
   */
  mentions?: string[];
  /** Added to v1 (issue 17): the message is a forward of another one (erased with the message). */
  forwardedFrom?: ForwardOrigin;
}

export interface EditEvent extends EventBase {
  type: "edit";
  target: number;
  /** Absent once the target message was deleted: deletion erases every stored copy of its text. */
  text?: string;
  /** The message's mentions from now on, parsed from the new text; absent means none. */
  mentions?: string[];
}

export interface DeleteEvent extends EventBase {
  type: "delete";
  target: number;
}

export interface ReactionEvent extends EventBase {
  type: "reaction";
  target: number;
  emoji: string;
  on: boolean;
}

/** Added to v1 (issue 17): a message pinned (`on`) or unpinned; admin+ in a group, either member in a DM. */
export interface PinEvent extends EventBase {
  type: "pin";
  target: number;
  on: boolean;
}

export type MemberAction = "created" | "added" | "removed" | "left" | "role" | "renamed";

export interface MemberEvent extends EventBase {
  type: "member";
  action: MemberAction;
  userIds: string[];
  role?: Role;
  title?: string;
}

export type ConversationEvent = MessageEvent | EditEvent | DeleteEvent | ReactionEvent | PinEvent | MemberEvent;
export type EventType = ConversationEvent["type"];

/** The folded current state of one `message` event. */
export interface Message {
  seq: number;
  senderId: string;
  clientId: string | null;
  kind: MessageKind;
  text: string | null;
  file?: FileRef;
  replyTo?: number;
  /** As in its event, following edits; absent means none. */
  mentions?: string[];
  forwardedFrom?: ForwardOrigin;
  createdAt: number;
  editedAt?: number;
  deleted?: true;
  // biome-ignore lint/plugin: the wire's JSON shape; readers take own entries only (the web client into a Map).
  reactions: Record<string, string[]>;
}

// ---------- conversation socket ----------

export type ChangeFrame =
  | {
      type: "send";
      clientId: string;
      kind: MessageKind;
      text?: string;
      fileId?: string;
      replyTo?: number;
    }
  | { type: "edit"; clientId: string; target: number; text: string }
  | { type: "delete"; clientId: string; target: number }
  | { type: "react"; clientId: string; target: number; emoji: string; on: boolean }
  /** Added to v1 (issue 17): logs a copy of message `seq` of conversation `conversationId` here. */
  | { type: "forward"; clientId: string; from: ForwardSource }
  | { type: "pin"; clientId: string; target: number; on: boolean };

/** The message a forward copies: the source conversation checks that the forwarder may read it. */
export interface ForwardSource {
  conversationId: string;
  seq: number;
}

/** One pinned message of a conversation (`welcome.pins`, `GET /api/conversations/:id/pins`). */
export interface Pin {
  seq: number;
  pinnedBy: string;
  pinnedAt: number;
}

export type ConversationClientFrame =
  | { type: "hello"; lastSeq: number }
  | ChangeFrame
  | { type: "typing" }
  | { type: "read"; seq: number }
  | { type: "sync"; after: number };

/** Added to v1 (issue 16): in a large group, `count` members have read up to `seq` or past it. */
export interface ReadCount {
  seq: number;
  count: number;
}

export interface SocketMember {
  userId: string;
  role: Role;
  online: boolean;
  /**
   * The member's read marker (0 before their first read), so "seen by" is right before any receipt.
   * In a large group 0 for everyone but the caller: who read what is not told there (`readCounts`).
   */
  readSeq: number;
}

export type ConversationServerFrame =
  | {
      type: "welcome";
      head: number;
      readSeq: number;
      /**
       * Everyone, or above `Limits.membersListedMax` the caller, the owner, the admins and who is
       * online, at most `Limits.welcomeMembersMax` of them.
       */
      members: SocketMember[];
      /** Added to v1: the total, which `members` may fall short of. */
      memberCount: number;
      /** Added to v1 (issue 17): the pinned messages, oldest pin first (at most `Limits.pinnedMessagesMax`). */
      pins: Pin[];
      /** Added to v1 (issue 16): only in a large group (above `Limits.largeGroupAbove`), as in `read_counts`. */
      readCounts?: ReadCount[];
      protocol: typeof PROTOCOL_VERSION;
    }
  | { type: "events"; events: ConversationEvent[] }
  | { type: "ack"; clientId: string; seq: number; createdAt: number }
  | { type: "typing"; userId: string }
  /** In a large group only to the reader's own sockets. */
  | { type: "receipt"; userId: string; seq: number }
  /**
   * Added to v1 (issue 16): a large group's receipts, to everyone, at most one a second:
   * the newest read positions in ascending seq (how to read them: docs/protocol.md, "Large groups").
   */
  | { type: "read_counts"; counts: ReadCount[] }
  | { type: "error"; code: ErrorCode; message: string; clientId?: string }
  | { type: "pong" };

// ---------- inbox socket ----------

export type InboxServerFrame =
  | {
      type: "welcome";
      conversations: ConversationSummary[];
      friends: { userId: string; status: PresenceStatus; lastSeenAt: number | null }[];
    }
  | { type: "conversation"; conversation: ConversationSummary }
  /** Added to v1: the user left or was removed; the client drops the conversation. */
  | { type: "conversation_removed"; conversationId: string }
  | { type: "presence"; userId: string; status: PresenceStatus; lastSeenAt: number | null }
  | { type: "friend_request"; request: FriendRequest }
  | { type: "friend_added"; friend: Friend }
  | { type: "friend_removed"; userId: string }
  /** Added to v1: the answer to any frame other than the ping text (the socket stays open). */
  | { type: "error"; code: ErrorCode; message: string }
  | { type: "pong" };

/** Exact heartbeat texts, answered by the runtime without waking the object. */
export const PING_TEXT = '{"type":"ping"}';
export const PONG_TEXT = '{"type":"pong"}';

// ---------- files (R2) ----------

export const FileLimits = {
  /** Files up to this size upload in one `PUT .../content`. */
  singleMax: 10 * 1024 * 1024,
  /** Every part but the last has exactly this size (R2 needs equal parts >= 5 MiB). */
  partSize: 8 * 1024 * 1024,
  fileMax: 2 * 1024 * 1024 * 1024,
  /** Per user, over pending and ready files. */
  quotaBytes: 5 * 1024 * 1024 * 1024,
  nameMax: 255,
  signedUrlTtlSeconds: 15 * 60,
} as const;

export type FileStatus = "pending" | "ready";

export interface FileInfo {
  id: string;
  conversationId: string;
  uploaderId: string;
  name: string;
  size: number;
  /** As declared by the uploader; downloads are served with the sniffed type. */
  contentType: string;
  status: FileStatus;
  createdAt: number;
}

export type UploadMethod = "single" | "multipart";

export interface FileCreated {
  file: FileInfo;
  upload: { method: UploadMethod; partSize: number };
}

export interface FilePart {
  partNumber: number;
  size: number;
}

/** `GET /api/previews?url=`: a page's Open Graph card; every field but `url` may be missing. */
export interface LinkPreview {
  /** The URL asked about, normalized (no fragment). */
  url: string;
  title?: string;
  description?: string;
  /** An https image URL, to show with `referrerpolicy="no-referrer"`. */
  image?: string;
  siteName?: string;
}

export const PreviewLimits = {
  urlMax: 2048,
  titleMax: 200,
  descriptionMax: 400,
  siteNameMax: 100,
  /** Bytes of a page read at most, up to the end of its <head>. */
  pageBytesMax: 256 * 1024,
  timeoutMs: 3000,
  redirectsMax: 3,
} as const;
