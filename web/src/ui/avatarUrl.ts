// Avatars are served only with a Bearer token, which an <img src> cannot
// send: each picture is fetched once, kept as a `blob:` URL for the page's
// life, and shared by every place that shows it. The server marks it
// immutable under a versioned path, so a reload reads it from the HTTP cache.
import { useEffect, useState } from "preact/hooks";
import { AVATAR_VERSION, avatarPath } from "../../../worker/protocol";
import { apiBlob } from "../api/client";
import { ApiFailure } from "../api/failure";

const ready = new Map<string, string>();
const loading = new Map<string, Promise<string | null>>();

function load(path: string): Promise<string | null> {
  let p = loading.get(path);
  if (!p) {
    p = apiBlob(path).then(
      (blob) => {
        const url = URL.createObjectURL(blob);
        ready.set(path, url);
        return url;
      },
      (err: unknown) => {
        // A version that is gone (replaced meanwhile) stays gone; offline, the next mount tries again.
        if (!(err instanceof ApiFailure && err.status === 404)) loading.delete(path);
        return null;
      },
    );
    loading.set(path, p);
  }
  return p;
}

/** The picture's `blob:` URL once it is loaded, else null (show the initials meanwhile). */
export function useAvatarUrl(userId: string, version: string | undefined): string | null {
  const path = version !== undefined && AVATAR_VERSION.test(version) ? avatarPath(userId, version) : null;
  const [url, setUrl] = useState<string | null>(() => (path ? (ready.get(path) ?? null) : null));
  useEffect(() => {
    if (!path) {
      setUrl(null);
      return;
    }
    const known = ready.get(path);
    if (known) {
      setUrl(known);
      return;
    }
    setUrl(null);
    let live = true;
    void load(path).then((u) => live && setUrl(u));
    return () => {
      live = false;
    };
  }, [path]);
  return url;
}
