// One user's own settings per conversation (mute, pin), kept in their inbox's
// SQLite (table `settings`, migration 0004 in store.ts). Conversations never
// see them: the inbox lays them over the summaries it shows and consults
// them before a push.
import { type ConversationSettings, type ConversationSummary, Limits, type SettingsPatch } from "../protocol";

type Row = {
  muted: number;
  muted_until: number | null;
  pinned_at: number | null;
};

const NONE: ConversationSettings = { muted: false, pinned: false };

/** A timed mute that has ended reads as not muted: no sweep is needed to expire it. */
function settingsOf(r: Row | undefined, now: number): ConversationSettings {
  if (!r) return NONE;
  const muted = r.muted === 1 && (r.muted_until === null || r.muted_until > now);
  const s: ConversationSettings = { muted, pinned: r.pinned_at !== null };
  if (muted && r.muted_until !== null) s.mutedUntil = r.muted_until;
  if (r.pinned_at !== null) s.pinnedAt = r.pinned_at;
  return s;
}

/** The summary as this user sees it: only settings that are on appear on the wire. */
export function overlay(summary: ConversationSummary, s: ConversationSettings): ConversationSummary {
  const { muted: _m, mutedUntil: _u, pinned: _p, pinnedAt: _a, ...base } = summary;
  const out: ConversationSummary = base;
  if (s.muted) out.muted = true;
  if (s.mutedUntil !== undefined) out.mutedUntil = s.mutedUntil;
  if (s.pinned) out.pinned = true;
  if (s.pinnedAt !== undefined) out.pinnedAt = s.pinnedAt;
  return out;
}

export type SettingsResult = { ok: true; settings: ConversationSettings } | { ok: false; reason: "too_many_pins" };

export class SettingsTable {
  constructor(private readonly sql: SqlStorage) {}

  private row(conversationId: string): Row | undefined {
    return this.sql
      .exec<Row>("SELECT muted, muted_until, pinned_at FROM settings WHERE conversation_id = ?", conversationId)
      .toArray()[0];
  }

  get(conversationId: string, now: number): ConversationSettings {
    return settingsOf(this.row(conversationId), now);
  }

  /** Every conversation with a setting, by id (a Map: ids are user-visible strings). */
  all(now: number): Map<string, ConversationSettings> {
    const rows = this.sql
      .exec<Row & { conversation_id: string }>("SELECT conversation_id, muted, muted_until, pinned_at FROM settings")
      .toArray();
    return new Map(rows.map((r) => [r.conversation_id, settingsOf(r, now)]));
  }

  /**
   * Applies the fields given, in one statement (all or nothing). Pinning an
   * already pinned conversation keeps its place; a new pin past the limit is
   * refused and changes nothing, the mute in the same patch included.
   */
  apply(conversationId: string, patch: SettingsPatch, now: number): SettingsResult {
    const cur = this.row(conversationId);
    let muted = cur ? cur.muted === 1 && (cur.muted_until === null || cur.muted_until > now) : false;
    let mutedUntil = muted ? (cur?.muted_until ?? null) : null;
    if (patch.muted !== undefined) {
      muted = patch.muted !== false;
      mutedUntil = typeof patch.muted === "object" ? patch.muted.until : null;
    }
    let pinnedAt = cur?.pinned_at ?? null;
    if (patch.pinned === false) pinnedAt = null;
    if (patch.pinned === true && pinnedAt === null) {
      if (this.pinCount() >= Limits.pinnedMax) return { ok: false, reason: "too_many_pins" };
      pinnedAt = now;
    }
    if (!muted && pinnedAt === null) {
      this.drop(conversationId);
    } else {
      this.sql.exec(
        `INSERT INTO settings (conversation_id, muted, muted_until, pinned_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (conversation_id) DO UPDATE SET muted = excluded.muted, muted_until = excluded.muted_until,
           pinned_at = excluded.pinned_at`,
        conversationId,
        muted ? 1 : 0,
        mutedUntil,
        pinnedAt,
      );
    }
    return { ok: true, settings: this.get(conversationId, now) };
  }

  private pinCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM settings WHERE pinned_at IS NOT NULL").one().n;
  }

  /** The conversation left this inbox (left or removed): its settings go with it. */
  drop(conversationId: string): void {
    this.sql.exec("DELETE FROM settings WHERE conversation_id = ?", conversationId);
  }
}
