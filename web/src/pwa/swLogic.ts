// The service worker's decisions as pure functions (unit-tested in Node).

export interface PushPayload {
  conversationId: string;
  seq: number;
  title: string;
  body: string;
}

/** Only the named fields are ever read: no lookup by a key from the payload. */
type Fields = Partial<Record<"conversationId" | "seq" | "title" | "body" | "kill", unknown>>;
const isRecord = (x: unknown): x is Fields => typeof x === "object" && x !== null;

/** The push payload (docs/protocol.md "Push notifications"), or null for anything else. */
export function parsePushPayload(text: string): PushPayload | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(json)) return null;
  const { conversationId, seq, title, body } = json;
  if (typeof conversationId !== "string" || conversationId === "") return null;
  if (typeof seq !== "number" || typeof title !== "string") return null;
  return { conversationId, seq, title, body: typeof body === "string" ? body : "" };
}

/** The chat route a notification opens (router.ts `chatPath`). */
export const conversationUrl = (origin: string, conversationId: string) =>
  `${origin}/c/${encodeURIComponent(conversationId)}`;

/**
 * The kill switch: `/sw-kill.json` answering `{"kill": true}` unregisters
 * every installed service worker. Anything else (the shipped `{"kill": false}`,
 * the SPA's HTML fallback, a network error) keeps it.
 */
export function isKillSignal(contentType: string | null, body: string): boolean {
  if (!contentType?.includes("json")) return false;
  try {
    const json: unknown = JSON.parse(body);
    return isRecord(json) && json.kill === true;
  } catch {
    return false;
  }
}

/** Navigations the app shell answers: everything but the API and real files. */
export function isAppNavigation(pathname: string): boolean {
  if (pathname.startsWith("/api/")) return false;
  const last = pathname.split("/").at(-1) ?? "";
  return !last.includes(".");
}
