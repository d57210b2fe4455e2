// Parsers for the REST answers the client reads (docs/protocol.md).
import * as v from "valibot";
import type {
  AuthResult,
  Conversation,
  ConversationSummary,
  Friend,
  FriendRequest,
  Me,
  Member,
  MembersPage,
  TokenPair,
  User,
} from "../../../worker/protocol";
import { AVATAR_VERSION } from "../../../worker/protocol";
import { int, maybe, orNull, seq, textOrEmpty } from "./common";
import { eachOf, MessageKindSchema, MessageSchema, PinSchema, RoleSchema, readMessage } from "./events";

/** An avatar version becomes a path segment: anything else is dropped (initials are shown). */
const avatarVersion = v.pipe(
  v.unknown(),
  v.transform((x) => (typeof x === "string" && AVATAR_VERSION.test(x) ? x : undefined)),
);

export const UserSchema: v.GenericSchema<unknown, User> = v.object({
  id: v.string(),
  username: v.string(),
  displayName: v.string(),
  avatar: v.optional(avatarVersion),
});

export const MeSchema: v.GenericSchema<unknown, Me> = v.object({
  id: v.string(),
  username: v.string(),
  displayName: v.string(),
  avatar: v.optional(avatarVersion),
  createdAt: int,
  totpEnabled: v.boolean(),
});

export const AuthResultSchema: v.GenericSchema<unknown, AuthResult> = v.object({
  user: UserSchema,
  accessToken: v.string(),
  refreshToken: v.string(),
  expiresIn: v.number(),
  deviceToken: v.string(),
});

export const TokenPairSchema: v.GenericSchema<unknown, TokenPair> = v.object({
  accessToken: v.string(),
  refreshToken: v.string(),
  expiresIn: v.number(),
});

export const UsersSchema = v.object({ users: v.array(UserSchema) });

export const FriendSchema: v.GenericSchema<unknown, Friend> = v.object({
  user: UserSchema,
  presence: v.object({
    status: v.picklist(["online", "offline"]),
    lastSeenAt: orNull(int),
  }),
  conversationId: orNull(v.string()),
  since: int,
});
export const FriendsSchema = v.object({ friends: v.array(FriendSchema) });

export const FriendRequestSchema: v.GenericSchema<unknown, FriendRequest> = v.object({
  id: v.string(),
  from: UserSchema,
  to: UserSchema,
  message: textOrEmpty,
  createdAt: int,
});
export const FriendRequestsSchema = v.object({
  incoming: v.array(FriendRequestSchema),
  outgoing: v.array(FriendRequestSchema),
});

const MemberSchema: v.GenericSchema<unknown, Member> = v.object({
  user: UserSchema,
  role: RoleSchema,
  joinedAt: int,
});

const ConversationSchema: v.GenericSchema<unknown, Conversation> = v.object({
  id: v.string(),
  kind: v.picklist(["dm", "group"]),
  title: orNull(v.string()),
  createdAt: int,
  members: maybe(v.array(MemberSchema)),
  memberCount: maybe(int),
  nextCursor: maybe(v.string()),
});
export const ConversationEnvelopeSchema = v.object({ conversation: ConversationSchema });
export const MembersPageSchema: v.GenericSchema<unknown, MembersPage> = v.object({
  members: v.array(MemberSchema),
  nextCursor: orNull(v.string()),
});

export const SummarySchema: v.GenericSchema<unknown, ConversationSummary> = v.object({
  id: v.string(),
  kind: v.picklist(["dm", "group"]),
  title: orNull(v.string()),
  peer: maybe(UserSchema),
  memberCount: int,
  role: RoleSchema,
  lastSeq: seq,
  readSeq: seq,
  unread: int,
  lastMessage: maybe(
    v.object({
      seq,
      senderId: v.string(),
      // A newer server's kind must not refuse the whole conversation list: its preview text still shows.
      kind: v.fallback(MessageKindSchema, "text"),
      preview: textOrEmpty,
      createdAt: int,
    }),
  ),
  updatedAt: int,
  muted: maybe(v.boolean()),
  mutedUntil: maybe(int),
  pinned: maybe(v.boolean()),
  pinnedAt: maybe(int),
  unreadMentions: maybe(int),
  lastMentionSeq: maybe(seq),
});
export const SettingsEnvelopeSchema = v.object({
  settings: v.object({
    muted: v.boolean(),
    mutedUntil: maybe(int),
    pinned: v.boolean(),
    pinnedAt: maybe(int),
  }),
});
export const SummariesSchema = v.object({ conversations: v.array(SummarySchema) });

const PinnedSchema = v.intersect([PinSchema, v.object({ message: MessageSchema })]);
/** `GET /api/conversations/:id/pins`: each pin with its message's folded state; one this build cannot read is left out. */
export const PinsSchema = v.object({
  pins: eachOf((x) => {
    const pin = v.safeParse(PinnedSchema, x);
    return pin.success ? pin.output : null;
  }),
});

/** History, ranges and search, message by message: one this build cannot read is a placeholder, not a lost page. */
export const MessagesPageSchema = v.object({
  messages: eachOf(readMessage),
  hasMore: v.optional(v.boolean(), false),
});
