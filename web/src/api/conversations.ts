// Group management and history look-ups (docs/protocol.md "Conversations", "The log: events and messages").
import * as v from "valibot";
import type {
  Conversation,
  ConversationSettings,
  ForwardSource,
  MembersPage,
  Message,
  MessageKind,
  Pin,
  Role,
  SettingsPatch,
} from "../../../worker/protocol";
import { Limits } from "../../../worker/protocol";
import { ConversationEnvelopeSchema, MembersPageSchema, PinsSchema, SettingsEnvelopeSchema } from "../wire/rest";
import { api, apiVoid } from "./client";
import { type MessagesPage, messagesPage } from "./resources";

const seg = encodeURIComponent;
const base = (id: string) => `/api/conversations/${seg(id)}`;

/** A new group: the first `Limits.addMembersMax` members with it, the rest added in chunks. */
export async function createGroup(title: string, memberIds: string[]): Promise<Conversation> {
  const first = memberIds.slice(0, Limits.addMembersMax);
  const created = (
    await api("/api/conversations", ConversationEnvelopeSchema, { body: { kind: "group", title, memberIds: first } })
  ).conversation;
  const rest = memberIds.slice(first.length);
  return rest.length > 0 ? addMembers(created.id, rest) : created;
}

export async function renameGroup(id: string, title: string): Promise<Conversation> {
  return (await api(base(id), ConversationEnvelopeSchema, { method: "PATCH", body: { title } })).conversation;
}

/**
 * Adds members one chunk of `Limits.addMembersMax` at a time (the server's
 * bound). Each chunk is idempotent, so after a failure the whole call can
 * simply be repeated: members already in are no-ops, not errors.
 */
export async function addMembers(id: string, userIds: string[]): Promise<Conversation> {
  let conversation: Conversation | null = null;
  for (let i = 0; i < userIds.length || conversation === null; i += Limits.addMembersMax) {
    const body = { userIds: userIds.slice(i, i + Limits.addMembersMax) };
    conversation = (await api(`${base(id)}/members`, ConversationEnvelopeSchema, { body })).conversation;
  }
  return conversation;
}

/** The member list's page after `cursor` (a large group's `GET /:id` carries only the first). */
export function listMembers(id: string, cursor: string, limit = 200): Promise<MembersPage> {
  return api(`${base(id)}/members?cursor=${seg(cursor)}&limit=${limit}`, MembersPageSchema);
}

/** Removes a member; with one's own id this is leaving. */
export function removeMember(id: string, userId: string): Promise<void> {
  return apiVoid(`${base(id)}/members/${seg(userId)}`, { method: "DELETE" });
}

export async function setRole(id: string, userId: string, role: Exclude<Role, "owner">): Promise<void> {
  await api(`${base(id)}/members/${seg(userId)}`, v.unknown(), { method: "PATCH", body: { role } });
}

/** This user's mute and pin for one conversation (their other devices hear it over the inbox socket). */
export async function setConversationSettings(id: string, patch: SettingsPatch): Promise<ConversationSettings> {
  return (await api(`${base(id)}/settings`, SettingsEnvelopeSchema, { method: "PATCH", body: patch })).settings;
}

/** Full-text matches, newest first. */
export function searchMessages(id: string, q: string, limit = 20): Promise<MessagesPage> {
  return messagesPage(id, { q, limit });
}

/** Messages created in [from, to), oldest first. */
export function messagesBetween(id: string, from: number, to: number, limit = 50): Promise<MessagesPage> {
  return messagesPage(id, { from, to, limit });
}

/** Sends a message over REST (same body as the socket's `send`; a repeated clientId is not a second message). */
export async function postMessage(
  id: string,
  body: { clientId: string; kind: MessageKind; text?: string; fileId?: string; replyTo?: number },
): Promise<void> {
  await api(`${base(id)}/messages`, v.unknown(), { body });
}

/** Copies message `from` into conversation `id`; the same clientId again is the same forward, not a second one. */
export async function forwardMessage(id: string, clientId: string, from: ForwardSource): Promise<void> {
  await api(`${base(id)}/forwards`, v.unknown(), { body: { clientId, from } });
}

/** The pinned messages with their current state, oldest pin first. */
export async function listPins(id: string): Promise<(Pin & { message: Message })[]> {
  return (await api(`${base(id)}/pins`, PinsSchema)).pins;
}
