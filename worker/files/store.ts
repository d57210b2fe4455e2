import { requireMember } from "../db/conversations";
import { type FileRow, requireFile } from "../db/files";
import type { Bindings } from "../http/env";
import { forbidden } from "../http/errors";
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
  await requireMember(env.DB, row.conversationId, userId);
  return row;
}
