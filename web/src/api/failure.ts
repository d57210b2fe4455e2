import * as v from "valibot";

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

/** Text for a person, from anything a request threw. */
export function describeError(err: unknown): string {
  if (err instanceof ApiFailure) return err.message;
  return "Something went wrong. Please try again.";
}
