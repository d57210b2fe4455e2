import type { RefObject } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { ConversationSocket } from "../net/conversationSocket";

const SHOW_MS = 4_000;
const ANNOUNCE_EVERY_MS = 3_000;

/** Who else is typing (ephemeral `typing` frames), and a throttled announcer for us. */
export function useTyping(socketRef: RefObject<ConversationSocket | null>) {
  const [userIds, setUserIds] = useState<string[]>([]);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const lastAnnounced = useRef(0);

  const clear = useCallback((ids: string[]) => {
    for (const id of ids) {
      const timer = timers.current.get(id);
      if (timer === undefined) continue;
      clearTimeout(timer);
      timers.current.delete(id);
    }
    setUserIds([...timers.current.keys()]);
  }, []);

  const seen = useCallback((userId: string) => {
    const old = timers.current.get(userId);
    if (old !== undefined) clearTimeout(old);
    timers.current.set(
      userId,
      setTimeout(() => {
        timers.current.delete(userId);
        setUserIds([...timers.current.keys()]);
      }, SHOW_MS),
    );
    setUserIds([...timers.current.keys()]);
  }, []);

  const announce = useCallback(() => {
    const now = Date.now();
    if (now - lastAnnounced.current < ANNOUNCE_EVERY_MS) return;
    lastAnnounced.current = now;
    socketRef.current?.typing();
  }, [socketRef]);

  useEffect(() => {
    const all = timers.current;
    return () => {
      for (const timer of all.values()) clearTimeout(timer);
      all.clear();
    };
  }, []);

  return { userIds, seen, clear, announce };
}
