// Refresh tokens rotate on every use. The server gives a second refresh of
// one token within a few seconds the same pair, but a later reuse revokes
// the whole session, so refreshes still run one at a time: concurrent
// callers in this tab share one promise, and a Web Lock serialises tabs.

import * as v from "valibot";
import { TokenPairSchema } from "../wire/rest";
import { ApiFailure, failureFrom, networkFailure } from "./failure";
import { accessTokenStale, endSession, getAccessToken, getRefreshToken, storeTokens } from "./session";

let inflight: Promise<boolean> | null = null;

/**
 * Gets a new token pair. Resolves false (and ends the session) when the
 * server refuses the refresh token; throws an ApiFailure when the server
 * cannot be reached, so being offline does not sign anyone out.
 */
export function refreshSession(): Promise<boolean> {
  inflight ??= exclusive(refreshNow).finally(() => {
    inflight = null;
  });
  return inflight;
}

/** An access token that will not expire in the next half minute, or null when signed out. */
export async function freshAccessToken(): Promise<string | null> {
  if (accessTokenStale() && !(await refreshSession())) return null;
  return getAccessToken();
}

function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  if (typeof navigator !== "undefined" && "locks" in navigator) {
    return navigator.locks.request("imsys.refresh", fn);
  }
  return fn();
}

async function refreshNow(): Promise<boolean> {
  // Read inside the lock: another tab may have rotated it meanwhile.
  const refreshToken = getRefreshToken();
  if (refreshToken === null) {
    endSession();
    return false;
  }
  let res: Response;
  try {
    res = await fetch("/api/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refreshToken }),
    });
  } catch {
    throw networkFailure();
  }
  if (!res.ok) {
    const failure = await failureFrom(res);
    if (res.status >= 500 || res.status === 429) throw failure;
    endSession();
    return false;
  }
  const parsed = v.safeParse(TokenPairSchema, await res.json().catch(() => null));
  if (!parsed.success) throw new ApiFailure(res.status, "bad_response", "Unexpected answer from the server.");
  storeTokens(parsed.output);
  return true;
}
