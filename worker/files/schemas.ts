import * as v from "valibot";
import { intParam } from "../http/validate";
import { CONVERSATION_ID } from "../ids";
import { FileLimits, hasUnsafeNameChars } from "../protocol";

const TOKEN = "[a-z0-9!#$&^_.+-]+";
const MIME_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[^"\\\\\\p{Cc}]*"))*$`, "iu");

export const fileName = v.pipe(
  v.string(),
  v.minLength(1, "must not be empty"),
  v.maxLength(FileLimits.nameMax, `must be at most ${FileLimits.nameMax} characters`),
  v.check((s) => s.isWellFormed(), "must be valid Unicode"),
  // The names' list (controls, bidi overrides and marks, line separators): "gpj.exe" must not display as "exe.jpg".
  v.check((s) => !hasUnsafeNameChars(s), "must not contain control characters or bidi controls"),
  v.check((s) => !/[/\\]/.test(s), "must not contain path separators"),
  v.check((s) => s !== "." && s !== "..", "must be a file name"),
);

export const createFileBody = v.object({
  conversationId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  name: fileName,
  size: v.pipe(
    v.number(),
    v.integer("must be an integer"),
    v.minValue(1, "must be at least 1 byte"),
    v.maxValue(FileLimits.fileMax, `must be at most ${FileLimits.fileMax} bytes`),
  ),
  contentType: v.pipe(
    v.string(),
    v.maxLength(255),
    v.regex(MIME_TYPE, "must be a MIME type such as image/png"),
    v.transform((s) => s.toLowerCase()),
  ),
});

export const partParams = v.object({
  id: v.string(),
  n: intParam(1, Math.ceil(FileLimits.fileMax / FileLimits.partSize)),
});

/** The conversation a file is read through when it is not the file's own: one it was forwarded into. */
const via = v.optional(v.pipe(v.string(), v.regex(CONVERSATION_ID, "must be a conversation id")));
export const viaQuery = v.object({ via });

/** Query of a signed download URL; `exp`, `sig` and `u` all present or none (`via` is signed with them). */
export const signedQuery = v.object({
  exp: v.pipe(v.string(), v.regex(/^\d{1,12}$/), v.transform(Number)),
  sig: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
  u: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  via,
});
