// The composer's `@` autocomplete: which `@query` is being typed at the
// caret, the members it matches, keyboard choice (arrows, Enter/Tab, Escape)
// and insertion of `@Name `. It remembers what it inserted (per chat, for the
// session) so that sending can turn each `@Name` into a token (chat/mentions.ts).
import type { RefObject } from "preact";
import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { type Candidate, matchMembers, mentionQuery, type Picked } from "../../chat/mentions";

/** Picks per chat: switching chats keeps a draft's mentions (a reload keeps its text, as plain text). */
const pickedByDraft = new Map<string, Picked[]>();

export const MENTION_LIST_ID = "mention-list";
export const mentionOptionId = (i: number) => `mention-option-${i}`;

export interface MentionList {
  options: Candidate[];
  active: number;
  pick(c: Candidate): void;
}

interface Options {
  draftKey: string;
  box: RefObject<HTMLTextAreaElement | null>;
  members: readonly Candidate[];
  setText(text: string): void;
}

export function useMentionPicker({ draftKey, box, members, setText }: Options) {
  const [picked, setPickedState] = useState<Picked[]>(() => pickedByDraft.get(draftKey) ?? []);
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  /** Escape closes the list for the `@` at this place until another one is typed. */
  const [dismissed, setDismissed] = useState<number | null>(null);
  const caretAfter = useRef<number | null>(null);

  const setPicked = (next: Picked[]) => {
    if (next.length === 0) pickedByDraft.delete(draftKey);
    else pickedByDraft.set(draftKey, next);
    setPickedState(next);
  };

  const options = useMemo(() => (query ? matchMembers(members, query.query) : []), [members, query]);
  const open = query !== null && options.length > 0 && dismissed !== query.start;

  /** Reads the `@query` at the caret again; call after input and after the caret moved. */
  const track = () => {
    const el = box.current;
    if (!el) return;
    const next = mentionQuery(el.value, el.selectionStart ?? el.value.length);
    if (next?.start !== query?.start || next?.query !== query?.query) {
      setQuery(next);
      setActive(0);
      if (next === null || next.start !== dismissed) setDismissed(null);
    }
  };

  const pick = (c: Candidate) => {
    const el = box.current;
    if (!el) return;
    const caret = el.selectionStart ?? el.value.length;
    const q = mentionQuery(el.value, caret);
    if (!q) return;
    const insert = `@${c.displayName} `;
    setText(el.value.slice(0, q.start) + insert + el.value.slice(caret));
    setPicked([...picked, { userId: c.id, name: c.displayName }]);
    caretAfter.current = q.start + insert.length;
    setQuery(null);
  };

  // After the inserted name is rendered: the caret goes right after it, in the box.
  useLayoutEffect(() => {
    const at = caretAfter.current;
    const el = box.current;
    if (at === null || !el) return;
    caretAfter.current = null;
    el.focus();
    el.setSelectionRange(at, at);
  });

  /** Handles the key when the list is open; true when it did (the composer then does nothing else). */
  const onKeyDown = (e: KeyboardEvent): boolean => {
    if (!open || e.isComposing) return false;
    const n = options.length;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      setActive((i) => (i + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
    } else if (e.key === "Enter" || e.key === "Tab") {
      const c = options[Math.min(active, n - 1)];
      if (c) pick(c);
    } else if (e.key === "Escape") {
      setDismissed(query.start);
    } else {
      return false;
    }
    e.preventDefault();
    return true;
  };

  const list: MentionList | null = open ? { options, active: Math.min(active, options.length - 1), pick } : null;
  // The box stays a textbox (a textarea cannot be a combobox for axe); these tie the list to it.
  const boxProps = list
    ? {
        "aria-autocomplete": "list" as const,
        "aria-controls": MENTION_LIST_ID,
        "aria-activedescendant": mentionOptionId(list.active),
      }
    : { "aria-autocomplete": "list" as const };
  return { picked, setPicked, track, onKeyDown, list, boxProps };
}
