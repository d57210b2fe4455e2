// The composer's text, kept per chat: in memory for switching chats within
// the session (instant, no flash of an empty box) and in IndexedDB for
// reloads. An edit of an old message is not a draft and is never kept.
import type { Dispatch, StateUpdater } from "preact/hooks";
import { useEffect, useRef, useState } from "preact/hooks";
import { loadDraft, saveDraft } from "../../store/db";

const drafts = new Map<string, string>();
const SAVE_DELAY_MS = 300;

export function useDraft(key: string, editing: boolean): [string, Dispatch<StateUpdater<string>>] {
  const [text, setText] = useState(() => drafts.get(key) ?? "");
  const typed = useRef(false);

  useEffect(() => {
    if (drafts.has(key)) return;
    let live = true;
    void loadDraft(key).then((stored) => {
      // Whatever was typed while IndexedDB answered wins.
      if (live && !typed.current && stored) setText(stored);
    });
    return () => {
      live = false;
    };
  }, [key]);

  useEffect(() => {
    if (editing) return;
    if (text !== "") typed.current = true;
    if ((drafts.get(key) ?? "") === text) return;
    if (text === "") drafts.delete(key);
    else drafts.set(key, text);
    // A sent (emptied) draft is forgotten at once; typing is written after a pause.
    if (text === "") {
      void saveDraft(key, "");
      return;
    }
    const timer = setTimeout(() => void saveDraft(key, text), SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [key, text, editing]);

  // Leaving the chat or the page: what the timer was still holding is written at once.
  useEffect(() => {
    const flush = () => void saveDraft(key, drafts.get(key) ?? "");
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [key]);

  return [text, setText];
}
