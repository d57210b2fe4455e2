// Dates and times in the language the reader chose in the app (not the
// browser's): Intl with that locale, so Chinese mode never shows "07:54 AM".
import { getLang, type Lang } from "../i18n";

const sameDay = (a: Date, b: Date) =>
  a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** Built once per language: constructing a DateTimeFormat is the costly part. */
const formats = new Map<Lang, { time: Intl.DateTimeFormat; day: Intl.DateTimeFormat; date: Intl.DateTimeFormat }>();
function formatsFor(lang: Lang) {
  let f = formats.get(lang);
  if (!f) {
    f = {
      // 24-hour in both languages, as chat apps show times.
      time: new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
      day: new Intl.DateTimeFormat(lang, { day: "numeric", month: "short" }),
      date: new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", year: "numeric" }),
    };
    formats.set(lang, f);
  }
  return f;
}

/** "14:05" today, "3 Mar, 14:05" (zh: "3月3日 14:05") otherwise, in the app's language. */
export function formatTime(ms: number, now = new Date(), lang: Lang = getLang()): string {
  const d = new Date(ms);
  const f = formatsFor(lang);
  const time = f.time.format(d);
  if (sameDay(d, now)) return time;
  const day = f.day.format(d);
  return lang === "zh-CN" ? `${day} ${time}` : `${day}, ${time}`;
}

/** A calendar date ("6 Dec 2026", "2026年12月6日") in the app's language. */
export function formatDate(ms: number, lang: Lang = getLang()): string {
  return formatsFor(lang).date.format(new Date(ms));
}
