// A few routes need no router library: the History API plus one hook.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { name: "chats" }
  | { name: "contacts" }
  | { name: "settings" }
  | { name: "account" }
  /** `at`: a message to open the chat at (`/c/:id?at=<seq>`, from global search). */
  | { name: "chat"; id: string; at?: number }
  | { name: "groupInfo"; id: string }
  | { name: "newGroup" }
  | { name: "notFound" };

const CHANGE = "imsys:navigate";

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.dispatchEvent(new Event(CHANGE));
}

export function matchRoute(url: string): Route {
  const [path = "", search = ""] = url.split("?", 2);
  if (path === "/" || path === "") return { name: "chats" };
  if (path === "/contacts") return { name: "contacts" };
  if (path === "/settings") return { name: "settings" };
  if (path === "/settings/account") return { name: "account" };
  if (path === "/new-group") return { name: "newGroup" };
  const info = /^\/c\/([^/]+)\/info$/.exec(path);
  if (info?.[1]) return { name: "groupInfo", id: decodeURIComponent(info[1]) };
  const chat = /^\/c\/([^/]+)$/.exec(path);
  if (chat?.[1]) {
    const id = decodeURIComponent(chat[1]);
    const at = Number(new URLSearchParams(search).get("at") ?? "");
    return Number.isSafeInteger(at) && at > 0 ? { name: "chat", id, at } : { name: "chat", id };
  }
  return { name: "notFound" };
}

export const chatPath = (id: string) => `/c/${encodeURIComponent(id)}`;
/** The chat opened at message `seq`. */
export const messagePath = (id: string, seq: number) => `${chatPath(id)}?at=${seq}`;
export const groupInfoPath = (id: string) => `/c/${encodeURIComponent(id)}/info`;

export function useRoute(): Route {
  const [path, setPath] = useState(location.pathname + location.search);
  useEffect(() => {
    const sync = () => setPath(location.pathname + location.search);
    window.addEventListener("popstate", sync);
    window.addEventListener(CHANGE, sync);
    return () => {
      window.removeEventListener("popstate", sync);
      window.removeEventListener(CHANGE, sync);
    };
  }, []);
  return matchRoute(path);
}
