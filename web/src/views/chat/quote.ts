import { plainText } from "../../chat/mentions";
import type { TimelineItem } from "../../chat/timeline";
import { t } from "../../i18n";

/** How much of a message a reply quote shows. */
const QUOTE_CHARS = 80;

/** A person as this user reads them: "You" for themself. */
export function personName(userId: string, selfId: string, nameOf: (userId: string) => string): string {
  return userId === selfId ? t("you") : nameOf(userId);
}

/**
 * A message as a reply quotes it (in the composer and above the reply): its
 * author and its start, mentions as `@Name` (current names where `memberName` knows them).
 */
export function quoteOf(
  item: Pick<TimelineItem, "senderId" | "text" | "file" | "deleted" | "unsupported">,
  selfId: string,
  nameOf: (userId: string) => string,
  memberName: (userId: string) => string | undefined = () => undefined,
): { name: string; text: string } {
  const text = item.deleted
    ? t("messageDeleted")
    : item.unsupported
      ? t("messageUnsupported")
      : item.text !== null
        ? plainText(item.text, memberName)
        : (item.file?.name ?? "");
  return {
    name: personName(item.senderId, selfId, nameOf),
    text: text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text,
  };
}
