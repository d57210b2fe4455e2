// The one way the app calls the REST API: adds the Bearer token, refreshes
// it once on `401 unauthorized` and retries, and parses every answer.
import * as v from "valibot";
import { ApiFailure, failureFrom, networkFailure } from "./failure";
import { refreshSession } from "./refresh";
import { getAccessToken } from "./session";

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** false for the sign-in endpoints, which take no token. */
  auth?: boolean;
}

/** Calls the API and parses the JSON answer with `schema`. */
export async function api<T>(path: string, schema: v.GenericSchema<unknown, T>, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts);
  const parsed = v.safeParse(schema, await res.json().catch(() => null));
  if (!parsed.success) throw new ApiFailure(res.status, "bad_response", "Unexpected answer from the server.");
  return parsed.output;
}

/** Fetches bytes the API serves only with a token (avatars), for a `blob:` URL. */
export async function apiBlob(path: string): Promise<Blob> {
  return (await send(path, {})).blob();
}

/** Calls the API for its status alone (204 answers). */
export async function apiVoid(path: string, opts: RequestOptions = {}): Promise<void> {
  await send(path, opts);
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const auth = opts.auth ?? true;
  const token = auth ? getAccessToken() : null;
  let res = await attempt(path, opts, token);
  if (auth && res.status === 401 && (await isUnauthorized(res.clone()))) {
    // Another request may have refreshed while this one was in flight.
    const renewed = getAccessToken() !== token || (await refreshSession());
    if (!renewed) throw new ApiFailure(401, "unauthorized", "Your session has ended. Please sign in again.");
    res = await attempt(path, opts, getAccessToken());
  }
  if (!res.ok) throw await failureFrom(res);
  return res;
}

async function attempt(path: string, opts: RequestOptions, token: string | null): Promise<Response> {
  const headers = new Headers();
  if (token !== null) headers.set("Authorization", `Bearer ${token}`);
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(opts.body);
  }
  try {
    return await fetch(path, { method: opts.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  } catch {
    throw networkFailure();
  }
}

async function isUnauthorized(res: Response): Promise<boolean> {
  return (await failureFrom(res)).code === "unauthorized";
}
