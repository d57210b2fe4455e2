// Signed file URLs (GET /api/files/:id/meta), shared by every view of the
// same file and fetched again shortly before they expire (15 minutes) or
// when the browser reports that one stopped working.
import { useCallback, useEffect, useState } from "preact/hooks";
import { FileLimits } from "../../../../worker/protocol";
import { fileMeta } from "../../api/files";

/** Renew a minute early, so a URL handed to an element still works when it is used. */
const TTL_MS = (FileLimits.signedUrlTtlSeconds - 60) * 1000;

interface Entry {
  url: Promise<string>;
  expires: number;
}
const cache = new Map<string, Entry>();

function signedUrl(fileId: string, force: boolean): Promise<string> {
  const hit = cache.get(fileId);
  if (hit && !force && hit.expires > Date.now()) return hit.url;
  const url = fileMeta(fileId).then((m) => m.url);
  const entry = { url, expires: Date.now() + TTL_MS };
  cache.set(fileId, entry);
  url.catch(() => cache.get(fileId) === entry && cache.delete(fileId));
  return url;
}

export interface SignedUrl {
  url: string | null;
  failed: boolean;
  /** Call from an element's `error` event: gets a fresh URL (once per expiry). */
  renew(): void;
}

export function useSignedUrl(fileId: string): SignedUrl {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let live = true;
    signedUrl(fileId, round > 0).then(
      (u) => {
        if (!live) return;
        setUrl(u);
        setFailed(false);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [fileId, round]);

  const renew = useCallback(() => setRound((r) => (r < 3 ? r + 1 : r)), []);
  return { url, failed, renew };
}
