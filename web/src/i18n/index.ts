// The one way UI text is produced: `t(key)`. The language follows the
// browser until the user picks one in settings (kept in localStorage).
import { useEffect, useState } from "preact/hooks";
import { en, type MessageKey, type Messages } from "./en";
import { zhCN } from "./zh-CN";

export type Lang = "en" | "zh-CN";
export type { MessageKey };
export const LANGS: readonly Lang[] = ["en", "zh-CN"];
export const LANG_NAMES: Record<Lang, string> = { en: "English", "zh-CN": "简体中文" };

const STORAGE_KEY = "imsys.lang";
const TABLES: Record<Lang, Messages> = { en, "zh-CN": zhCN };
const listeners = new Set<(lang: Lang) => void>();

/** zh, zh-CN, zh-Hans... read Chinese; everything else English. */
export function pickLang(stored: string | null, browser: readonly string[]): Lang {
  if (stored === "en" || stored === "zh-CN") return stored;
  for (const tag of browser) {
    const lower = tag.toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

function initialLang(): Lang {
  if (typeof navigator === "undefined" || typeof localStorage === "undefined") return "en";
  return pickLang(localStorage.getItem(STORAGE_KEY), navigator.languages ?? [navigator.language]);
}

let current: Lang = initialLang();

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  for (const l of listeners) l(lang);
}

/** Placeholder values by name. The names are written in code and in our own tables, never taken from the wire. */
// biome-ignore lint/plugin: placeholder names are ours (call sites and tables); format reads them with Object.hasOwn.
export type Params = Readonly<Record<string, string | number>>;

/** Fills `{name}` placeholders; unknown placeholders stay visible rather than vanish. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    // Own values only: a "{constructor}" placeholder must not print Object.
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    return value === undefined ? whole : String(value);
  });
}

export function t(key: MessageKey, params?: Params, lang: Lang = current): string {
  return format(TABLES[lang][key], params);
}

/** Re-renders the caller when the language changes. */
export function useLang(): Lang {
  const [lang, setState] = useState(current);
  useEffect(() => {
    listeners.add(setState);
    return () => {
      listeners.delete(setState);
    };
  }, []);
  return lang;
}
