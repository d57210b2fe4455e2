// How the message list reads, as plain data: runs of messages from one sender
// within a minute share one name and time, a separator starts each day, and
// a divider marks the first message that was unread when the chat opened.
// Pure (the locale and "now" are arguments), so the rules are unit-tested in Node.
import type { TimelineItem } from "./timeline";

export interface Row {
  /** Starts a run: shows the sender's name and the time. */
  first: boolean;
  /** Ends a run (the bubble's tail, and a little space after it). */
  last: boolean;
  /** A day separator goes before this row: its label. */
  day: string | null;
  /** The "New messages" divider goes before this row. */
  unreadStart: boolean;
}

/** A run never spans more than this from its first message, so its one time stays true to the minute. */
export const RUN_MS = 60_000;

const dayKey = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
};

export interface DayWords {
  today: string;
  yesterday: string;
}

/** "Today", "Yesterday", a weekday within the week, else the date (with the year when not this year). */
export function dayLabel(ms: number, now: number, locale: string, words: DayWords): string {
  const d = new Date(ms);
  const n = new Date(now);
  const midnight = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  // Rounded: a day with a daylight-saving change is 23 or 25 hours long.
  const days = Math.round((midnight(n) - midnight(d)) / 86_400_000);
  if (days === 0) return words.today;
  if (days === 1) return words.yesterday;
  if (days > 1 && days < 7) return new Intl.DateTimeFormat(locale, { weekday: "long" }).format(d);
  const sameYear = d.getFullYear() === n.getFullYear();
  return new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "long",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(d);
}

// Building an Intl formatter costs far more than using one: one per locale, kept.
const clocks = new Map<string, Intl.DateTimeFormat>();

/** The time of day in the reader's language ("14:05" in Chinese, "2:05 PM" in American English). */
export function clockTime(ms: number, locale: string): string {
  let clock = clocks.get(locale);
  if (!clock) {
    clock = new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit" });
    clocks.set(locale, clock);
  }
  return clock.format(new Date(ms));
}

export interface FlowOptions {
  selfId: string;
  /** The reader's read position when the chat opened (null: not known yet, no divider). */
  unreadAfter: number | null;
  now: number;
  locale: string;
  words: DayWords;
}

/** The first message of someone else after the read position: where the divider goes. */
export function firstUnreadIndex(items: TimelineItem[], selfId: string, unreadAfter: number | null): number {
  if (unreadAfter === null) return -1;
  return items.findIndex((i) => i.seq !== null && i.seq > unreadAfter && i.senderId !== selfId);
}

export function flowOf(items: TimelineItem[], opts: FlowOptions): Row[] {
  const unread = firstUnreadIndex(items, opts.selfId, opts.unreadAfter);
  const rows: Row[] = [];
  let runStart = 0;
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i] as TimelineItem;
    const prev = items[i - 1];
    const newDay = !prev || dayKey(prev.createdAt) !== dayKey(item.createdAt);
    const unreadStart = i === unread;
    const first =
      !prev ||
      newDay ||
      unreadStart ||
      prev.senderId !== item.senderId ||
      item.createdAt - (items[runStart] as TimelineItem).createdAt >= RUN_MS ||
      item.createdAt < prev.createdAt;
    if (first) runStart = i;
    const prevRow = rows[i - 1];
    if (first && prevRow) prevRow.last = true;
    rows.push({
      first,
      last: i === items.length - 1,
      day: newDay ? dayLabel(item.createdAt, opts.now, opts.locale, opts.words) : null,
      unreadStart,
    });
  }
  return rows;
}
