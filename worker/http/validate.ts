import { vValidator } from "@hono/valibot-validator";
import type { ValidationTargets } from "hono";
import * as v from "valibot";
import { hasUnsafeNameChars, Limits, USERNAME_PATTERN } from "../protocol";
import { invalidRequest } from "./errors";

/** What a person calls each part of a request ("invalid json" read as "your JSON is malformed"). */
const PART_NAMES: ReadonlyMap<keyof ValidationTargets, string> = new Map([
  ["json", "body"],
  ["query", "query"],
  ["param", "path"],
  ["header", "headers"],
]);

/**
 * Hono validator middleware over a valibot schema whose failures become
 * `400 invalid_request` with `details: [{field, message}]`; the message names
 * the first failing field and why, so a client that shows only the message
 * still says what to fix.
 */
export function valid<T extends v.GenericSchema, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return vValidator(target, schema, (result) => {
    if (result.success) return;
    const details = issuesToDetails(result.issues);
    const first = details[0];
    const part = PART_NAMES.get(target) ?? "request";
    throw invalidRequest(first ? `invalid ${part}: ${first.field} ${first.message}` : `invalid ${part}`, details);
  });
}

export function issuesToDetails(issues: readonly v.BaseIssue<unknown>[]) {
  return issues.map((issue) => ({ field: v.getDotPath(issue) ?? "(root)", message: issue.message }));
}

/** Parse an unknown value or throw `invalid_request` naming the fields. */
export function parseOrThrow<T extends v.GenericSchema>(schema: T, value: unknown): v.InferOutput<T> {
  const result = v.safeParse(schema, value);
  if (!result.success) throw invalidRequest("invalid request", issuesToDetails(result.issues));
  return result.output;
}

/** A decimal integer query parameter. */
export const intParam = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^-?\d{1,16}$/, "must be an integer"),
    v.transform(Number),
    v.minValue(min),
    v.maxValue(max),
  );

/**
 * Refuses UNSAFE_NAME_CHARS (protocol.ts): for names, titles and request messages, not message text.
 * Also lone surrogates: D1 stores each as three U+FFFD, so the name read back is another one, up to
 * three times its length limit.
 */
export const safeName = v.check<string, string>(
  (s) => s.isWellFormed() && !hasUnsafeNameChars(s),
  "must be valid Unicode without control characters or bidi overrides",
);

/** Any case is accepted and stored lower-case: uniqueness is case-insensitive by construction. */
export const username = v.pipe(
  v.string(),
  v.toLowerCase(),
  v.regex(USERNAME_PATTERN, `must be ${Limits.usernameMin}-${Limits.usernameMax} of a-z 0-9 _ . -`),
);
