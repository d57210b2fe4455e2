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

function signedUrl(fileId: string, via: string | undefined, force: boolean): Promise<string> {
  // A forwarded file's URL names the conversation it is read through: one entry per pair.
  const key = via === undefined ? fileId : `${fileId} ${via}`;
  const hit = cache.get(key);
  if (hit && !force && hit.expires > Date.now()) return hit.url;
  const url = fileMeta(fileId, via).then((m) => m.url);
  const entry = { url, expires: Date.now() + TTL_MS };
  cache.set(key, entry);
  url.catch(() => cache.get(key) === entry && cache.delete(key));
  return url;
}

export interface SignedUrl {
  url: string | null;
  failed: boolean;
  /** Call from an element's `error` event: gets a fresh URL (once per expiry). */
  renew(): void;
}

export function useSignedUrl(fileId: string, via?: string): SignedUrl {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let live = true;
    signedUrl(fileId, via, round > 0).then(
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
  }, [fileId, via, round]);

  const renew = useCallback(() => setRound((r) => (r < 3 ? r + 1 : r)), []);
  return { url, failed, renew };
}
