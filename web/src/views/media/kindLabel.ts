import { type MessageKey, t } from "../../i18n";
import type { FileKind } from "../../upload/plan";

const KIND_LABEL = new Map<string, MessageKey>([
  ["image", "kindImage"],
  ["file", "kindFile"],
  ["audio", "kindAudio"],
  ["video", "kindVideo"],
] satisfies [FileKind, MessageKey][]);

/** The name of a file message's kind (a file message has no text to show), or null for text and system messages. */
export function kindLabel(kind: string): string | null {
  const key = KIND_LABEL.get(kind);
  return key ? t(key) : null;
}
