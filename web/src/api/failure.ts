import * as v from "valibot";
import { fieldRuleText } from "../forms/rules";
import { type MessageKey, t } from "../i18n";

/** A refused or failed request: the server's `{error: {code, message}}`, or `network`. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiFailure";
  }
}

const ErrorBodySchema = v.object({
  error: v.object({ code: v.string(), message: v.string(), details: v.optional(v.unknown()) }),
});

export async function failureFrom(res: Response): Promise<ApiFailure> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON (a proxy page, an empty body)
  }
  return failureFromBody(res.status, body);
}

/** The failure for an answer already read (`body`: the parsed JSON, or null when it was not JSON). */
export function failureFromBody(status: number, body: unknown): ApiFailure {
  const parsed = v.safeParse(ErrorBodySchema, body);
  if (parsed.success) {
    const { code, message, details } = parsed.output.error;
    return new ApiFailure(status, code, message, details);
  }
  return new ApiFailure(status, "http_error", `The server answered ${status}.`);
}

export const networkFailure = () => new ApiFailure(0, "network", "Cannot reach the server. Check your connection.");

/**
 * Words for each error code. A code comes from the server (untrusted input),
 * so it is looked up in a Map, never as a plain object's key; the server's
 * English `message` is never shown (it is for logs and developers).
 */
const BY_CODE: ReadonlyMap<string, MessageKey> = new Map<string, MessageKey>([
  ["invalid_request", "errInvalidRequest"],
  ["unauthorized", "errSessionEnded"],
  ["invalid_credentials", "errInvalidCredentials"],
  ["otp_required", "enterOtp"],
  ["invalid_otp", "errInvalidOtp"],
  ["forbidden", "errForbidden"],
  ["not_found", "errNotFound"],
  ["conflict", "errConflict"],
  ["too_large", "errTooLarge"],
  ["rate_limited", "errRateLimited"],
  ["network", "errNetwork"],
  ["bad_response", "errBadResponse"],
]);

/** Per-screen wording for a code where the generic one says too little (a taken username is a `conflict`). */
export type ErrorWording = ReadonlyMap<string, MessageKey>;

/** The first field a refusal's `details` names, if any (`details` is untrusted: narrowed, not cast). */
function firstField(details: unknown): string | null {
  if (!Array.isArray(details)) return null;
  for (const d of details) {
    if (typeof d === "object" && d !== null && "field" in d && typeof d.field === "string") return d.field;
  }
  return null;
}

/** Translated text for a code (and the details of an `invalid_request`), in the current language. */
export function describeCode(code: string, details?: unknown, wording?: ErrorWording): string {
  const own = wording?.get(code);
  if (own) return t(own);
  if (code === "invalid_request") {
    const field = firstField(details);
    const rule = field === null ? null : fieldRuleText(field);
    if (rule) return rule;
  }
  const key = BY_CODE.get(code);
  return t(key ?? "errGeneric");
}

/** Text for a person, from anything a request threw. */
export function describeError(err: unknown, wording?: ErrorWording): string {
  if (err instanceof ApiFailure) return describeCode(err.code, err.details, wording);
  return t("errGeneric");
}
