import { GRID_EMOJI } from "../../chat/emoji-choices";
import { t } from "../../i18n";
import { rovingKeyDown } from "../../ui/roving";

export default function EmojiGrid({ onPick }: { onPick: (emoji: string) => void }) {
  return (
    <div class="emoji-grid" role="toolbar" aria-label={t("emoji")} onKeyDown={rovingKeyDown}>
      {GRID_EMOJI.map((emoji, i) => (
        <button
          key={emoji}
          type="button"
          class="secondary"
          data-roving=""
          tabIndex={i === 0 ? 0 : -1}
          onClick={() => onPick(emoji)}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}
