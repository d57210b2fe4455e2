// Parsers for the file endpoints' answers (docs/protocol.md "Files (R2)").
import * as v from "valibot";
import type { FileCreated, FileInfo, FilePart } from "../../../worker/protocol";
import { int } from "./common";

export const FileInfoSchema: v.GenericSchema<unknown, FileInfo> = v.object({
  id: v.string(),
  conversationId: v.string(),
  uploaderId: v.string(),
  name: v.string(),
  size: int,
  contentType: v.string(),
  status: v.picklist(["pending", "ready"]),
  createdAt: int,
});

export const FileCreatedSchema: v.GenericSchema<unknown, FileCreated> = v.object({
  file: FileInfoSchema,
  upload: v.object({ method: v.picklist(["single", "multipart"]), partSize: int }),
});

export const FileEnvelopeSchema = v.object({ file: FileInfoSchema });

export const FilePartSchema: v.GenericSchema<unknown, FilePart> = v.object({ partNumber: int, size: int });
export const FilePartsSchema = v.object({ parts: v.array(FilePartSchema) });

export const FileMetaSchema = v.object({ file: FileInfoSchema, url: v.string() });
