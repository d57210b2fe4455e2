/**
 * Text normalisation for the FTS5 index. unicode61 splits on spaces and
 * punctuation, which suits English but makes a whole CJK run one token, and
 * FTS5's trigram tokenizer cannot match 2-character words such as 世界. So
 * CJK runs are rewritten as overlapping bigrams ("你好世界" -> "你好 好世 世界")
 * in the `grams` column, and as single characters in the `chars` column for
 * 1-character queries. Queries go through the same rewrite, so a word is a
 * phrase of consecutive bigrams.
 */

const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
/**
 * Ends every CJK run in the index. Private-use characters are token
 * characters for unicode61, so it is a token of its own: the bigrams of two
 * separate runs are never adjacent, and "你好 好世" does not match "你好世".
 */
export const RUN_END = "\uE000";
// Private use (RUN_END could be forged) and control characters (a NUL ends an FTS5 string) become spaces.
const PRIVATE_USE = /[\uE000-\uF8FF\p{Cc}]/gu;
const HAS_TOKEN = /[\p{L}\p{N}]/u;

export interface IndexForms {
  grams: string;
  chars: string;
}

const bigrams = (chars: string[]) =>
  chars.length === 1 ? chars : chars.slice(0, -1).map((c, i) => `${c}${chars[i + 1] ?? ""}`);

/** Splits text into non-CJK text (left for unicode61) and CJK runs. */
function pieces(raw: string): { cjk: boolean; text: string }[] {
  const text = raw.replace(PRIVATE_USE, " ");
  const out: { cjk: boolean; text: string }[] = [];
  let at = 0;
  for (const m of text.matchAll(CJK_RUN)) {
    if (m.index > at) out.push({ cjk: false, text: text.slice(at, m.index) });
    out.push({ cjk: true, text: m[0] });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ cjk: false, text: text.slice(at) });
  return out;
}

/** What the index stores for a message text. */
export function indexForms(text: string): IndexForms {
  const grams: string[] = [];
  const chars: string[] = [];
  for (const p of pieces(text)) {
    if (!p.cjk) {
      grams.push(p.text);
      continue;
    }
    const cs = [...p.text];
    grams.push(...bigrams(cs), RUN_END);
    chars.push(...cs);
  }
  return { grams: grams.join(" "), chars: chars.join(" ") };
}

/** FTS5 string literal: the tokenizer splits its content, `"` doubles. */
const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * One FTS5 query from the user's words, or null when nothing searchable is
 * left (only punctuation). Words are ANDed; a word is a phrase, so "hello世界"
 * must appear as written; a trailing `*` makes the last English word a prefix.
 */
export function matchQuery(words: string[]): string | null {
  const clauses: string[] = [];
  for (const raw of words) {
    const prefix = raw.endsWith("*");
    const word = prefix ? raw.slice(0, -1) : raw;
    const ps = pieces(word).filter((p) => p.cjk || HAS_TOKEN.test(p.text));
    if (ps.length === 0) continue;
    const only = ps[0];
    if (ps.length === 1 && only?.cjk && [...only.text].length === 1) {
      clauses.push(`chars : ${quote(only.text)}`);
      continue;
    }
    // A run ends with RUN_END in the index; inside a query word it is followed by more tokens.
    const tokens = ps.flatMap((p, i) =>
      p.cjk ? [...bigrams([...p.text]), ...(i < ps.length - 1 ? [RUN_END] : [])] : [p.text],
    );
    const last = ps.at(-1);
    clauses.push(`grams : ${quote(tokens.join(" "))}${prefix && last && !last.cjk ? " *" : ""}`);
  }
  return clauses.length > 0 ? clauses.join(" AND ") : null;
}
