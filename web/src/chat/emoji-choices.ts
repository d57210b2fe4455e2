// The emoji the client offers. Every one must pass the contract's reaction
// rule (isReactionEmoji, checked in emoji-choices.test.ts), so no choice can
// earn an `invalid_request`.

/** The reactions offered on a message. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "🎉", "😮", "🙏"] as const;

// A small, fixed set: no data download, no inline styles (emoji-picker-element
// sets style attributes that this app's CSP refuses; see web/README.md).
export const GRID_EMOJI = [
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
] as const;
