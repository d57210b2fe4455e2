import { type FileRow, requireFile } from "../db/files";
import { requireAccess, requireConversation } from "../do/access";
import { conversationStub } from "../do/stubs";
import type { Bindings } from "../http/env";
import { forbidden, refusalError } from "../http/errors";
import type { FileInfo } from "../protocol";

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

/** File `id`, for its uploader while still a member of the conversation: uploading is theirs alone. */
export async function requireUpload(env: Bindings, id: string, userId: string): Promise<FileRow> {
  const row = await requireFile(env.DB, id);
  if (row.uploaderId !== userId) throw forbidden("only the uploader can upload this file");
  await requireAccess(env, row.conversationId, userId);
  return row;
}

/**
 * File `id` for deletion: its uploader or an admin+ of its conversation, and
 * either way a member now, as the conversation's object says (a removed
 * uploader cannot take bytes their messages there still point at; a demoted
 * admin is a member at once).
 */
export async function requireDeletable(env: Bindings, id: string, userId: string): Promise<FileRow> {
  const row = await requireFile(env.DB, id);
  const { role } = await requireAccess(env, row.conversationId, userId);
  if (row.uploaderId !== userId && role !== "owner" && role !== "admin") {
    throw forbidden("only the uploader or a conversation admin can delete");
  }
  return row;
}

/** A readable file: its row, and its info as this reader may see it. */
export interface Readable {
  row: FileRow;
  info: FileInfo;
}

/**
 * File `id` for reading: any member of its conversation, as its object
 * says; or, read `via` a conversation it was forwarded into, any member of
 * that one while a live message there references it (that object says).
 * Read `via`, its info names that conversation and who posted the file
 * there: the row's own conversation and uploader are the source's, which a
 * forward never tells (docs/protocol.md, "Forwarding").
 */
export async function requireReadable(env: Bindings, id: string, userId: string, via?: string): Promise<Readable> {
  const row = await requireFile(env.DB, id);
  if (via === undefined || via === row.conversationId) {
    await requireAccess(env, row.conversationId, userId);
    return { row, info: toFileInfo(row) };
  }
  await requireConversation(env, via);
  const access = await conversationStub(env, via).fileAccess(userId, id);
  if (!access.ok) throw refusalError(access);
  return { row, info: { ...toFileInfo(row), conversationId: via, uploaderId: access.postedBy } };
}
