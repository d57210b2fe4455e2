// Typed calls for users, friends and conversations (docs/protocol.md).

import * as v from "valibot";
import type { Conversation, ConversationSummary, Friend, FriendRequest, User } from "../../../worker/protocol";
import type { ClientMessage } from "../wire/events";
import {
  ConversationEnvelopeSchema,
  FriendRequestsSchema,
  FriendsSchema,
  MessagesPageSchema,
  SummariesSchema,
  UsersSchema,
} from "../wire/rest";
import { api, apiVoid } from "./client";

const seg = encodeURIComponent;

export async function searchUsers(prefix: string): Promise<User[]> {
  return (await api(`/api/users?q=${seg(prefix)}`, UsersSchema)).users;
}

export async function listFriends(): Promise<Friend[]> {
  return (await api("/api/friends", FriendsSchema)).friends;
}

export function listFriendRequests(): Promise<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }> {
  return api("/api/friends/requests", FriendRequestsSchema);
}

/** Either `201 {request}` or, if they had already asked, `200 {friend}`: the caller just reloads. */
export async function sendFriendRequest(userId: string): Promise<void> {
  await api("/api/friends/requests", v.unknown(), { body: { userId } });
}

export async function acceptFriendRequest(id: string): Promise<void> {
  await api(`/api/friends/requests/${seg(id)}/accept`, v.unknown(), { method: "POST" });
}

export function declineFriendRequest(id: string): Promise<void> {
  return apiVoid(`/api/friends/requests/${seg(id)}/decline`, { method: "POST" });
}

export function cancelFriendRequest(id: string): Promise<void> {
  return apiVoid(`/api/friends/requests/${seg(id)}`, { method: "DELETE" });
}

export async function openDirectConversation(userId: string): Promise<Conversation> {
  return (await api("/api/conversations", ConversationEnvelopeSchema, { body: { kind: "dm", userId } })).conversation;
}

export async function listConversations(): Promise<ConversationSummary[]> {
  return (await api("/api/conversations", SummariesSchema)).conversations;
}

export async function getConversation(id: string): Promise<Conversation> {
  return (await api(`/api/conversations/${seg(id)}`, ConversationEnvelopeSchema)).conversation;
}

/** One page of messages, newest first; `before` is an exclusive seq cursor. A message this build cannot read is a placeholder. */
export type MessagesPage = { messages: ClientMessage[]; hasMore: boolean };

/** The one history endpoint: `before` paging, a `from`/`to` range, or a search `q` (docs/protocol.md "The log: events and messages"). */
export interface HistoryQuery {
  before?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
  q?: string | undefined;
  limit?: number | undefined;
}

export function messagesPage(id: string, params: HistoryQuery): Promise<MessagesPage> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
  return api(`/api/conversations/${seg(id)}/messages?${query}`, MessagesPageSchema);
}

export function listMessages(id: string, before?: number, limit = 50): Promise<MessagesPage> {
  return messagesPage(id, { limit, before });
}

export async function listBlocked(): Promise<User[]> {
  return (await api("/api/blocks", UsersSchema)).users;
}

export function blockUser(userId: string): Promise<void> {
  return apiVoid(`/api/blocks/${seg(userId)}`, { method: "PUT" });
}

export function unblockUser(userId: string): Promise<void> {
  return apiVoid(`/api/blocks/${seg(userId)}`, { method: "DELETE" });
}
