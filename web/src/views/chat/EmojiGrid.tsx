import { t } from "../../i18n";
import { rovingKeyDown } from "../../ui/roving";

// A small, fixed set: no data download, no inline styles (emoji-picker-element
// sets style attributes that this app's CSP refuses; see web/README.md).
const EMOJI = [
  "😀",
  "😂",
  "🙂",
  "😉",
  "😍",
  "😘",
  "🤔",
  "😅",
  "😭",
  "😡",
  "😴",
  "🤗",
  "👍",
  "👎",
  "👏",
  "🙏",
  "💪",
  "👋",
  "👌",
  "✌️",
  "🎉",
  "🔥",
  "✨",
  "💯",
  "❤️",
  "💔",
  "⭐",
  "✅",
  "❌",
  "❓",
  "☕",
  "🍜",
  "🍕",
  "🎂",
  "🚀",
  "🌙",
];

export default function EmojiGrid({ onPick }: { onPick: (emoji: string) => void }) {
  return (
    <div class="emoji-grid" role="toolbar" aria-label={t("emoji")} onKeyDown={rovingKeyDown}>
      {EMOJI.map((emoji, i) => (
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
