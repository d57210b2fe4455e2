import { t } from "../../i18n";
import { type MentionList as List, MENTION_LIST_ID, mentionOptionId } from "./useMentionPicker";

/**
 * The members an `@` in the composer may name, above the text box. Focus
 * stays in the box (arrows choose, Enter or Tab inserts, Escape closes; the
 * box points at the active option with aria-activedescendant); a tap or
 * click inserts too, without taking the focus, so a phone's keyboard stays up.
 */
export function MentionList({ list }: { list: List }) {
  return (
    <div
      id={MENTION_LIST_ID}
      class="mention-list"
      role="listbox"
      aria-label={t("mentionSuggestions")}
      onMouseDown={(e) => e.preventDefault()}
    >
      {list.options.map((c, i) => (
        // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard chooses from the text box (see above)
        <div
          key={c.id}
          id={mentionOptionId(i)}
          role="option"
          tabIndex={-1}
          aria-selected={i === list.active}
          class={i === list.active ? "mention-option active" : "mention-option"}
          onClick={() => list.pick(c)}
        >
          <bdi dir="auto">{c.displayName}</bdi> <span class="muted">@{c.username}</span>
        </div>
      ))}
    </div>
  );
}
