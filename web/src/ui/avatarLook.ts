// How someone without a picture looks: their initials on a colour of their
// own. The colour comes from the id, not the name, so it stays put across a
// rename and two people with one name still differ.

/**
 * Backgrounds for white initials: each gives at least 4.5:1 (WCAG AA for
 * text; avatarLook.test.ts measures it), and white on them reads the same
 * in the light and the dark theme.
 */
export const AVATAR_COLORS = [
  "#b91c1c",
  "#c2410c",
  "#a16207",
  "#4d7c0f",
  "#15803d",
  "#0f766e",
  "#0369a1",
  "#1d4ed8",
  "#6d28d9",
  "#a21caf",
  "#be185d",
  "#475569",
] as const;

/** FNV-1a over the id's UTF-16 units: cheap, stable across sessions and builds. */
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function avatarColor(id: string): string {
  return AVATAR_COLORS[hash(id) % AVATAR_COLORS.length] as string;
}

const segmenter = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter() : null;

/** The first user-perceived character: an emoji with its modifiers, a letter with its accents. */
function firstGrapheme(word: string): string {
  if (segmenter) return segmenter.segment(word)[Symbol.iterator]().next().value?.segment ?? "";
  return [...word][0] ?? "";
}

/** "Ada Lovelace" → "AL", "grace" → "G", "张伟" → "张", "" → "?". */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const first = words[0];
  if (first === undefined) return "?";
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const letters = firstGrapheme(first) + (last === undefined ? "" : firstGrapheme(last));
  return letters.toLocaleUpperCase();
}
