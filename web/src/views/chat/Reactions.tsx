import type { ReactionMap } from "../../chat/timeline";
import { t } from "../../i18n";
import { personName } from "./quote";

interface Props {
  reactions: ReactionMap;
  selfId: string;
  nameOf: (userId: string) => string;
  onToggle: (emoji: string, on: boolean) => void;
}

/** Counts per emoji; each is a toggle for this user, and names who reacted. */
export function Reactions({ reactions, selfId, nameOf, onToggle }: Props) {
  const entries = [...reactions].filter(([, users]) => users.length > 0);
  if (entries.length === 0) return null;
  return (
    <p class="reactions">
      {entries.map(([emoji, users]) => {
        const mine = users.includes(selfId);
        const names = users.map((u) => personName(u, selfId, nameOf)).join(", ");
        const label = t("reactionBy", { emoji, n: users.length, names });
        return (
          <button
            key={emoji}
            type="button"
            class={`reaction${mine ? " mine" : ""}`}
            aria-pressed={mine}
            aria-label={label}
            title={label}
            onClick={() => onToggle(emoji, !mine)}
          >
            {emoji} {users.length}
          </button>
        );
      })}
    </p>
  );
}
