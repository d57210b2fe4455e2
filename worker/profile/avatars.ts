// Avatars: one small picture per user in R2, named by the user's id and a
// random version the server makes (the caller chooses neither). D1's
// `users.avatar` names the current version; every `user` object carries it,
// so a new picture is a new URL and a cached one is never stale.
//
// Who may see one: every signed-in user, as with display names (any
// signed-in user reads those through search, requests and member lists).
// The bytes are served only with a Bearer token, never to anonymous callers.
import { type Account, swapAvatar, toMe } from "../db/users";
import type { Bindings } from "../http/env";
import { conflict, invalidRequest, notFound } from "../http/errors";
import { randomToken } from "../ids";
import { AVATAR_TYPES, type Me } from "../protocol";
import { checkAvatarImage } from "./image-check";

const VERSION_BYTES = 12;

const keyOf = (userId: string, version: string) => `avatars/${userId}/${version}`;

/** One year: the URL changes with the picture, so the cached copy can live as long as it is used. */
const CACHE_CONTROL = "private, max-age=31536000, immutable";

/**
 * Stores `bytes` as the user's new avatar and retires the old one. A change
 * that raced this one and won leaves this one's bytes deleted and answers
 * `409`; the caller sends again.
 */
export async function replaceAvatar(env: Bindings, account: Account, bytes: Uint8Array): Promise<Me> {
  const image = await checkAvatarImage(bytes);
  if (!image.ok) throw invalidRequest(`invalid body: ${image.reason}`, [{ field: "body", message: image.reason }]);
  const version = randomToken(VERSION_BYTES);
  await env.FILES.put(keyOf(account.id, version), bytes, {
    httpMetadata: { contentType: image.type },
    customMetadata: { userId: account.id },
  });
  if (!(await swapAvatar(env.DB, account.id, account.avatar, version))) {
    await env.FILES.delete(keyOf(account.id, version));
    throw conflict("your avatar changed meanwhile; send it again");
  }
  await retire(env, account.id, account.avatar);
  return toMe({ ...account, avatar: version });
}

/** Removes the user's avatar (nothing to remove is fine: the end state is the same). */
export async function removeAvatar(env: Bindings, account: Account): Promise<Me> {
  if (account.avatar === null) return toMe(account);
  if (!(await swapAvatar(env.DB, account.id, account.avatar, null))) {
    throw conflict("your avatar changed meanwhile; try again");
  }
  await retire(env, account.id, account.avatar);
  return toMe({ ...account, avatar: null });
}

/** The old picture stops being served once no row names it; a failed delete leaves an unreachable object. */
async function retire(env: Bindings, userId: string, version: string | null): Promise<void> {
  if (version === null) return;
  try {
    await env.FILES.delete(keyOf(userId, version));
  } catch (err) {
    console.warn("old avatar not deleted", err instanceof Error ? err.name : "non-error thrown");
  }
}

/**
 * The picture of `userId` at `version`, if that is still their avatar: an
 * earlier version is deleted when it is replaced, so it answers 404.
 */
export async function serveAvatar(env: Bindings, userId: string, version: string): Promise<Response> {
  const object = await env.FILES.get(keyOf(userId, version));
  if (!object) throw notFound("no such avatar");
  const stored = object.httpMetadata?.contentType ?? "";
  // Only what the checker let in goes out under its own type.
  const type = (AVATAR_TYPES as readonly string[]).includes(stored) ? stored : "application/octet-stream";
  return new Response(object.body, {
    headers: {
      "Content-Type": type,
      "Content-Length": String(object.size),
      "X-Content-Type-Options": "nosniff",
      // Opened on its own, the picture still runs nothing.
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": CACHE_CONTROL,
      ETag: object.httpEtag,
    },
  });
}
