import { type MessageKey, t } from "../../i18n";
import type { FileKind } from "../../upload/plan";

const KIND_LABEL: Record<FileKind, MessageKey> = {
  image: "kindImage",
  file: "kindFile",
  audio: "kindAudio",
  video: "kindVideo",
};

/** The name of a file message's kind (a file message has no text to show), or null for text and system messages. */
export function kindLabel(kind: string): string | null {
  return kind in KIND_LABEL ? t(KIND_LABEL[kind as FileKind]) : null;
}
