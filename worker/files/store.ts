import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { conversations, files, members } from "../db/schema";
import type { Bindings } from "../http/env";
import { forbidden, notFound } from "../http/errors";
import type { FileInfo, Role } from "../protocol";

export type FileRow = typeof files.$inferSelect;

export function toFileInfo(row: FileRow): FileInfo {
  return {
    id: row.id,
    conversationId: row.conversationId,
    uploaderId: row.uploaderId,
    name: row.name,
    size: row.size,
    contentType: row.contentType,
    status: row.status,
    createdAt: row.createdAt,
  };
}

/** Objects are keyed by ids we minted, never by anything a client sent. */
export const r2KeyFor = (conversationId: string, fileId: string) => `c/${conversationId}/${fileId}`;

export async function requireFile(env: Bindings, id: string): Promise<FileRow> {
  const [row] = await drizzle(env.DB).select().from(files).where(eq(files.id, id)).limit(1);
  if (!row) throw notFound("no such file");
  return row;
}

export async function getRole(env: Bindings, conversationId: string, userId: string): Promise<Role | null> {
  const [row] = await drizzle(env.DB)
    .select({ role: members.role })
    .from(members)
    .where(and(eq(members.conversationId, conversationId), eq(members.userId, userId)))
    .limit(1);
  return row?.role ?? null;
}

/** The caller's role; 403 for a non-member, 404 when the conversation does not exist. */
export async function requireMember(env: Bindings, conversationId: string, userId: string): Promise<Role> {
  const role = await getRole(env, conversationId, userId);
  if (role) return role;
  const [conv] = await drizzle(env.DB)
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
    .limit(1);
  if (!conv) throw notFound("no such conversation");
  throw forbidden("not a member of this conversation");
}

/** File `id`, for its uploader while still a member of the conversation: uploading is theirs alone. */
export async function requireUpload(env: Bindings, id: string, userId: string): Promise<FileRow> {
  const row = await requireFile(env, id);
  if (row.uploaderId !== userId) throw forbidden("only the uploader can upload this file");
  await requireMember(env, row.conversationId, userId);
  return row;
}
