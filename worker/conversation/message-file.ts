import { ErrorCode, type FileRef, type MessageKind } from "../protocol";
import { type Refusal, refuse } from "./results";

/** What a file message needs to know of its D1 `files` row, read before the synchronous append. */
export interface FileFacts {
  id: string;
  conversationId: string;
  name: string;
  size: number;
  status: "pending" | "ready";
  /** Sniffed from the bytes on upload completion; null when unknown. */
  detectedType: string | null;
}

/**
 * Containers whose sniffed type says "video" but that often carry sound
 * only (a recorded voice note is usually audio/webm or audio/ogg, which
 * sniffers report as video/webm and video/ogg or application/ogg).
 */
const AUDIO_CONTAINERS = new Set(["video/webm", "video/ogg", "video/mp4", "application/ogg"]);

/** Whether a file of the sniffed type may be sent as `kind`. `file` takes anything. */
export function kindAccepts(kind: MessageKind, detectedType: string | null): boolean {
  switch (kind) {
    case "file":
      return true;
    case "image":
      return detectedType?.startsWith("image/") === true;
    case "audio":
      return detectedType !== null && (detectedType.startsWith("audio/") || AUDIO_CONTAINERS.has(detectedType));
    case "video":
      return detectedType !== null && (detectedType.startsWith("video/") || detectedType === "application/ogg");
    default:
      return false;
  }
}

/**
 * The `file` of a file message, or why it cannot be sent. Unknown files and
 * files of other conversations get the same answer, so a member learns
 * nothing about conversations they are not in.
 */
export function fileRefFor(kind: MessageKind, facts: FileFacts | null, conversationId: string): FileRef | Refusal {
  if (!facts || facts.conversationId !== conversationId) {
    return refuse(ErrorCode.invalidRequest, "fileId is not a file of this conversation");
  }
  if (facts.status !== "ready") return refuse(ErrorCode.invalidRequest, "the file is not uploaded yet");
  if (!kindAccepts(kind, facts.detectedType)) {
    return refuse(ErrorCode.invalidRequest, `the file's content (${facts.detectedType ?? "unknown"}) is not ${kind}`);
  }
  return {
    id: facts.id,
    name: facts.name,
    size: facts.size,
    contentType: facts.detectedType ?? "application/octet-stream",
  };
}
